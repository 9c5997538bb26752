"""D2: one open dispute per order, also when openings race.

Real threads on real connections: the opening locks the order row (PostgreSQL SELECT … FOR
UPDATE; SQLite serialises writers with BEGIN IMMEDIATE), and under that the unique
`open_order_id` index refuses a second open dispute even to a writer that skipped the lock.
Both must hold, so this runs on both databases (RECOURSE_TEST_DATABASE_URL for PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from recourse.container import Container
from recourse.db import models as m
from recourse.domain.disputes import DisputeStatus, DisputeType, Wanted
from recourse.domain.shipment import CarrierEvent
from recourse.integrations.clock import FixedClock
from recourse.services import disputes
from recourse.services.ports.disputes import NewDispute
from tests.factories import carrier_event, make_order, pay, ship_all
from tests.integration.support import Parties
from tests.integration.test_concurrency import outcome, race

DELIVERED = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


def _delivered_order(c: Container, clock: FixedClock, parties: Parties) -> int:
    order_id = make_order(c, buyer_id=parties.buyer_id, store_id=parties.store_id)
    pay(c, order_id)
    shipment = ship_all(c, order_id)
    clock.set(DELIVERED)
    carrier_event(c, shipment, CarrierEvent.delivered)
    clock.set(DELIVERED + timedelta(days=1))
    return order_id


def _open_disputes(c: Container, order_id: int) -> int:
    with c.read_session() as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(m.DisputeRow)
                .where(m.DisputeRow.order_id == order_id, m.DisputeRow.open_order_id.is_not(None))
            )
            or 0
        )


@pytest.mark.parametrize("attempt", range(3))
def test_two_openings_at_once_make_one_dispute(
    container: Container, clock: FixedClock, parties: Parties, attempt: int
) -> None:
    order_id = _delivered_order(container, clock, parties)

    def open_one(kind: str) -> Callable[[], object]:
        return lambda: disputes.open_dispute(
            container.uow(),
            container.ctx,
            actor=parties.buyer,
            order_id=order_id,
            type=kind,
            wanted="full_refund",
            amount=None,
            description=f"Race {kind}",
        )

    results = race(open_one("not_as_described"), open_one("not_as_described"))

    assert sorted(outcome(r) for r in results) == ["RuleConflict:dispute_already_open", "int:"]
    assert _open_disputes(container, order_id) == 1


@pytest.mark.parametrize("attempt", range(3))
def test_the_unique_index_refuses_a_second_open_dispute_without_the_order_lock(
    container: Container, clock: FixedClock, parties: Parties, attempt: int
) -> None:
    """Two writers that skip the rules and the order lock: the index decides, and the loser
    hears the domain's conflict naming the open dispute."""
    order_id = _delivered_order(container, clock, parties)
    now = clock.now()

    def add() -> object:
        with container.uow() as uow:
            dispute_id = uow.disputes.add(
                NewDispute(
                    order_id=order_id,
                    store_id=parties.store_id,
                    type=DisputeType.not_as_described,
                    status=DisputeStatus.awaiting_seller,
                    wanted=Wanted.full_refund,
                    amount=None,
                    description="Raced",
                    opened_by_id=parties.buyer_id,
                    opened_at=now,
                    respond_by=now + timedelta(days=5),
                    escalate_at=now + timedelta(days=7),
                    due_at=now + timedelta(days=5),
                )
            )
            uow.commit()
        return dispute_id

    results = race(add, add)

    assert sorted(outcome(r) for r in results) == ["RuleConflict:dispute_already_open", "int:"]
    winner = next(r for r in results if isinstance(r, int))
    loser = next(r for r in results if not isinstance(r, int))
    assert getattr(loser, "facts", {}).get("dispute_id") == winner
    assert _open_disputes(container, order_id) == 1


def test_a_closed_dispute_frees_the_order_for_another(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    order_id = _delivered_order(container, clock, parties)
    first = disputes.open_dispute(
        container.uow(),
        container.ctx,
        actor=parties.buyer,
        order_id=order_id,
        type="not_as_described",
        wanted="full_refund",
        amount=None,
        description="First",
    )
    disputes.withdraw(container.uow(), container.ctx, actor=parties.buyer, dispute_id=first)
    second = disputes.open_dispute(
        container.uow(),
        container.ctx,
        actor=parties.buyer,
        order_id=order_id,
        type="not_as_described",
        wanted="full_refund",
        amount=None,
        description="Second",
    )
    assert second != first
    assert _open_disputes(container, order_id) == 1
