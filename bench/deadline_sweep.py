"""The deadline sweep: M cancellation requests whose seller never answers, all past `respond_by`
at once (the worker was down, or a burst came due); how long one worker, then two, take to
bring every request to `auto_approved` with its refund recorded and notifications queued.

Setup: paid orders at an approval store (see bench/seeding.py), then each buyer asks to cancel
through `cancel_order`, in several processes, two hours after payment (spread over
--spread-seconds, as real requests are). Everything that fell due before the first
`respond_by` (payment reminders, the request emails and events, the sellers' reminders) is
marked delivered, as if a worker had kept up until then. The clock (a FixedClock given to
`bootstrap.build`) then jumps past the last `respond_by`, and `make_worker` workers, each in
its own process, run until nothing is due. Each worker count runs on its own fresh copy of
the database (CREATE DATABASE ... TEMPLATE).

Two figures: "deadlines" is the time until no request is pending (the deadline handlers,
which come first in the outbox); "whole drain" adds what they queued: emails rendered and
written to the file mailbox, webhook fan-out (no endpoints), refunds sent to the sandbox
gateway and their answers recorded. The CPU the workers and their database server
processes used is printed per request: it compares runs on a machine other work shares.

    python -m bench.deadline_sweep --requests 100000 --workers 1,2
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import queue
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exists, func, select, update

from bench.common import (
    add_db_options,
    container,
    cpu_seconds,
    create_database,
    database_exists,
    describe_setup,
    drop_database,
    pg_url,
    progress_bar,
    say,
    upgrade,
)
from bench.seeding import (
    APPROVAL,
    elapsed,
    make_marketplace,
    request_cancellations,
    seed_paid_orders,
)
from recourse.bootstrap import make_worker
from recourse.db import models as m
from recourse.db import outbox
from recourse.integrations.clock import FixedClock
from recourse.worker.runner import Worker, freeze_start_up

TARGET_SECONDS_PER_100K = 120.0  # issue 14: two workers, 100,000 requests
SPAWN = multiprocessing.get_context("spawn")


class DeadlineStatements:
    """Counts the statements and commits a worker sends while it fires deadlines (one at a
    time, or a batch at once), not while it claims them nor while it handles what they queued
    (the claim: 2 statements and a commit per claimed batch, shared with other messages)."""

    def __init__(self, worker: Worker) -> None:
        self.statements = self.commits = self.deadlines = 0
        self._on = 0
        event.listen(worker.deps.engine, "before_cursor_execute", self._statement)
        event.listen(worker.deps.engine, "commit", self._commit)
        handle, sweep = worker._handle, getattr(worker, "_sweep", None)

        def counted_handle(message: outbox.Claimed) -> None:
            if message.kind != "deadline" or self._on:  # inside a batch: counted there
                handle(message)
                return
            with self._counting(1):
                handle(message)

        def counted_sweep(messages: list[outbox.Claimed]) -> None:
            assert sweep is not None
            with self._counting(len(messages)):
                sweep(messages)

        worker._handle = counted_handle  # type: ignore[method-assign]
        if sweep is not None:
            worker._sweep = counted_sweep  # type: ignore[method-assign]

    @contextlib.contextmanager
    def _counting(self, deadlines: int) -> Iterator[None]:
        self._on += 1
        try:
            yield
        finally:
            self._on -= 1
            self.deadlines += deadlines

    def _statement(self, *_: Any) -> None:
        if self._on:
            self.statements += 1

    def _commit(self, *_: Any) -> None:
        if self._on:
            self.commits += 1


def sweep_worker(
    url: str,
    data_dir: str,
    at: datetime,
    name: str,
    ready: Any,
    go: Any,
    limit: float,
    counts: Any,
    deadlines_only: bool,
) -> None:
    """One worker process: get ready, wait for the start signal, run until nothing is due (or,
    with `deadlines_only`, until a claim holds no deadline)."""
    c = container(url, Path(data_dir), FixedClock(at))
    backends: list[int] = []  # the database server processes serving this worker
    event.listen(c.engine, "connect", lambda conn, _: backends.append(conn.info.backend_pid))
    worker = make_worker(c, name=name)
    counted = DeadlineStatements(worker)
    past_deadlines = False
    if deadlines_only:
        claim = outbox.claim

        def claim_deadlines(engine: Engine, **kwargs: Any) -> list[outbox.Claimed]:
            nonlocal past_deadlines
            claimed = claim(engine, **kwargs)
            past_deadlines = not any(message.kind == "deadline" for message in claimed)
            return [] if past_deadlines else claimed

        outbox.claim = claim_deadlines
    outbox.pending_count(c.engine, at)  # connected before the clock starts
    freeze_start_up()  # as `recourse worker` does
    ready.set()
    go.wait()
    cpu, db_cpu = time.process_time(), cpu_seconds(backends)
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if worker.run_once() == 0:
            if past_deadlines or outbox.pending_count(c.engine, at) == 0:
                break
            time.sleep(0.05)  # the other worker still holds leased messages
    cpu, db_cpu = time.process_time() - cpu, cpu_seconds(backends) - db_cpu
    counts.put((counted.statements, counted.commits, counted.deadlines, cpu, db_cpu))
    c.dispose()


def _count(engine: Engine, stmt: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


POLL_SECONDS = 1.0


def pending_requests(engine: Engine) -> int:
    return _count(
        engine,
        select(func.count())
        .select_from(m.CancellationRow)
        .where(m.CancellationRow.status == "pending_seller"),
    )


def run_sweep(
    url: str, workers: int, at: datetime, limit: float, expected: int, deadlines_only: bool
) -> tuple[float, float]:
    """Time `workers` worker processes draining the outbox at `at`; print what they did."""
    with tempfile.TemporaryDirectory(prefix="recourse-bench-") as tmp:
        c = container(url, Path(tmp), FixedClock(at))
        go = SPAWN.Event()
        counts = SPAWN.Queue()
        ready = [SPAWN.Event() for _ in range(workers)]
        procs = [
            SPAWN.Process(
                target=sweep_worker,
                args=(url, tmp, at, f"bench-{i}", ready[i], go, limit, counts, deadlines_only),
            )
            for i in range(workers)
        ]
        for proc in procs:
            proc.start()
        for event in ready:  # process start-up and imports are not part of the figure
            event.wait(120)
        wall = datetime.now(UTC)
        started = time.perf_counter()
        go.set()
        deadlines = None
        reports: list[tuple[int, int, int, float, float]] = []
        looked = 0.0
        while any(proc.is_alive() for proc in procs) or len(reports) < workers:
            # a count of the pending requests once a second: ten times a second, at 100,000
            # requests (~15 ms each) it took an eighth of a core from the workers being timed
            if deadlines is None and time.perf_counter() - looked >= POLL_SECONDS:
                looked = time.perf_counter()
                if pending_requests(c.engine) == 0:
                    deadlines = looked - started
            with contextlib.suppress(queue.Empty):
                reports.append(counts.get(timeout=0.1))
            if len(reports) < workers and not any(proc.is_alive() for proc in procs):
                break
        drain = time.perf_counter() - started
        if any(proc.exitcode for proc in procs):
            raise SystemExit(f"a worker process failed: {[proc.exitcode for proc in procs]}")
        deadlines = deadlines or drain
        label = f"{workers} worker{'s' if workers > 1 else ''}"
        say(f"{label} deadlines", f"{deadlines:.1f} s ({expected / deadlines:.0f} requests/s)")
        if not deadlines_only:
            say(f"{label} whole drain", f"{drain:.1f} s")
        statements, commits, fired = (sum(r[i] for r in reports) for i in range(3))
        cpu, db_cpu = (sum(r[i] for r in reports) for i in (3, 4))
        if fired:
            say(
                f"{label} firing deadlines",
                f"{statements / fired:.1f} statements and {commits / fired:.2f} commits per "
                f"deadline ({fired} deadlines; claims not counted)",
            )
            say(
                f"{label} CPU per request",
                f"{(cpu + db_cpu) / fired * 1000:.2f} ms: worker processes "
                f"{cpu / fired * 1000:.2f} ms, their database server processes "
                f"{db_cpu / fired * 1000:.2f} ms (all the workers did, claims included; other "
                "work on the machine not counted)",
            )
        with c.engine.connect() as conn:
            kinds = conn.execute(
                select(m.OutboxRow.kind, func.count())
                .where(m.OutboxRow.delivered_at >= wall)
                .group_by(m.OutboxRow.kind)
                .order_by(m.OutboxRow.kind)
            ).all()
            statuses = conn.execute(
                select(m.CancellationRow.status, func.count()).group_by(m.CancellationRow.status)
            ).all()
            refunds = conn.execute(
                select(m.RefundRow.status, func.count()).group_by(m.RefundRow.status)
            ).all()
            notes = conn.execute(
                select(func.count()).where(m.NotificationRow.kind == "cancellation.completed")
            ).scalar_one()
            dead = conn.execute(select(func.count()).where(m.OutboxRow.dead_at.is_not(None)))
            dead_count = dead.scalar_one()
        mails = sum(1 for _ in (Path(tmp) / "mailbox").glob("*"))
        say(f"{label} messages handled", ", ".join(f"{k} {n}" for k, n in kinds))
        say(f"{label} cancellations", ", ".join(f"{s} {n}" for s, n in statuses))
        say(f"{label} refunds", ", ".join(f"{s} {n}" for s, n in refunds))
        say(
            f"{label} checks",
            f"{notes} completion notifications, {mails} emails in the mailbox, "
            f"{dead_count} dead letters, {outbox.pending_count(c.engine, at)} still due",
        )
        if dict(statuses).get("auto_approved", 0) != expected:
            say("WARNING", f"{label}: not every request was auto-approved (timeout {limit:.0f} s?)")
        c.dispose()
    return deadlines, drain


def seed_requests(url: str, args: argparse.Namespace) -> None:
    """Paid orders at an approval store, each with a cancellation request through
    `cancel_order`; whatever fell due before the first `respond_by` marked delivered."""
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(days=7)
    step = args.spread_seconds / max(1, args.requests - 1)
    with tempfile.TemporaryDirectory(prefix="recourse-bench-") as tmp:
        started = time.perf_counter()
        c = container(url, Path(tmp), FixedClock(t0))
        market = make_marketplace(c, policy=APPROVAL, buyers=args.buyers)
        with progress_bar("paid orders", args.requests) as advance:
            made = seed_paid_orders(c, market, args.requests, progress=advance)
        say("seeded", f"{len(made)} paid orders at an approval store in {elapsed(started)}")
        started = time.perf_counter()
        asked = t0 + timedelta(hours=2)
        make_requests(url, Path(tmp), made, asked, step, args.processes)
        say(
            "requests",
            f"{len(made)} through cancel_order by {args.processes} processes in "
            f"{elapsed(started)}, made from payment + 2 h over {args.spread_seconds:.0f} s",
        )
        first_due = asked + timedelta(hours=APPROVAL["cancel_response_hours"])
        with c.engine.begin() as conn:
            settled = conn.execute(
                update(m.OutboxRow)
                .where(m.OutboxRow.delivered_at.is_(None), m.OutboxRow.available_at < first_due)
                .values(delivered_at=datetime.now(UTC))
            ).rowcount
        # statistics as autovacuum keeps them on a live database: a copy made by CREATE
        # DATABASE ... TEMPLATE keeps the template's statistics but not its counts of
        # changed rows, so autovacuum would not analyze the copy before the sweep, and
        # the planner would keep what it learnt while the tables were filling (at
        # 100,000 requests: a hash join over every order line to lock 50 orders). Only
        # tables that hold rows: an empty table analyzed is known to be empty, and the
        # sweep fills refunds (empty here, never on a live marketplace) through foreign key
        # checks planned as scans of an empty table, each reading every refund so far
        started = time.perf_counter()
        with c.engine.begin() as conn:
            for table in m.Base.metadata.sorted_tables:
                if conn.execute(select(exists().select_from(table))).scalar_one():
                    conn.exec_driver_sql(f'ANALYZE "{table.name}"')
        c.dispose()
    say("settled", f"{settled} messages due before the first respond_by marked delivered")
    say("analyzed", f"the tables that hold rows in {elapsed(started)}")


def sweep_time(url: str) -> tuple[datetime, int]:
    """When the sweep runs (a minute after the last pending request's `respond_by`) and how
    many requests are pending then."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            last, pending = conn.execute(
                select(func.max(m.CancellationRow.respond_by), func.count()).where(
                    m.CancellationRow.status == "pending_seller"
                )
            ).one()
        if not pending:
            raise SystemExit("no pending cancellation requests to sweep")
        at = (last.replace(tzinfo=UTC) if last.tzinfo is None else last) + timedelta(seconds=60)
        say("due at sweep time", f"{outbox.pending_count(engine, at)} outbox messages")
    finally:
        engine.dispose()
    return at, pending


def make_requests(
    url: str, data_dir: Path, made: list[tuple[int, int]], at: datetime, step: float, processes: int
) -> None:
    jobs = [(i, order_id, buyer_id) for i, (order_id, buyer_id) in enumerate(made)]
    size = max(1, min(500, len(jobs) // (processes * 4) or 1))
    chunks = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    with (
        ProcessPoolExecutor(processes, mp_context=SPAWN) as pool,
        progress_bar("cancellation requests", len(jobs)) as advance,
    ):
        futures = [
            pool.submit(request_cancellations, url, str(data_dir), at, step, chunk)
            for chunk in chunks
        ]
        for future in as_completed(futures):
            advance(future.result())


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--requests", type=int, default=100_000, help="requests (default 100000)")
    p.add_argument("--buyers", type=int, default=100, help="buyers (default 100)")
    p.add_argument("--workers", default="1,2", help="worker counts to time, each on a fresh copy")
    p.add_argument("--processes", type=int, default=os.cpu_count() or 2, help="seeding processes")
    p.add_argument(
        "--spread-seconds",
        type=float,
        default=3600,
        help="requests are made over this window (0: all at the same instant; default 3600)",
    )
    p.add_argument("--timeout", type=float, default=1800, help="give up a sweep after (s)")
    p.add_argument(
        "--deadlines-only",
        action="store_true",
        help="stop the workers once the deadlines are fired (no whole drain: the emails, "
        "events and refund sends they queued are left)",
    )
    add_db_options(p, "recourse_bench_sweep")
    p.add_argument(
        "--seeded",
        metavar="NAME",
        help="a database of seeded requests kept between runs (must start with "
        "'recourse_bench'): made and kept when it does not exist, reused when it does (its "
        "--requests, --buyers and --spread-seconds are the ones it was made with); every sweep "
        "runs on a copy",
    )
    args = p.parse_args()
    counts = [int(x) for x in args.workers.split(",")]
    describe_setup(pg_url("postgres"))
    copies = [f"{args.db_name}_w{n}" for n in counts]
    source = args.seeded or args.db_name
    try:
        if args.seeded and database_exists(args.seeded):
            say("seeded", f"reusing the requests in {args.seeded}")
        else:
            # kept for the sweeps' copies; dropped after them unless --seeded or --keep
            url = create_database(source)
            upgrade(url)
            seed_requests(url, args)
        at, expected = sweep_time(pg_url(source))
        say("sweep", f"{expected} pending requests, clock moved to {at.isoformat()}")
        results = {}
        for n, name in zip(counts, copies, strict=True):
            create_database(name, template=source)
            results[n] = run_sweep(pg_url(name), n, at, args.timeout, expected, args.deadlines_only)
            if not args.keep:
                drop_database(name)
    finally:
        if not args.keep:
            for name in copies:
                drop_database(name)
            if not args.seeded:
                drop_database(source)
    per_100k = {n: s * 100_000 / expected for n, (s, _) in results.items()}
    say(
        "deadlines per 100,000 requests",
        ", ".join(f"{n} worker(s) {s:.0f} s" for n, s in per_100k.items())
        + f" (target <= {TARGET_SECONDS_PER_100K:.0f} s; scaled linearly from {expected})",
    )
    if 1 in results and 2 in results:
        (one, one_drain), (two, two_drain) = results[1], results[2]
        say(
            "two workers vs one",
            f"deadlines {one / two:.2f}x"
            + ("" if args.deadlines_only else f", whole drain {one_drain / two_drain:.2f}x")
            + " as fast (target > 1)",
        )


if __name__ == "__main__":
    main()
