"""Instant cancellations called in-process: `services.cancellations.cancel_order` K times on
PostgreSQL and on SQLite; time per cancel, SQL statements per cancel, and the statements of one
cancel listed so it is plain what could be cut. On PostgreSQL, pgbench's TPC-B with one client
runs right after, and each cancel's mean is printed against its latency (issue 14: a paid cancel
at most 4x). `--http` adds one whole API request (middleware, auth, the cancel, the response)
through the ASGI app in-process, counted the same way.

    python -m bench.cancel_inprocess --cancels 2000
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import subprocess
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pyinstrument import Profiler
from sqlalchemy import Engine, event

from bench.common import (
    PG_HOST,
    PG_PORT,
    PG_USER,
    ServerStatements,
    add_db_options,
    bench_database,
    container,
    create_database,
    describe_setup,
    drop_database,
    need_tool,
    pg_url,
    say,
    short,
    timing_line,
    upgrade,
)
from bench.seeding import INSTANT, LINES, OPERATOR, buyer_tokens, make_marketplace, seed_paid_orders
from recourse.container import Container
from recourse.domain.order import PaymentMethod
from recourse.domain.roles import Actor, Role
from recourse.integrations.clock import FixedClock
from recourse.services import orders
from recourse.services.cancellations import cancel_order


class Statements:
    """Counts what reaches the driver: statements (before_cursor_execute), transactions and
    pool checkouts, and the pings of idle pooled connections (db/engine.py `ping_when_idle`)."""

    def __init__(self, *engines: Engine) -> None:
        self.sql: list[str] = []
        self.begins = 0
        self.commits = 0
        self.rollbacks = 0
        self.checkouts = 0
        self.pings = 0
        for engine in engines:
            event.listen(engine, "before_cursor_execute", self._statement)
            event.listen(engine, "begin", self._begin)
            event.listen(engine, "commit", self._commit)
            event.listen(engine, "rollback", self._rollback)
            event.listen(engine.pool, "checkout", self._checkout)
            self._count_pings(engine)

    def _statement(self, _c: Any, _cur: Any, statement: str, *_: Any) -> None:
        if not statement.startswith("BEGIN"):  # SQLite's BEGIN IMMEDIATE; counted in begins
            self.sql.append(statement)

    def _begin(self, _c: Any) -> None:
        self.begins += 1

    def _commit(self, _c: Any) -> None:
        self.commits += 1

    def _rollback(self, _c: Any) -> None:
        self.rollbacks += 1

    def _checkout(self, *_: Any) -> None:
        self.checkouts += 1

    def _count_pings(self, engine: Engine) -> None:
        ping = engine.dialect.do_ping

        def counted(dbapi_connection: Any) -> bool:
            self.pings += 1
            return ping(dbapi_connection)

        engine.dialect.do_ping = counted  # type: ignore[method-assign]

    def reset(self) -> None:
        self.sql, self.begins, self.commits, self.rollbacks = [], 0, 0, 0
        self.checkouts = self.pings = 0

    @property
    def round_trips(self) -> int:
        """Statements, BEGIN, COMMIT, ROLLBACK, and the pings of idle pooled connections."""
        return len(self.sql) + self.begins + self.commits + self.rollbacks + self.pings


def list_statements(label: str, statements: list[str]) -> None:
    say(f"{label}: {len(statements)} statements", "in order")
    for i, sql in enumerate(statements, start=1):
        print(f"  {i:>2}. {short(sql)}")
    for text, n in Counter(short(s) for s in statements).most_common():
        if n > 1:
            print(f"  repeated {n}x: {text}")


def cancel_as_buyer(c: Container, order_id: int, buyer_id: int) -> None:
    """What a buyer's "cancel order" does, with the most common reason."""
    cancel_order(
        c.uow(),
        c.ctx,
        actor=Actor(Role.buyer, user_id=buyer_id),
        order_id=order_id,
        reason="changed_mind",
    )


def unpaid_orders(c: Container, market: Any, n: int) -> list[tuple[int, int]]:
    """Orders that were placed and not paid: their cancel records no refund (C2)."""
    made = []
    for i in range(n):
        buyer_id = market.buyer_ids[i % len(market.buyer_ids)]
        order_id = orders.ingest_order(
            c.uow(),
            c.ctx,
            actor=OPERATOR,
            data=orders.OrderInput(
                buyer_id=buyer_id,
                store_id=market.store_id,
                currency="EUR",
                shipping_fee=499,
                payment_method=PaymentMethod.card,
                lines=list(LINES),
            ),
        )
        made.append((order_id, buyer_id))
    return made


def measure(
    c: Container, stats: Statements, label: str, kind: str, made: list[tuple[int, int]]
) -> float:
    """Cancel each order as its buyer; print time and statements per cancel, and list one;
    the mean time of a cancel in ms."""
    times: list[float] = []
    counts: list[int] = []
    rounds: list[int] = []
    txns: list[int] = []
    last: list[str] = []
    sent: list[list[str]] = []
    cpu = 0.0
    for order_id, buyer_id in made:
        stats.reset()
        started, cpu_started = time.perf_counter(), time.process_time()
        cancel_as_buyer(c, order_id, buyer_id)
        times.append(time.perf_counter() - started)
        cpu += time.process_time() - cpu_started  # the cancel's own, not this loop's counting
        counts.append(len(stats.sql))
        sent.append(stats.sql)
        rounds.append(stats.round_trips)
        txns.append(stats.begins)
        last = list(stats.sql)
    every = Counter(short(sql) for statements in sent for sql in statements)
    timing_line(f"{kind} {label}", times)
    say(f"{kind} CPU per cancel ({label})", f"{cpu / len(times) * 1000:.2f} ms (this process)")
    say(f"{kind} rate ({label})", f"{len(times) / sum(times):.0f} cancels/s in one thread")
    say(
        f"{kind} SQL statements per cancel ({label})",
        f"mean {sum(counts) / len(counts):.1f}, min {min(counts)}, max {max(counts)}, "
        f"in {sum(txns) / len(txns):.1f} transactions"
        + (
            f"; {sum(rounds) / len(rounds):.1f} round trips to the server with BEGIN, COMMIT, "
            "ROLLBACK and the pings of idle pooled connections"
            if kind == "postgresql"
            else " (an in-process library: no round trips)"
        ),
    )
    list_statements(f"{kind} one cancel ({label})", last)
    say(
        f"{kind} statements over all cancels ({label})",
        "; ".join(f"{text} x{n / len(made):.2f}" for text, n in every.most_common()),
    )
    return sum(times) / len(times) * 1000


def pgbench_ms(database: str, seconds: int) -> float:
    """pgbench's TPC-B with one client on a scratch database of scale 1 (`database`, created and
    dropped here): the mean latency of one transaction in ms, as pgbench reports it."""
    tool = need_tool("pgbench", "postgresql-client")
    create_database(database)
    conn = ["-h", PG_HOST, "-p", str(PG_PORT), "-U", PG_USER]
    try:
        init = [tool, *conn, "-i", "-q", "-s", "1", database]
        subprocess.run(init, check=True, capture_output=True)
        out = subprocess.run(
            [tool, *conn, "-c", "1", "-j", "1", "-T", str(seconds), database],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        drop_database(database)
    found = re.search(r"latency average = ([0-9.]+) ms", out)
    if found is None:
        raise SystemExit(f"pgbench printed no latency:\n{out}")
    return float(found.group(1))


def compare(kind: str, label: str, mean_ms: float, tpcb_ms: float) -> None:
    say(
        f"{kind} {label} / pgbench TPC-B",
        f"{mean_ms:.2f} ms / {tpcb_ms:.2f} ms = {mean_ms / tpcb_ms:.1f}x",
    )


def cancels(
    c: Container,
    n: int,
    url: str,
    data_dir: Path,
    http: bool,
    profile: Path | None = None,
    pgbench: tuple[str, int] | None = None,
) -> None:
    assert isinstance(c.clock, FixedClock)
    market = make_marketplace(c, policy=INSTANT, buyers=4)
    made = seed_paid_orders(c, market, n + 21)
    unpaid = unpaid_orders(c, market, max(n // 4, 20))
    c.clock.advance(timedelta(hours=3))
    stats = Statements(c.engine, c.read_engine)
    for order_id, buyer_id in made[:20]:
        cancel_as_buyer(c, order_id, buyer_id)
    kind = url.split(":", 1)[0]
    say(
        f"{kind} seeded",
        f"{len(made)} paid and {len(unpaid)} unpaid orders, {len(LINES)} lines each; "
        "20 warm-up cancels",
    )
    profiler = Profiler(interval=0.0005) if profile else None
    server = ServerStatements(url) if kind == "postgresql" else None
    if server:
        server.start()
    if profiler:
        profiler.start()
    paid_ms = measure(
        c, stats, "instant, whole paid order, refund recorded", kind, made[20 : 20 + n]
    )
    if server:
        server.report(n, "paid cancel", short)
    if profiler and profile:
        profiler.stop()
        out = profile.with_name(f"{profile.stem}-{kind}{profile.suffix or '.txt'}")
        out.write_text(profiler.output_text(unicode=True, show_all=False))
        say(f"{kind} profile", f"pyinstrument, written to {out}")
    unpaid_ms = measure(c, stats, "unpaid order, no refund", kind, unpaid)
    if pgbench is not None and kind == "postgresql":
        tpcb_ms = pgbench_ms(*pgbench)
        say(
            "pgbench TPC-B, 1 client",
            f"latency average {tpcb_ms:.3f} ms over {pgbench[1]} s (scale 1, right after the "
            f"cancels; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())})",
        )
        compare(kind, "paid cancel", paid_ms, tpcb_ms)
        compare(kind, "unpaid cancel", unpaid_ms, tpcb_ms)
    if http:
        one_request(c, market, made[-1], stats, kind)


def one_request(
    c: Container, market: Any, order: tuple[int, int], stats: Statements, kind: str
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from recourse.web.app import create_app

    token = buyer_tokens(c, market)[order[1]]
    import anyio.to_thread

    real = anyio.to_thread.run_sync
    hand_offs = 0

    async def counted(*args: Any, **kwargs: Any) -> Any:
        # every hand-off to the thread pool (sync endpoints and dependencies, the middleware's)
        nonlocal hand_offs
        hand_offs += 1
        return await real(*args, **kwargs)

    with TestClient(create_app(c)) as client:
        client.get("/healthz")
        stats.reset()
        hand_offs = 0
        anyio.to_thread.run_sync = counted  # type: ignore[assignment]
        try:
            started = time.perf_counter()
            response = client.post(
                f"/api/v1/orders/{order[0]}/cancellations",
                json={"reason": "changed_mind"},
                headers={
                    "Authorization": f"Bearer {token}",
                    "Idempotency-Key": f"inproc-{order[0]}",
                },
            )
            took = (time.perf_counter() - started) * 1000
        finally:
            anyio.to_thread.run_sync = real  # type: ignore[assignment]
    assert response.status_code == 201, response.text
    say(
        f"{kind} one API request",
        f"{response.status_code} in {took:.1f} ms; {len(stats.sql)} statements in "
        f"{stats.begins} transactions, {stats.checkouts} pool checkouts"
        + (f", {stats.round_trips} round trips" if kind == "postgresql" else "")
        + f"; {hand_offs} hand-offs to the thread pool",
    )
    list_statements(f"{kind} one API request", stats.sql)


@contextlib.contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="recourse-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        yield url


def each_database(args: argparse.Namespace) -> Iterator[tuple[Container, str, Path]]:
    """A container on each database `--db` names (a fresh PostgreSQL bench database, a
    temporary SQLite file), its clock a day in the past, with a folder for its files: the
    container, the URL and the folder; disposed of after."""
    describe_setup(pg_url("postgres") if args.db != "sqlite" else None)
    t0 = datetime.now(UTC) - timedelta(days=1)
    places = []
    if args.db in ("both", "postgresql"):
        places.append(bench_database(args.db_name, keep=args.keep))
    if args.db in ("both", "sqlite"):
        places.append(sqlite_database())
    for place in places:
        with place as url, tempfile.TemporaryDirectory(prefix="recourse-bench-") as tmp:
            c = container(url, Path(tmp), FixedClock(t0))
            try:
                yield c, url, Path(tmp)
            finally:
                c.dispose()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--cancels", type=int, default=2000, help="measured cancels (default 2000)")
    p.add_argument(
        "--db", choices=("both", "postgresql", "sqlite"), default="both", help="(default both)"
    )
    p.add_argument("--http", action="store_true", help="also count one whole API request")
    p.add_argument(
        "--profile",
        type=Path,
        help="profile the measured cancels with pyinstrument; text to FILE-<database>.txt",
    )
    p.add_argument(
        "--pgbench",
        type=int,
        default=10,
        metavar="SECONDS",
        help="after the PostgreSQL cancels, time pgbench's TPC-B with one client this long and "
        "print each cancel's mean against it (default 10; 0: not run)",
    )
    add_db_options(p, "recourse_bench_inprocess")
    args = p.parse_args()
    pgbench = (f"{args.db_name}_pgbench", args.pgbench) if args.pgbench else None
    for c, url, folder in each_database(args):
        cancels(c, args.cancels, url, folder, args.http, args.profile, pgbench)


if __name__ == "__main__":
    main()
