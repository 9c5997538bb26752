-- wrk script: POST /api/v1/orders/{id}/cancellations, a different order on every request, with
-- the order's buyer's bearer token and an Idempotency-Key, as a client of the API sends it.
-- Arguments after `--`: <orders file: "order_id token" per line> <threads> <first line>
-- <line count, 0 = all> <mean pause in ms between a connection's requests, 0 = none>.
-- Prints "BENCH <name> <value>" lines that bench/common.py reads.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local path = args[1]
  local nthreads = tonumber(args[2])
  local first = tonumber(args[3])
  local count = tonumber(args[4])
  pause = tonumber(args[5])
  math.randomseed(os.time() + id)
  orders = {}
  local i = 0
  for line in io.lines(path) do
    if i >= first and (count == 0 or i < first + count) and (i - first) % nthreads == id then
      local order_id, token = line:match("^(%d+)%s+(%S+)$")
      orders[#orders + 1] = { order_id, token }
    end
    i = i + 1
  end
  cursor = 1
  ok = 0
  non2xx = 0
  exhausted = 0
  sample_error = ""
  body = '{"reason": "changed_mind"}'
end

function request()
  local o = orders[cursor]
  if o == nil then
    exhausted = 1
    wrk.thread:stop()
    return wrk.format("GET", "/healthz")
  end
  cursor = cursor + 1
  return wrk.format("POST", "/api/v1/orders/" .. o[1] .. "/cancellations", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. o[2],
    ["Idempotency-Key"] = "bench-cancel-" .. o[1],
  }, body)
end

function delay()
  -- Random pauses with the given mean, so the connections do not send in lockstep bursts.
  if pause == 0 then
    return 0
  end
  return math.random() * 2 * pause
end

function response(status, headers, resp_body)
  if string.find(resp_body or "", '"status":"ok"', 1, true) then
    return -- the filler request sent after the orders ran out
  end
  if status >= 200 and status < 300 then
    ok = ok + 1
  else
    non2xx = non2xx + 1
    if sample_error == "" then
      sample_error = status .. " " .. string.sub(resp_body or "", 1, 200)
    end
  end
end

function done(summary, latency, requests)
  local total_ok, total_non2xx, any_exhausted, sample = 0, 0, 0, ""
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_non2xx = total_non2xx + thread:get("non2xx")
    any_exhausted = math.max(any_exhausted, thread:get("exhausted"))
    if sample == "" then
      sample = thread:get("sample_error")
    end
  end
  local e = summary.errors
  io.write(string.format("BENCH requests %d\n", total_ok + total_non2xx))
  io.write(string.format("BENCH duration_us %d\n", summary.duration))
  io.write(string.format("BENCH ok %d\n", total_ok))
  io.write(string.format("BENCH non2xx %d\n", total_non2xx))
  io.write(string.format("BENCH socket_errors %d\n", e.connect + e.read + e.write + e.timeout))
  io.write(string.format("BENCH exhausted %d\n", any_exhausted))
  io.write(string.format("BENCH p50_us %d\n", latency:percentile(50)))
  io.write(string.format("BENCH p90_us %d\n", latency:percentile(90)))
  io.write(string.format("BENCH p99_us %d\n", latency:percentile(99)))
  io.write(string.format("BENCH max_us %d\n", latency.max))
  io.write("BENCH sample_error " .. string.gsub(sample, "\n", " ") .. "\n")
end
