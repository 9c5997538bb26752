"""Soak (not in CI): the cancel load of bench/cancel_throughput.py at a steady rate for a long
time, printing each minute's rate, latency and the web processes' resident memory, so it shows
whether latency and memory stay flat.

wrk paces each connection with a random pause (mean: connections / rate) between its
requests, so the rate holds as long as the server keeps up; each minute is its own wrk run
over its own slice of orders.

    python -m bench.soak --rate 50 --minutes 10
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

from bench.cancel_throughput import options, prepare, wait_idle
from bench.common import (
    Server,
    add_db_options,
    bench_database,
    describe_setup,
    memory_lines,
    pg_url,
    run_wrk,
    say,
)


def main() -> None:
    p = options(__doc__, soak=True)
    p.add_argument("--rate", type=float, default=50, help="cancels per second (default 50)")
    p.add_argument("--minutes", type=int, default=10, help="how many minutes (default 10)")
    p.add_argument(
        "--minute-seconds", type=float, default=60, help="length of a 'minute' (for smoke runs)"
    )
    add_db_options(p, "recourse_bench_soak")
    args = p.parse_args()
    per_minute = math.ceil(args.rate * args.minute_seconds * 1.5) + args.connections
    args.orders = args.orders or per_minute * args.minutes + args.connections * 10
    pause_ms = 1000 * args.connections / args.rate
    describe_setup(pg_url("postgres"))
    with (
        tempfile.TemporaryDirectory(prefix="recourse-bench-") as tmp,
        bench_database(args.db_name, keep=args.keep) as url,
    ):
        load = prepare(args, url, Path(tmp))
        with Server(url, args.workers, load.data_dir) as server:
            say(
                "load",
                f"wrk -t {args.threads} -c {args.connections}, random pause of {pause_ms:.0f} ms "
                f"on average per connection (aiming at {args.rate:g} cancels/s), {args.minutes} x "
                f"{args.minute_seconds:g} s, against recourse serve --workers {args.workers}",
            )
            run_wrk(
                server.base,
                load.orders_file,
                connections=args.connections,
                threads=args.threads,
                seconds=args.warmup,
                count=args.connections * 10,
                delay_ms=pause_ms,
            )
            wait_idle(url)
            first_rss = last_rss = 0.0
            for minute in range(args.minutes):
                r = run_wrk(
                    server.base,
                    load.orders_file,
                    connections=args.connections,
                    threads=args.threads,
                    seconds=args.minute_seconds,
                    first=args.connections * 10 + minute * per_minute,
                    count=per_minute,
                    delay_ms=pause_ms,
                )
                web = [x for x in server.memory() if x.role == "web"]
                last_rss = max(x.rss_mb for x in web)
                first_rss = first_rss or last_rss
                say(
                    f"minute {minute + 1}",
                    f"{r.rate:.1f} cancels/s, p50 {r.p50_ms:.1f} ms, p90 {r.p90_ms:.1f} ms, "
                    f"p99 {r.p99_ms:.1f} ms, max {r.max_ms:.0f} ms, non-2xx {r.non2xx}, "
                    f"RSS per web process {' / '.join(f'{x.rss_mb:.1f}' for x in web)} MB"
                    + (" (ran out of orders)" if r.exhausted else ""),
                )
            peak = memory_lines(server, "end")
        say("RSS growth", f"{last_rss - first_rss:+.1f} MB from the first minute to the last")
        say("peak RSS of a web process", f"{peak:.1f} MB")


if __name__ == "__main__":
    main()
