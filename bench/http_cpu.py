"""CPU per API cancel, in-process: N whole requests (`POST /api/v1/orders/{id}/cancellations`
with a bearer token and an Idempotency-Key) through the ASGI app, driven as a server drives it
(one scope, the body in one message, the answer collected), against the same cancel called
directly (`services.cancellations.cancel_order`). `time.process_time()` counts every thread of
the process, the thread pool's too, so the difference of the two means is what the web layer
adds to the use case: middleware, routing, dependencies, validation, the key, the token, the
answer. The two alternate in rounds so the machine's load weighs on both alike.

`--server` also sends the same requests to `recourse serve --workers 1 --no-worker` over loopback
(one keep-alive connection, then `--connections` at once) and counts the server process's CPU
per request from /proc: the in-process figure plus what uvicorn's HTTP and event loop add.

The whole request's CPU is also split between the event loop's thread (`time.thread_time()`
around each request: the middleware, routing, validation, the hand-off) and the rest, the thread
pool's (the endpoint: the key, the token, the use case, the answer). After the timed rounds, a
few more cancels each way are counted: statements, and on PostgreSQL round trips (with BEGIN,
COMMIT and the pool's pre-ping), per API request and per direct cancel.

`--profile FILE` also profiles the requests with pyinstrument; there the thread pool's
hand-offs run inline so the one sampled thread sees the endpoint's work as well.

    python -m bench.http_cpu --requests 400 --db postgresql --profile /tmp/http.txt
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import statistics
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

from pyinstrument import Profiler

from bench.cancel_inprocess import Statements, cancel_as_buyer, each_database
from bench.common import (
    Server,
    add_db_options,
    cpu_seconds,
    say,
)
from bench.seeding import INSTANT, make_marketplace, seed_paid_orders
from recourse.container import Container
from recourse.integrations.clock import FixedClock

WARM_UP = 20
COUNTED = 10  # cancels each way whose statements are counted, after the timed ones


class Driver:
    """Sends a request to the ASGI app the way a server does and keeps the answer."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.loop_cpu = 0.0  # CPU seconds of the event loop's thread in requests

    async def post(
        self, path: str, body: bytes, headers: list[tuple[bytes, bytes]]
    ) -> tuple[int, Any]:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "server": ("127.0.0.1", 8000),
            "client": ("127.0.0.1", 50000),
            "scheme": "http",
            "method": "POST",
            "root_path": "",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "headers": [
                (b"host", b"127.0.0.1:8000"),
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
            "state": {},
        }
        sent = False
        status = 0
        answer = b""

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                await asyncio.Event().wait()  # a disconnect never comes: the client waits
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status, answer
            if message["type"] == "http.response.start":
                status = message["status"]
            else:
                answer += message.get("body", b"")

        started = time.thread_time()
        await self.app(scope, receive, send)
        self.loop_cpu += time.thread_time() - started
        return status, json.loads(answer)


def cancel_request(order_id: int, token: str) -> tuple[str, bytes, list[tuple[bytes, bytes]]]:
    body = json.dumps({"reason": "changed_mind"}).encode()
    headers = [
        (b"authorization", f"Bearer {token}".encode()),
        (b"idempotency-key", f"http-cpu-{order_id}".encode()),
    ]
    return f"/api/v1/orders/{order_id}/cancellations", body, headers


def http_cancels(driver: Driver, made: list[tuple[int, int]], tokens: dict[int, str]) -> float:
    """CPU seconds of these cancels over the API."""

    async def run() -> float:
        started = time.process_time()
        for order_id, buyer_id in made:
            status, answer = await driver.post(*cancel_request(order_id, tokens[buyer_id]))
            assert status == 201, status
            assert answer["status"] == "completed" and answer["refund"], answer
        return time.process_time() - started

    return asyncio.run(run())


def direct_cancels(c: Container, made: list[tuple[int, int]]) -> float:
    started = time.process_time()
    for order_id, buyer_id in made:
        cancel_as_buyer(c, order_id, buyer_id)
    return time.process_time() - started


@contextlib.contextmanager
def inline_thread_pool() -> Iterator[None]:
    """For the profile only: what goes to the thread pool runs in the event loop's thread."""
    import anyio.to_thread

    real = anyio.to_thread.run_sync

    async def inline(func: Any, *args: Any, **_: Any) -> Any:
        return func(*args)

    anyio.to_thread.run_sync = inline  # type: ignore[assignment]
    try:
        yield
    finally:
        anyio.to_thread.run_sync = real  # type: ignore[assignment]


def over_loopback(server: Server, made: list[tuple[int, int]], tokens: dict[int, str]) -> None:
    """Each order's cancel on one keep-alive connection, one after the other."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        for order_id, buyer_id in made:
            path, body, headers = cancel_request(order_id, tokens[buyer_id])
            conn.request(
                "POST",
                path,
                body=body,
                headers={
                    "content-type": "application/json",
                    **{k.decode(): v.decode() for k, v in headers},
                },
            )
            response = conn.getresponse()
            answer = json.loads(response.read())
            assert response.status == 201, response.status
            assert answer["status"] == "completed" and answer["refund"], answer
    finally:
        conn.close()


def served(
    c: Container,
    made: list[tuple[int, int]],
    tokens: dict[int, str],
    connections: int,
    data_dir: Path,
) -> None:
    """CPU of `recourse serve` per API cancel, sequential and with `connections` at once."""
    with Server(c.settings.resolved_database_url, 1, data_dir) as server:
        pids = server.web_pids()
        over_loopback(server, made[:WARM_UP], tokens)
        half = (len(made) - WARM_UP) // 2
        one = made[WARM_UP : WARM_UP + half]
        started = cpu_seconds(pids)
        over_loopback(server, one, tokens)
        ms = (cpu_seconds(pids) - started) / len(one) * 1000
        say("server CPU per API cancel, one connection", f"{ms:.2f} ms ({len(one)} requests)")
        many = made[WARM_UP + half :]
        shares = [many[i::connections] for i in range(connections)]
        started = cpu_seconds(pids)
        with ThreadPoolExecutor(connections) as pool:
            list(pool.map(lambda share: over_loopback(server, share, tokens), shares))
        ms = (cpu_seconds(pids) - started) / len(many) * 1000
        say(
            f"server CPU per API cancel, {connections} connections",
            f"{ms:.2f} ms ({len(many)} requests)",
        )


def measure(
    c: Container,
    n: int,
    rounds: int,
    profile: Path | None,
    kind: str,
    server: tuple[int, Path] | None = None,
) -> None:
    from bench.seeding import buyer_tokens
    from recourse.web.app import create_app

    assert isinstance(c.clock, FixedClock)
    market = make_marketplace(c, policy=INSTANT, buyers=4)
    extra = n if profile else 0
    loopback = 2 * n + WARM_UP if server else 0
    made = seed_paid_orders(c, market, 2 * n + 2 * WARM_UP + 2 * COUNTED + extra + loopback)
    if server:
        served(c, made[-loopback:], buyer_tokens(c, market), *server)
    c.clock.advance(timedelta(hours=3))
    tokens = buyer_tokens(c, market)
    driver = Driver(create_app(c))
    direct_cancels(c, made[:WARM_UP])
    http_cancels(driver, made[WARM_UP : 2 * WARM_UP], tokens)
    counted, rest = made[2 * WARM_UP : 2 * WARM_UP + 2 * COUNTED], made[2 * WARM_UP + 2 * COUNTED :]
    say(f"{kind} seeded", f"{len(made)} paid orders; {WARM_UP} warm-up cancels each way")
    per_round = n // rounds
    http_cpu = direct_cpu = 0.0
    driver.loop_cpu = 0.0
    for r in range(rounds):
        chunk = rest[2 * r * per_round : 2 * (r + 1) * per_round]
        direct_cpu += direct_cancels(c, chunk[:per_round])
        http_cpu += http_cancels(driver, chunk[per_round:], tokens)
    done = per_round * rounds
    http_ms, direct_ms = http_cpu / done * 1000, direct_cpu / done * 1000
    loop_ms = driver.loop_cpu / done * 1000
    say(
        f"{kind} CPU per API cancel",
        f"{http_ms:.2f} ms (whole request, {done} requests): the event loop's thread "
        f"{loop_ms:.2f} ms, the rest (the thread pool) {http_ms - loop_ms:.2f} ms",
    )
    say(f"{kind} CPU per direct cancel", f"{direct_ms:.2f} ms (the use case alone, {done})")
    say(f"{kind} CPU of the web layer per cancel", f"{http_ms - direct_ms:.2f} ms")
    if profile:
        profiler = Profiler(interval=0.0002, async_mode="disabled")
        with inline_thread_pool():
            profiler.start()
            http_cancels(driver, rest[2 * done : 2 * done + extra], tokens)
            profiler.stop()
        out = profile.with_name(f"{profile.stem}-{kind}{profile.suffix or '.txt'}")
        out.write_text(profiler.output_text(unicode=True, show_all=False))
        say(f"{kind} profile", f"pyinstrument over {extra} API cancels, written to {out}")
    count_statements(c, kind, driver, counted, tokens)  # last: its listeners stay


def count_statements(
    c: Container,
    kind: str,
    driver: Driver,
    made: list[tuple[int, int]],
    tokens: dict[int, str],
) -> None:
    """Statements (and round trips) per direct cancel and per API request, counted apart from
    the timed cancels so that counting costs them nothing. The median is the cancel's own
    shape; the mean adds what some cancels do now and then (a new block of ids, reference data
    read again when the process's copy expired)."""
    half = len(made) // 2
    stats = Statements(c.engine, c.read_engine)
    for label, run in (
        ("direct cancel", lambda one: direct_cancels(c, one)),
        ("API request", lambda one: http_cancels(driver, one, tokens)),
    ):
        counts: list[int] = []
        trips: list[int] = []
        for one in made[:half] if label == "direct cancel" else made[half:]:
            stats.reset()
            run([one])
            counts.append(len(stats.sql))
            trips.append(stats.round_trips)
        rounds = (
            f"; round trips median {statistics.median(trips):g}, mean {statistics.mean(trips):.1f}"
            if kind == "postgresql"
            else ""
        )
        say(
            f"{kind} statements per {label}",
            f"median {statistics.median(counts):g}, mean {statistics.mean(counts):.1f}{rounds} "
            f"({half} counted)",
        )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--requests", type=int, default=400, help="measured cancels each way (400)")
    p.add_argument("--rounds", type=int, default=4, help="alternating rounds (default 4)")
    p.add_argument(
        "--db", choices=("both", "postgresql", "sqlite"), default="postgresql", help="(postgresql)"
    )
    p.add_argument("--profile", type=Path, help="pyinstrument text to FILE-<database>.txt")
    p.add_argument("--server", action="store_true", help="also over loopback (PostgreSQL)")
    p.add_argument(
        "--connections", type=int, default=16, help="--server's connections at once (16)"
    )
    add_db_options(p, "recourse_bench_http_cpu")
    args = p.parse_args()
    for c, url, folder in each_database(args):
        kind = url.split(":", 1)[0]
        loopback = args.server and kind == "postgresql"
        serve = (args.connections, folder) if loopback else None
        measure(c, args.requests, args.rounds, args.profile, kind, serve)


if __name__ == "__main__":
    main()
