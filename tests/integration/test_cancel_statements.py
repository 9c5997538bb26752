"""Issue 14: what one cancel costs the database — statements and transactions, counted as they
reach the driver. A paid instant cancel (with its refund) and an unpaid one each run in one
transaction; passed deadlines are looked at with the rows the cancel reads anyway, and the
order's settlement is not read again when nothing it holds could change the status."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event

from recourse.container import Container
from recourse.domain.cancellation import CancellationStatus
from recourse.domain.roles import Role
from recourse.integrations.clock import FixedClock
from recourse.services import cancellations
from recourse.services.cancellations import CancellationBlocked
from tests.factories import actor_of, make_order, make_store, make_user, pay

# Paid: the order locked with its lines; then, in one statement, which of its cases (requests,
# refunds, returns, disputes) exist and the buyer's home (the refund's expected date): a fresh
# order has none, so nothing more is read. On PostgreSQL the cancellation and the refund take
# their ids in advance (db/ids.py, the block the warm-up cancel took), so at commit one
# statement writes everything: the cancellation and the refund with their lines, the order's
# status, its lines, and what is only added: outbox, notifications, store status counts,
# timeline and events (db/appends.py, db/unflushed.py). SQLite flushes the cancellation and
# the refund to learn their ids, then the changes, and writes the appends one statement per
# table, the two timeline entries one by one (its driver returns no ids for a batch).
PAID_STATEMENTS = {"postgresql": 3, "sqlite": 15}
# Unpaid: no refund; the cancelled order's settlement (whether it is `closed`) is read from the
# cases read after the lock.
UNPAID_STATEMENTS = {"postgresql": 3, "sqlite": 11}


@dataclass
class Counted:
    statements: list[str] = field(default_factory=list)
    begins: int = 0


@contextmanager
def counting(c: Container) -> Iterator[Counted]:
    counted = Counted()

    def statement(_c: Any, _cur: Any, sql: str, *_: Any) -> None:
        if not sql.lstrip().upper().startswith("BEGIN"):  # SQLite's BEGIN IMMEDIATE
            counted.statements.append(sql)

    def begin(_c: Any) -> None:
        counted.begins += 1

    engines = {c.engine, c.read_engine}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", statement)
        event.listen(engine, "begin", begin)
    try:
        yield counted
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", statement)
            event.remove(engine, "begin", begin)


@pytest.fixture
def people(container: Container) -> dict[str, Any]:
    store = make_store(container, name="Volt", buyer_cancel="instant")
    buyer = make_user(container, role=Role.buyer, email="ann@example.com")
    return {"store": store, "buyer_id": buyer, "buyer": actor_of(container, buyer)}


def _cancel(c: Container, people: dict[str, Any], order_id: int) -> Counted:
    with counting(c) as counted:
        done = cancellations.cancel_order(
            c.uow(), c.ctx, actor=people["buyer"], order_id=order_id, reason="changed_mind"
        )
    assert done.status is CancellationStatus.completed
    return counted


def _warm(c: Container, people: dict[str, Any], *, paid: bool) -> None:
    """One cancel first: reference data (policies, reasons, staff) is then cached, as it is
    on a running server."""
    order_id = make_order(c, buyer_id=people["buyer_id"], store_id=people["store"])
    if paid:
        pay(c, order_id)
    _cancel(c, people, order_id)


def _shown(counted: Counted) -> str:
    return "\n".join(" ".join(sql.split())[:90] for sql in counted.statements)


def test_a_paid_instant_cancel_with_its_refund_is_one_transaction_of_few_statements(
    container: Container, people: dict[str, Any], clock: FixedClock
) -> None:
    order_id = make_order(container, buyer_id=people["buyer_id"], store_id=people["store"])
    pay(container, order_id)
    clock.advance(timedelta(hours=1))
    _warm(container, people, paid=True)

    counted = _cancel(container, people, order_id)

    assert counted.begins == 1
    dialect = container.engine.dialect.name
    assert len(counted.statements) <= PAID_STATEMENTS[dialect], _shown(counted)
    assert any("INSERT INTO refunds" in sql for sql in counted.statements)
    # the events of the cancel and its refund, and on PostgreSQL their timeline entries too,
    # are written in one statement each (on PostgreSQL, the same one)
    assert sum("INSERT INTO events" in sql for sql in counted.statements) == 1
    if dialect == "postgresql":
        assert sum("INSERT INTO timeline_entries" in sql for sql in counted.statements) == 1


def test_an_unpaid_cancel_is_one_transaction_too(
    container: Container, people: dict[str, Any], clock: FixedClock
) -> None:
    order_id = make_order(container, buyer_id=people["buyer_id"], store_id=people["store"])
    clock.advance(timedelta(minutes=10))
    _warm(container, people, paid=False)

    counted = _cancel(container, people, order_id)

    assert counted.begins == 1
    dialect = container.engine.dialect.name
    assert len(counted.statements) <= UNPAID_STATEMENTS[dialect], _shown(counted)
    assert not any("INSERT INTO refunds" in sql for sql in counted.statements)


def test_a_cancel_meeting_a_passed_deadline_settles_it_first_and_keeps_it(
    container: Container, clock: FixedClock
) -> None:
    """§10 on the cancel's own path: the request the seller left unanswered is approved by
    silence before the buyer's new cancel is judged, and stays approved (with its refund)
    although the cancel is then refused."""
    store = make_store(container, name="Maison Lune", buyer_cancel="approval")
    buyer = make_user(container, role=Role.buyer, email="bob@example.com")
    actor = actor_of(container, buyer)
    order_id = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order_id)
    clock.advance(timedelta(hours=2))
    request = cancellations.cancel_order(
        container.uow(), container.ctx, actor=actor, order_id=order_id, reason="changed_mind"
    )
    assert request.status is CancellationStatus.pending_seller
    assert request.respond_by is not None
    clock.set(request.respond_by + timedelta(minutes=1))  # the worker was down

    with counting(container) as counted, pytest.raises(CancellationBlocked) as refused:
        cancellations.cancel_order(
            container.uow(), container.ctx, actor=actor, order_id=order_id, reason="changed_mind"
        )

    assert refused.value.code == "order_cancelled"
    assert counted.begins >= 2  # the settling commits on its own
    with container.uow() as uow:
        settled = uow.cancellations.get(request.id)
        refunded = uow.refunds.so_far(order_id)
    assert settled is not None and settled.status is CancellationStatus.auto_approved
    assert settled.refund_id is not None
    assert refunded.total > 0
