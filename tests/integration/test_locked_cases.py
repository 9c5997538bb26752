"""A cancel reads the order's cases (cancellations, refunds, returns, disputes) once, right
after it locks the order, and answers from them until it commits. A cancel that waited for the
lock must see what the transaction it waited for committed: the case read is a statement of
its own after the lock, so in READ COMMITTED it takes a fresh snapshot.

PostgreSQL only: SQLite serialises writers before their first read (BEGIN IMMEDIATE), so there
the second never read anything before the first committed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select, text

from recourse.container import Container
from recourse.db import models as m
from recourse.domain.cancellation import CancellationStatus
from recourse.integrations.clock import FixedClock
from recourse.services import cancellations
from recourse.services.ports.cancellations import Cancellation
from tests.factories import get_order, make_order, make_store, pay
from tests.integration.support import Parties


@pytest.fixture(autouse=True)
def _postgresql_only(container: Container) -> None:
    if container.engine.dialect.name != "postgresql":
        pytest.skip("needs a second writer that waits for the first's row lock")


def _waiting_for_a_lock(c: Container) -> bool:
    with c.engine.connect() as conn:
        waiting = conn.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock'"
            )
        )
    return bool(waiting)


@contextmanager
def first_commits_after_second_waits(c: Container) -> Iterator[threading.Event]:
    """The first thread to commit (after setting the yielded event) holds its COMMIT until
    another transaction waits for a lock, so the second use case read the order's lock
    while the first's rows were not yet committed."""
    first_writes = threading.Event()
    held = {"done": False}

    def before_commit(_conn: Any) -> None:
        if not first_writes.is_set() or held["done"]:
            return
        held["done"] = True
        deadline = time.monotonic() + 20
        while not _waiting_for_a_lock(c) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert time.monotonic() < deadline, "the second cancel never waited for the lock"

    event.listen(c.engine, "commit", before_commit)
    try:
        yield first_writes
    finally:
        event.remove(c.engine, "commit", before_commit)


def _in_turn(
    first: Callable[[], Cancellation], second: Callable[[], Cancellation], go: threading.Event
) -> list[object]:
    """`first` starts; once it holds the order's lock, `second` starts and waits for it."""
    results: list[object] = [None, None]

    def run(i: int, call: Callable[[], Cancellation]) -> None:
        try:
            results[i] = call()
        except Exception as exc:
            results[i] = exc

    go.set()
    one = threading.Thread(target=run, args=(0, first))
    one.start()
    time.sleep(0.2)  # the first has locked the order and is writing (it waits at its commit)
    two = threading.Thread(target=run, args=(1, second))
    two.start()
    one.join(timeout=60)
    two.join(timeout=60)
    return results


def test_a_cancel_that_waited_for_the_lock_sees_the_request_the_first_committed(
    container: Container, parties: Parties, clock: FixedClock
) -> None:
    store = make_store(container, name="Slow Answers", buyer_cancel="approval")
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=store)
    pay(container, order_id)
    clock.advance(timedelta(hours=2))  # past the grace period: the buyer must ask

    def ask() -> Cancellation:
        return cancellations.cancel_order(
            container.uow(),
            container.ctx,
            actor=parties.buyer,
            order_id=order_id,
            reason="changed_mind",
        )

    with first_commits_after_second_waits(container) as go:
        first, second = _in_turn(ask, ask, go)

    assert isinstance(first, Cancellation) and first.status is CancellationStatus.pending_seller
    assert getattr(second, "code", None) == "request_pending", second
    with container.uow() as uow:
        requests = uow.session.scalar(
            select(func.count())
            .select_from(m.CancellationRow)
            .where(m.CancellationRow.order_id == order_id)
        )
    assert requests == 1


def test_a_partial_cancel_that_waited_counts_the_refund_the_first_committed(
    container: Container, parties: Parties, clock: FixedClock
) -> None:
    """Two instant cancels of one unit each: the second, having waited, cancels the last unit
    on top of the first's and the whole order ends refunded exactly once, shipping with it."""
    store = make_store(
        container, name="Quick Exit", buyer_cancel="instant", allow_partial_cancel=True
    )
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=store)
    paid = pay(container, order_id)
    clock.advance(timedelta(hours=2))
    (line,) = get_order(container, order_id).lines
    assert line.quantity == 2

    def cancel_one() -> Cancellation:
        return cancellations.cancel_order(
            container.uow(),
            container.ctx,
            actor=parties.buyer,
            order_id=order_id,
            reason="changed_mind",
            lines={line.id: 1},
        )

    with first_commits_after_second_waits(container) as go:
        results = _in_turn(cancel_one, cancel_one, go)

    assert all(
        isinstance(r, Cancellation) and r.status is CancellationStatus.completed for r in results
    ), results
    with container.uow() as uow:
        refunds = uow.session.execute(
            select(m.RefundRow.amount, m.RefundRow.shipping).where(m.RefundRow.order_id == order_id)
        ).all()
    assert len(refunds) == 2
    assert sum(amount for amount, _ in refunds) == paid.payment.amount_captured
    assert sum(shipping for _, shipping in refunds) == 499
