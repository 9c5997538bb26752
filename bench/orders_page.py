"""The "My orders" page at scale: a million orders in PostgreSQL (default), then server time of
`db.queries.list_orders` and `tab_counts` for one buyer (first page, and a page deep in the
cursor) and for the seller of the biggest store, called in-process, each call in its own read
session as a request would.

Orders are inserted with SQLAlchemy Core in batches (the services would take hours): ~10k
buyers with a long-tailed number of orders each, four stores of different sizes, statuses by
age (fresh orders awaiting payment or shipment, then shipped, delivered, completed; some
cancelled), lines with quantities that agree with the status.

    python -m bench.orders_page                 # 1,000,000 orders
    python -m bench.orders_page --orders 20000  # smoke run
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.orm import Session

from bench.common import (
    add_db_options,
    bench_database,
    container,
    describe_setup,
    percentile,
    pg_url,
    progress_bar,
    say,
    timing_line,
)
from bench.seeding import INSTANT, make_store, recount_store_statuses, reserve_ids
from recourse.container import Container
from recourse.db import models as m
from recourse.db.queries.orders import list_orders, tab_counts
from recourse.domain.order import NewLine, order_totals
from recourse.domain.roles import Actor, Role

TARGET_P95_MS = 20.0
STORE_WEIGHTS = (55, 25, 15, 5)
# (orders younger than this many days, [(stored status, weight)])
MIX: tuple[tuple[float, tuple[tuple[str, int], ...]], ...] = (
    (
        3,
        (
            ("awaiting_payment", 12),
            ("payment_review", 2),
            ("awaiting_shipment", 50),
            ("shipped", 30),
            ("cancelled", 6),
        ),
    ),
    (
        14,
        (
            ("awaiting_payment", 1),
            ("awaiting_shipment", 3),
            ("shipped", 16),
            ("delivered", 70),
            ("cancelled", 10),
        ),
    ),
    (75, (("shipped", 4), ("delivered", 86), ("cancelled", 10))),
    (float("inf"), (("completed", 88), ("cancelled", 12))),
)
TITLES = ("Desk lamp", "USB-C cable", "Linen shirt", "Wool jumper", "Tea set", "Headphones")


def _pick(rng: random.Random, choices: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def _order(
    rng: random.Random, oid: int, buyer: int, store: tuple[int, int], at: datetime, now: datetime
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    age = (now - at).total_seconds() / 86400
    status = _pick(rng, next(mix for limit, mix in MIX if age < limit))
    lines = [
        NewLine(
            f"SKU-{rng.randrange(500)}",
            rng.choice(TITLES),
            rng.randrange(500, 20000),
            rng.choice((1, 1, 1, 2, 3)),
            0,
            0,
        )
        for _ in range(rng.choice((1, 1, 2, 3)))
    ]
    total = order_totals("EUR", lines, 499).total.minor
    unpaid = status in ("awaiting_payment", "payment_review") or (
        status == "cancelled" and rng.random() < 0.5
    )
    captured = None if unpaid else at + timedelta(minutes=rng.randrange(1, 60))
    shipped = status in ("shipped", "delivered", "completed")
    delivered = status in ("delivered", "completed")
    row = {
        "id": oid,
        "external_id": f"M{oid}",
        "buyer_id": buyer,
        "store_id": store[0],
        "currency": "EUR",
        "country": "DE",
        "shipping_fee": 499,
        "total": total,
        "payment_method": "card",
        "payment_status": {"awaiting_payment": "pending", "payment_review": "review"}.get(
            status, "pending" if unpaid else "captured"
        ),
        "amount_captured": 0 if unpaid else total,
        "captured_at": captured,
        "payment_reference": None if unpaid else f"ch_{oid}",
        "review_started_at": at if status == "payment_review" else None,
        "policy_version_id": None if unpaid else store[1],
        "pay_by": at + timedelta(hours=72),
        "review_until": at + timedelta(hours=24) if status == "payment_review" else None,
        "ship_by": captured + timedelta(days=3) if captured else None,
        "protection_ends_at": at + timedelta(days=65) if shipped else None,
        "first_shipped_at": at + timedelta(days=1) if shipped else None,
        "receipt_confirmed_at": None,
        "status": status,
        "status_changed_at": at,
        "created_at": at,
    }
    rows = [
        {
            "order_id": oid,
            "position": i,
            "sku": x.sku,
            "title": x.title,
            "unit_price": x.unit_price,
            "quantity": x.quantity,
            "discount": 0,
            "tax": 0,
            "qty_cancelled": x.quantity if status == "cancelled" else 0,
            "qty_shipped": x.quantity if shipped else 0,
            "qty_delivered": x.quantity if delivered else 0,
            "qty_returned": 0,
            "qty_refunded": x.quantity if status == "cancelled" and not unpaid else 0,
        }
        for i, x in enumerate(lines)
    ]
    return row, rows


def seed(
    c: Container, n: int, buyers: int, batch: int
) -> tuple[list[tuple[int, int, int]], datetime]:
    """Stores (through the services), buyers and orders (Core). [(store, seller, version)]."""
    now = datetime.now(UTC)
    rng = random.Random(20260302)
    stores = []
    for i in range(len(STORE_WEIGHTS)):
        store_id, seller_id = make_store(c, policy=INSTANT, tag=f"page{i}")
        with c.uow() as uow:
            stores.append((store_id, seller_id, uow.stores.policy_versions(store_id)[0].id))
    t = m.Base.metadata.tables
    with c.engine.begin() as conn:
        buyer_ids = reserve_ids(conn, "users", buyers)
        conn.execute(
            t["users"].insert(),
            [
                {
                    "id": b,
                    "email": f"buyer{b}@page.bench.recourse.test",
                    "name": f"Buyer {b}",
                    "role": "buyer",
                    "country": "DE",
                    "timezone": "Europe/Berlin",
                    "locale": "en",
                    "password_hash": None,
                    "created_at": now - timedelta(days=800),
                }
                for b in buyer_ids
            ],
        )
    rng.shuffle(buyer_ids)  # a long tail: rank r gets ~1/sqrt(r) of the orders
    span = timedelta(days=730)
    with progress_bar("orders", n) as advance:
        done = 0
        while done < n:
            size = min(batch, n - done)
            orders, lines = [], []
            with c.engine.begin() as conn:
                for k, oid in enumerate(reserve_ids(conn, "orders", size)):
                    at = now - span + span * ((done + k) / n)
                    buyer = buyer_ids[int(buyers * rng.random() ** 2)]
                    store = rng.choices(stores, weights=STORE_WEIGHTS)[0]
                    row, rows = _order(rng, oid, buyer, (store[0], store[2]), at, now)
                    orders.append(row)
                    lines.extend(rows)
                conn.execute(t["orders"].insert(), orders)
                conn.execute(t["order_lines"].insert(), lines)
            done += size
            advance(size)
    with c.engine.begin() as conn:
        recount_store_statuses(conn)
    with c.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
            "VACUUM ANALYZE orders, order_lines, users, store_status_counts"
        )
    return [(s, seller, v) for s, seller, v in stores], now


def _deep_cursor(c: Container, where: Any, depth: float) -> tuple[int, int | None]:
    """How many orders match, and the id to continue after at `depth` (0..1) of them."""
    with c.read_session() as s:
        count = s.scalar(select(func.count()).select_from(m.OrderRow).where(where)) or 0
        cursor = s.scalar(
            select(m.OrderRow.id)
            .where(where)
            .order_by(m.OrderRow.id.desc())
            .offset(int(count * depth))
            .limit(1)
        )
    return count, cursor


def timed(c: Container, reps: int, call: Callable[[Session], object]) -> list[float]:
    times = []
    for i in range(reps + 5):
        started = time.perf_counter()
        with c.read_session() as s:
            call(s)
        if i >= 5:
            times.append(time.perf_counter() - started)
    return times


def explain(engine: Engine, label: str, run: Callable[[], object]) -> None:
    """EXPLAIN ANALYZE each statement `run` sends: the evidence behind a slow figure."""
    seen: list[tuple[str, Any]] = []

    def grab(_c: Any, _cur: Any, statement: str, params: Any, *_: Any) -> None:
        seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", grab)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", grab)
    with engine.connect() as conn:
        for statement, params in seen:
            plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, params)
            say(f"plan {label}", "")
            for (line,) in plan:
                print("   ", line)


PAGES = ("first page (list_orders + tab_counts)", "deep page (list_orders + tab_counts)")


def measure(
    c: Container, label: str, actor: Actor, where: Any, now: datetime, args: Any
) -> dict[str, float]:
    """Time every case for `actor`; the p95 in ms of the two whole pages (PAGES)."""
    count, cursor = _deep_cursor(c, where, 0.8)
    store = next(iter(actor.store_ids), None)
    say(label, f"{count} orders; deep page continues after id {cursor} (80% down the list)")

    def page(cur: int | None, tab: str = "all") -> Callable[[Session], object]:
        def call(s: Session) -> object:
            list_orders(s, actor, now, tab=tab, cursor=cur)
            return tab_counts(s, actor, now, store_id=store)

        return call

    cases = {
        PAGES[0]: page(None),
        PAGES[1]: page(cursor),
        "list_orders first page": lambda s: list_orders(s, actor, now),
        "list_orders deep page": lambda s: list_orders(s, actor, now, cursor=cursor),
        "list_orders tab to_ship": lambda s: list_orders(s, actor, now, tab="to_ship"),
        "tab_counts": lambda s: tab_counts(s, actor, now, store_id=store),
    }
    p95: dict[str, float] = {}
    for name, call in cases.items():
        times = timed(c, args.reps, call)
        timing_line(f"{label} {name}", times)
        if name in PAGES:
            p95[f"{label} {name.split(' (')[0]}"] = percentile([t * 1000 for t in times], 95)
    if args.explain:
        for name in ("list_orders first page", "tab_counts"):
            explain(c.read_engine, f"{label} {name}", lambda n=name: _once(c, cases[n]))
    return p95


def _once(c: Container, call: Callable[[Session], object]) -> None:
    with c.read_session() as s:
        call(s)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--orders", type=int, default=1_000_000, help="orders (default 1000000)")
    p.add_argument("--buyers", type=int, default=10_000, help="buyers (default 10000)")
    p.add_argument("--reps", type=int, default=200, help="timed calls per case (default 200)")
    p.add_argument("--batch", type=int, default=10_000, help="orders per insert batch")
    p.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the queries")
    add_db_options(p, "recourse_bench_orders")
    args = p.parse_args()
    describe_setup(pg_url("postgres"))
    with (
        tempfile.TemporaryDirectory(prefix="recourse-bench-") as tmp,
        bench_database(args.db_name, keep=args.keep) as url,
    ):
        c = container(url, Path(tmp))
        started = time.perf_counter()
        stores, now = seed(c, args.orders, args.buyers, args.batch)
        with c.engine.connect() as conn:
            lines = conn.execute(text("SELECT count(*) FROM order_lines")).scalar_one()
            size = conn.execute(text("SELECT pg_size_pretty(pg_database_size(current_database()))"))
        say(
            "seeded",
            f"{args.orders} orders, {lines} lines, {args.buyers} buyers, "
            f"{len(stores)} stores in {time.perf_counter() - started:.0f} s; database "
            f"{size.scalar_one()}; VACUUM ANALYZE done",
        )
        say(
            "method",
            f"in-process, read engine, a fresh session per call, {args.reps} timed "
            "calls per case after 5 untimed; 20 orders per page",
        )
        with c.read_session() as s:
            counts = s.execute(
                select(m.OrderRow.buyer_id, func.count())
                .group_by(m.OrderRow.buyer_id)
                .order_by(func.count().desc())
            ).all()
        pages: dict[str, float] = {}
        for label, (buyer, _) in (
            ("heaviest buyer", counts[0]),
            ("median buyer", counts[len(counts) // 2]),
        ):
            actor = Actor(Role.buyer, user_id=buyer)
            pages |= measure(c, label, actor, m.OrderRow.buyer_id == buyer, now, args)
        store, seller, _ = stores[0]
        actor = Actor(Role.seller, user_id=seller, store_ids=frozenset({store}))
        where = m.OrderRow.store_id == store
        pages |= measure(c, "seller of the biggest store", actor, where, now, args)
        say(
            "target",
            f"p95 <= {TARGET_P95_MS:.0f} ms for a whole page (list_orders + tab_counts), the "
            "buyer's and the biggest store's seller's (issue 14)",
        )
        for name, ms in pages.items():
            say(f"  {name}", f"p95 {ms:.2f} ms: {'met' if ms <= TARGET_P95_MS else 'MISSED'}")
        c.dispose()


if __name__ == "__main__":
    main()
