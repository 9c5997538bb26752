"""Seeding for the benchmarks: a store, its seller and buyers through the services, then many
paid orders.

Paid orders are made fast and exactly as the services make them: one reference order goes
through `ingest_order` and `record_payment`; every other order is a copy of the rows those two
wrote (order, lines, timeline, scheduled deadlines), inserted with SQLAlchemy Core in batches,
with its own id, buyer and payment reference. If the services start writing anything else, the
copy refuses to run; a sample of the copies is read back through the repository and compared
with the reference before any benchmark uses them.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, func, select, text

from recourse.container import Container
from recourse.db import models as m
from recourse.db.models.orders import STATUS_COUNT_SLOTS
from recourse.domain.order import NewLine, Order, PaymentMethod, PaymentStatus, order_totals
from recourse.domain.roles import Actor, Role
from recourse.integrations.clock import FixedClock
from recourse.services import accounts, cancellations, orders, stores

OPERATOR = Actor(Role.operator)
LINES = (
    NewLine("BENCH-LAMP", "Linea LED desk lamp", 5990, 1, 0, 956),
    NewLine("BENCH-CABLE", "Braided USB-C cable, 2 m", 1490, 2, 0, 476),
)
INSTANT = {"buyer_cancel": "instant"}
APPROVAL = {"buyer_cancel": "approval", "cancel_response_hours": 48}
COPIED_TABLES = {"orders", "order_lines", "timeline_entries", "outbox"}
# Kept by the writes from the orders' statuses: counted again after a Core insert.
DERIVED_TABLES = {"store_status_counts"}


@dataclass(frozen=True, slots=True)
class Marketplace:
    store_id: int
    seller_id: int
    buyer_ids: tuple[int, ...]


def make_marketplace(
    c: Container, *, policy: dict[str, Any], buyers: int, tag: str = "bench"
) -> Marketplace:
    """One store with `policy`, its seller and `buyers` buyers, through the services."""
    store_id, seller_id = make_store(c, policy=policy, tag=tag)
    buyer_ids = tuple(_user(c, Role.buyer, f"buyer-{tag}-{i}", ()) for i in range(buyers))
    return Marketplace(store_id, seller_id, buyer_ids)


def make_store(c: Container, *, policy: dict[str, Any], tag: str) -> tuple[int, int]:
    """A store and its one seller, through the services: (store_id, seller_id)."""
    store_id = stores.create_store(
        c.uow(), c.ctx, actor=OPERATOR, name=f"Bench store {tag}", country="DE", policy=policy
    )
    return store_id, _user(c, Role.seller, f"seller-{tag}", (store_id,))


def _user(c: Container, role: Role, key: str, store_ids: tuple[int, ...]) -> int:
    return accounts.create_user(
        c.uow(),
        c.ctx,
        c.hasher,
        actor=OPERATOR,
        data=accounts.UserInput(
            email=f"{key}@bench.recourse.test",
            name=key.replace("-", " ").title(),
            role=role,
            country="DE",
            timezone="Europe/Berlin",
            store_ids=store_ids,
        ),
    )


def buyer_tokens(c: Container, market: Marketplace) -> dict[int, str]:
    """An API token per buyer (what `recourse token create --user EMAIL` makes)."""
    tokens = {}
    for buyer_id in market.buyer_ids:
        with c.uow() as uow:
            user = uow.users.get(buyer_id)
        assert user is not None
        tokens[buyer_id] = accounts.create_token(
            c.uow(), c.ctx, operator=False, email=user.email, name="bench"
        )
    return tokens


def payment_reference(order_id: int) -> str:
    return f"ch_bench_{order_id}"


def paid_order(c: Container, *, buyer_id: int, store_id: int) -> int:
    """One paid order through the services, as the marketplace's API calls would make it."""
    order_id = orders.ingest_order(
        c.uow(),
        c.ctx,
        actor=OPERATOR,
        data=orders.OrderInput(
            buyer_id=buyer_id,
            store_id=store_id,
            currency="EUR",
            shipping_fee=499,
            payment_method=PaymentMethod.card,
            lines=list(LINES),
        ),
    )
    total = order_totals("EUR", LINES, 499).total.minor
    orders.record_payment(
        c.uow(),
        c.ctx,
        actor=OPERATOR,
        order_id=order_id,
        status=PaymentStatus.captured,
        amount=total,
        reference=payment_reference(order_id),
    )
    return order_id


def _high_water(conn: Connection) -> dict[str, int]:
    marks = {}
    for table in m.Base.metadata.sorted_tables:
        marks[table.name] = int(conn.execute(select(func.count()).select_from(table)).scalar_one())
    return marks


def _rows_after(conn: Connection, table: Table, marks: dict[str, int]) -> list[dict[str, Any]]:
    """The rows the reference order added (ids grow, and the table held `marks` rows before)."""
    rows = conn.execute(select(table).order_by(table.c.id)).mappings().all()
    return [dict(r) for r in rows[marks[table.name] :]]


def reserve_ids(conn: Connection, table: str, n: int) -> list[int]:
    if conn.dialect.name == "postgresql":
        sql = text(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, :n)"
        )
        return [int(x) for x in conn.execute(sql, {"n": n}).scalars()]
    top = conn.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar_one()
    return list(range(int(top) + 1, int(top) + 1 + n))


def recount_store_statuses(conn: Connection) -> None:
    """The counts per store and stored status the writes keep (`store_status_counts`), counted
    again from the orders: rows inserted with Core bypass the repository that keeps them."""
    t = m.Base.metadata.tables["store_status_counts"]
    o = m.Base.metadata.tables["orders"]
    slot = o.c.id % STATUS_COUNT_SLOTS
    conn.execute(t.delete())
    conn.execute(
        t.insert().from_select(
            ["store_id", "status", "slot", "count"],
            select(o.c.store_id, o.c.status, slot, func.count()).group_by(
                o.c.store_id, o.c.status, slot
            ),
        )
    )


@dataclass(frozen=True, slots=True)
class Template:
    order: dict[str, Any]
    lines: list[dict[str, Any]]
    timeline: list[dict[str, Any]]
    outbox: list[dict[str, Any]]

    def copy(self, order_id: int, buyer_id: int) -> tuple[dict[str, Any], ...]:
        ref = self.order["id"]
        order = {**self.order, "id": order_id, "buyer_id": buyer_id}
        order["payment_reference"] = payment_reference(order_id)
        lines = [{**x, "order_id": order_id} for x in self.lines]
        timeline = []
        for t in self.timeline:
            data = dict(t["data"] or {})
            if data.get("reference") == payment_reference(ref):
                data["reference"] = payment_reference(order_id)
            timeline.append({**t, "order_id": order_id, "data": data})
        outbox = []
        for o in self.outbox:
            payload = {**o["payload"], "subject_id": order_id}
            key = f"deadline:{payload['name']}:{order_id}:{payload['due_at']}"
            outbox.append({**o, "payload": payload, "dedupe_key": key, "order_id": order_id})
        return order, lines, timeline, outbox


def _template(conn: Connection, marks: dict[str, int], ref: int) -> Template:
    after = _high_water(conn)
    grown = {name for name, n in after.items() if n != marks[name]} - DERIVED_TABLES
    if grown != COPIED_TABLES:
        raise SystemExit(
            f"a paid order now writes to {sorted(grown)}, the bench copies {sorted(COPIED_TABLES)}"
            ": teach bench/seeding.py the new rows"
        )
    t = m.Base.metadata.tables
    order = _rows_after(conn, t["orders"], marks)
    outbox = _rows_after(conn, t["outbox"], marks)
    for o in outbox:
        p = o["payload"]
        if (
            o["kind"] != "deadline"
            or o["order_id"] != ref
            or p.get("subject_id") != ref
            or o["dedupe_key"] != (f"deadline:{p['name']}:{ref}:{p['due_at']}")
        ):
            raise SystemExit(
                f"unexpected outbox row for a paid order: {o}; update bench/seeding.py"
            )
    strip = lambda rows: [{k: v for k, v in r.items() if k != "id"} for r in rows]  # noqa: E731
    return Template(
        order=order[0],
        lines=strip(_rows_after(conn, t["order_lines"], marks)),
        timeline=strip(_rows_after(conn, t["timeline_entries"], marks)),
        outbox=strip(outbox),
    )


def _shape(order: Order) -> Order:
    """An order with what differs between copies (ids, buyer, payment reference) blanked."""
    return replace(
        order,
        id=0,
        buyer_id=0,
        payment=replace(order.payment, reference=None),
        lines=tuple(replace(line, id=0) for line in order.lines),
    )


def seed_paid_orders(
    c: Container,
    market: Marketplace,
    n: int,
    *,
    batch: int = 2000,
    progress: Callable[[int], None] | None = None,
) -> list[tuple[int, int]]:
    """`n` paid orders at `market`'s store, spread over its buyers: [(order_id, buyer_id)]."""
    with c.engine.connect() as conn:
        marks = _high_water(conn)
    ref = paid_order(c, buyer_id=market.buyer_ids[0], store_id=market.store_id)
    with c.engine.connect() as conn:
        template = _template(conn, marks, ref)
    made = [(ref, market.buyer_ids[0])]
    buyers = itertools.cycle(market.buyer_ids[1:] + market.buyer_ids[:1])
    t = m.Base.metadata.tables
    while len(made) < n:
        size = min(batch, n - len(made))
        with c.engine.begin() as conn:
            ids = reserve_ids(conn, "orders", size)
            chunk = [(order_id, next(buyers)) for order_id in ids]
            copies = [template.copy(order_id, buyer_id) for order_id, buyer_id in chunk]
            conn.execute(t["orders"].insert(), [x[0] for x in copies])
            for i, name in enumerate(("order_lines", "timeline_entries", "outbox"), start=1):
                conn.execute(t[name].insert(), [row for x in copies for row in x[i]])
        made.extend(chunk)
        if progress:
            progress(size)
    with c.engine.begin() as conn:
        recount_store_statuses(conn)
    _verify(c, made, ref)
    return made


def _verify(c: Container, made: Sequence[tuple[int, int]], ref: int) -> None:
    sample = {made[-1][0], *(x[0] for x in random.sample(list(made), min(5, len(made))))}
    with c.uow() as uow:
        expected = uow.orders.get(ref)
        assert expected is not None
        for order_id in sample:
            got = uow.orders.get(order_id)
            if got is None or _shape(got) != _shape(expected):
                raise SystemExit(f"copied order {order_id} differs from the reference {ref}")
    with c.engine.connect() as conn:
        expected_deadlines = _deadlines(conn, ref)
        for order_id in sample:
            if _deadlines(conn, order_id) != expected_deadlines:
                raise SystemExit(f"copied order {order_id} has other deadlines than {ref}")


def _deadlines(conn: Connection, order_id: int) -> list[tuple[str, str]]:
    """(name, due_at) of the deadlines scheduled for an order."""
    t = m.Base.metadata.tables["outbox"]
    keys = conn.execute(
        select(t.c.dedupe_key).where(t.c.dedupe_key.like(f"deadline:%:{order_id}:%"))
    ).scalars()
    found = [k.split(":", 3) for k in keys]
    return sorted((x[1], x[3]) for x in found if x[2] == str(order_id))


def write_orders_file(path: Path, made: Sequence[tuple[int, int]], tokens: dict[int, str]) -> Path:
    """The file bench/cancel.lua reads: `order_id token` per line, in a shuffled order."""
    rows = list(made)
    random.Random(7).shuffle(rows)
    path.write_text("".join(f"{order_id} {tokens[buyer_id]}\n" for order_id, buyer_id in rows))
    return path


def request_cancellations(
    url: str, data_dir: str, start: datetime, step_seconds: float, jobs: list[tuple[int, int, int]]
) -> int:
    """In a worker process: each buyer asks to cancel their order at `start + i * step`
    (`jobs` holds (i, order_id, buyer_id)), through `cancel_order` as the API calls it."""
    from bench.common import container

    clock = FixedClock(start)
    c = container(url, Path(data_dir), clock)
    done = 0
    for i, order_id, buyer_id in jobs:
        clock.set(start + timedelta(seconds=i * step_seconds))
        result = cancellations.cancel_order(
            c.uow(),
            c.ctx,
            actor=Actor(Role.buyer, user_id=buyer_id),
            order_id=order_id,
            reason="changed_mind",
        )
        assert str(result.status) == "pending_seller", result.status
        done += 1
    c.dispose()
    return done


def elapsed(started: float) -> str:
    return f"{time.perf_counter() - started:.1f} s"
