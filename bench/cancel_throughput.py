"""Instant cancellations over HTTP: wrk drives POST /api/v1/orders/{id}/cancellations against
`recourse serve --workers W --no-worker` on PostgreSQL; pgbench (TPC-B) on the same database
server, run before and after the HTTP load, gives the yardstick the figure is divided by (the
mean of the two), so runs on different machines compare.
After the run at the maximum, the same load runs paced to 80 % of the rate it reached, for
the latency at that load (issue 14: p99 under 200 ms).

    python -m bench.cancel_throughput --orders 60000 --workers 2 --duration 60
"""

from __future__ import annotations

import argparse
import re
import subprocess
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from sqlalchemy import func, select

from bench.common import (
    PG_HOST,
    PG_PORT,
    PG_USER,
    CpuMeter,
    Server,
    ServerStatements,
    WrkResult,
    add_db_options,
    bench_database,
    container,
    create_database,
    describe_setup,
    drop_database,
    memory_lines,
    need_tool,
    pg_url,
    run_wrk,
    say,
    short,
    wrk_get,
)
from bench.seeding import (
    INSTANT,
    LINES,
    buyer_tokens,
    elapsed,
    make_marketplace,
    seed_paid_orders,
    write_orders_file,
)
from recourse.db import models as m
from recourse.integrations.clock import FixedClock

RATIO_TARGET = 0.12
RSS_TARGET_MB = 150.0
P99_TARGET_MS = 200.0
PACED_SHARE = 0.8


def options(description: str | None, *, soak: bool = False) -> argparse.ArgumentParser:
    """The options the HTTP cancel benchmarks share (this one and bench/soak.py)."""
    p = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawTextHelpFormatter
    )
    orders_help = "enough for --rate and --minutes" if soak else "%(default)s"
    p.add_argument(
        "--orders",
        type=int,
        default=0 if soak else 40_000,
        help=f"paid orders to seed (default {orders_help})",
    )
    p.add_argument("--buyers", type=int, default=16, help="buyers owning them (default 16)")
    p.add_argument("--workers", type=int, default=2, help="web processes (default 2)")
    p.add_argument("--connections", type=int, default=32, help="HTTP connections (default 32)")
    p.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    p.add_argument("--warmup", type=float, default=3, help="warm-up seconds, not counted (3)")
    if not soak:
        p.add_argument("--duration", type=float, default=30, help="measured seconds (default 30)")
    return p


@dataclass
class Load:
    """A bench database with paid orders at an instant-cancel store and the wrk orders file."""

    url: str
    data_dir: Path
    orders_file: Path
    orders: int


def prepare(args: argparse.Namespace, url: str, data_dir: Path) -> Load:
    started = time.perf_counter()
    # Paid a few minutes ago, so the server's own clock sees the orders as they would be.
    c = container(url, data_dir, FixedClock(datetime.now(UTC) - timedelta(minutes=5)))
    market = make_marketplace(c, policy=INSTANT, buyers=args.buyers)
    made = seed_paid_orders(c, market, args.orders)
    tokens = buyer_tokens(c, market)
    c.dispose()
    path = write_orders_file(data_dir / "orders.txt", made, tokens)
    say(
        "seeded",
        f"{len(made)} paid orders ({len(LINES)} lines each) for {args.buyers} buyers at one "
        f"instant-cancel store in {elapsed(started)} (one order through ingest_order + "
        "record_payment, the rest copies of its rows by SQLAlchemy Core, checked against it)",
    )
    return Load(url, data_dir, path, len(made))


def pgbench_tps(scale: int, clients: int, threads: int, seconds: int) -> tuple[float, str]:
    """TPC-B (pgbench's default script) on a scratch database it creates and drops; its tps
    and the CPU one transaction cost."""
    tool = need_tool("pgbench", "postgresql-client")
    name = "recourse_bench_pgbench"
    create_database(name)
    conn = ["-h", PG_HOST, "-p", str(PG_PORT), "-U", PG_USER]
    try:
        subprocess.run(
            [tool, *conn, "-i", "-q", "-s", str(scale), name], check=True, capture_output=True
        )
        with CpuMeter() as cpu:
            out = subprocess.run(
                [tool, *conn, "-c", str(clients), "-j", str(threads), "-T", str(seconds), name],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
    finally:
        drop_database(name)
    found = re.search(r"tps = ([0-9.]+)", out)
    processed = re.search(r"number of transactions actually processed: (\d+)", out)
    if found is None or processed is None:
        raise SystemExit(f"pgbench printed no tps:\n{out}")
    return float(found.group(1)), cpu.per(int(processed.group(1)))


def wait_idle(url: str, limit: float = 60) -> None:
    """Requests wrk left in flight still run on the server: wait until they are done."""
    last = -1
    end = time.monotonic() + limit
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < end:
            row = conn.execute("SELECT count(*) FROM cancellations").fetchone()
            if row is not None and row[0] == last:
                return
            last = row[0] if row else -1
            time.sleep(1)


def sessions_opened(url: str) -> int:
    """Connections the database server has accepted so far (PostgreSQL 14+ counts them)."""
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()
    return int(row[0]) if row else 0


def completed_cancellations(url: str, data_dir: Path) -> int:
    c = container(url, data_dir)
    with c.engine.connect() as conn:
        n = conn.execute(
            select(func.count())
            .select_from(m.CancellationRow)
            .where(m.CancellationRow.status == "completed")
        ).scalar_one()
    c.dispose()
    return int(n)


def print_wrk(label: str, r: WrkResult) -> None:
    say(f"{label} cancels/s", f"{r.rate:.1f} ({r.requests} responses in {r.seconds:.1f} s)")
    say(
        f"{label} latency",
        f"p50 {r.p50_ms:.1f} ms, p90 {r.p90_ms:.1f} ms, p99 {r.p99_ms:.1f} ms, "
        f"max {r.max_ms:.1f} ms (wrk's latency distribution)",
    )
    say(f"{label} non-2xx", f"{r.non2xx}" + (f" (first: {r.sample_error})" if r.non2xx else ""))
    if r.socket_errors:
        say(f"{label} socket errors", r.socket_errors)
    if r.exhausted:
        say("WARNING", "the orders ran out before the end: the rate is too low; raise --orders")


def paced_run(
    args: argparse.Namespace, base: str, orders_file: Path, peak: WrkResult, *, first: int
) -> WrkResult:
    """The same load held to PACED_SHARE of the rate `peak` reached: each connection pauses a
    random time between its requests (wrk's `delay`, bench/cancel.lua), so the latency is the
    server's at that load, not a queue of waiting connections. A connection's cycle is its
    pause plus its request's own time: a short first run at the bare pause measures that time,
    and the measured run pauses that much less. The rate reached is printed with the
    latencies."""
    cycle_ms = 1000 * args.connections / (PACED_SHARE * peak.rate)
    probe = run_wrk(
        base,
        orders_file,
        connections=args.connections,
        threads=args.threads,
        seconds=max(3.0, args.duration / 3),
        first=first,
        delay_ms=cycle_ms,
    )
    own_ms = max(0.0, 1000 * args.connections / max(probe.rate, 1e-9) - cycle_ms)
    say(
        "paced probe",
        f"{probe.rate:.1f} cancels/s with a {cycle_ms:.0f} ms mean pause: a request's own "
        f"time about {own_ms:.0f} ms, taken off the pause",
    )
    pause_ms = max(0.0, cycle_ms - own_ms)
    r = run_wrk(
        base,
        orders_file,
        connections=args.connections,
        threads=args.threads,
        seconds=args.duration,
        first=first + probe.requests + 4 * args.connections,
        delay_ms=pause_ms,
    )
    print_wrk(f"paced ({pause_ms:.0f} ms mean pause per connection)", r)
    return r


def main() -> None:
    p = options(__doc__)
    p.add_argument("--pgbench-scale", type=int, default=32, help="pgbench -i -s (default 32)")
    p.add_argument(
        "--pgbench-seconds", type=int, default=0, help="pgbench -T (default: --duration)"
    )
    add_db_options(p, "recourse_bench_cancel")
    args = p.parse_args()
    describe_setup(pg_url("postgres"))
    pg_seconds = args.pgbench_seconds or round(args.duration)
    with (
        tempfile.TemporaryDirectory(prefix="recourse-bench-") as tmp,
        bench_database(args.db_name, keep=args.keep) as url,
    ):
        load = prepare(args, url, Path(tmp))
        tps, pgbench_cpu = pgbench_tps(
            args.pgbench_scale, args.connections, args.threads, pg_seconds
        )
        say(
            "pgbench tps",
            f"{tps:.1f} (TPC-B, scale {args.pgbench_scale}, -c {args.connections} "
            f"-j {args.threads} -T {pg_seconds}, run before the HTTP load on the same server)",
        )
        say("pgbench CPU per transaction", pgbench_cpu)
        with Server(url, args.workers, load.data_dir) as server:
            say(
                "load",
                f"wrk -t {args.threads} -c {args.connections} on loopback against "
                f"recourse serve --workers {args.workers} --no-worker; one order per request, "
                "buyer's bearer token, Idempotency-Key",
            )
            warm = min(load.orders // 10, args.connections * 50)
            run_wrk(
                server.base,
                load.orders_file,
                connections=args.connections,
                threads=args.threads,
                seconds=args.warmup,
                count=warm,
            )
            wait_idle(url)
            opened = sessions_opened(url)
            statements = ServerStatements(url)
            statements.start()
            with CpuMeter(server.web_pids()) as cpu:
                r = run_wrk(
                    server.base,
                    load.orders_file,
                    connections=args.connections,
                    threads=args.threads,
                    seconds=args.duration,
                    first=warm,
                )
            print_wrk("measured", r)
            say("measured CPU per cancel", cpu.per(r.requests))
            wait_idle(url)
            statements.report(max(r.requests, 1), "per API cancel, measured run", short)
            paced = paced_run(
                args,
                server.base,
                load.orders_file,
                r,
                first=warm + r.requests + 4 * args.connections,
            )
            say(
                "measured new database connections",
                f"{sessions_opened(url) - opened - 1} during the load (a pool that keeps up "
                "opens none)",
            )
            with CpuMeter(server.web_pids()) as floor:
                n, took = wrk_get(
                    f"{server.base}/healthz",
                    connections=args.connections,
                    threads=args.threads,
                    seconds=min(args.duration, 10),
                )
            say(
                "floor: GET /healthz",
                f"{n / took:.0f} requests/s; CPU per request: {floor.per(n)} (the web stack "
                "with no database: what any request costs before its own work)",
            )
            peak = memory_lines(server)
        # This machine's speed can move by a third within minutes: the yardstick is measured
        # on both sides of the HTTP load, and the ratio taken against their mean.
        after, pgbench_cpu_after = pgbench_tps(
            args.pgbench_scale, args.connections, args.threads, pg_seconds
        )
        say(
            "pgbench tps after the HTTP load",
            f"{after:.1f}; CPU per transaction: {pgbench_cpu_after}",
        )
        say(
            "cancellations completed in the database",
            f"{completed_cancellations(url, load.data_dir)} (warm-up and measured, and any "
            "still in flight when wrk stopped)",
        )
    say(
        "p99 at 80 % of the maximum",
        f"{paced.p99_ms:.1f} ms at {paced.rate:.1f} cancels/s "
        f"({paced.rate / r.rate:.0%} of {r.rate:.1f}; target < {P99_TARGET_MS:.0f} ms): "
        + ("met" if paced.p99_ms < P99_TARGET_MS and paced.ok == paced.requests else "NOT met"),
    )
    yardstick = (tps + after) / 2
    ratio = r.rate / yardstick if yardstick else 0.0
    say(
        "ratio cancels/s / pgbench tps",
        f"{ratio:.3f} against the mean of {tps:.1f} before and {after:.1f} after "
        f"({r.rate / tps:.3f} and {r.rate / after:.3f} against each; target >= {RATIO_TARGET})",
    )
    say("peak RSS of a web process", f"{peak:.1f} MB (target <= {RSS_TARGET_MB:.0f} MB)")


if __name__ == "__main__":
    main()
