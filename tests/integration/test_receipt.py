"""§2 confirm receipt and buyer protection on a real database: confirming completes the order
and ends protection (the later PROTECTION_ENDS does nothing); the conflicts with their facts;
completion at the end of protection with the worker down; the reminder before it (M2) and its
skip once completed; the buyer's request for more protection, granted (the deadline moves, the
early one does nothing) or declined; one pending request at a time."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from recourse.bootstrap import make_worker
from recourse.container import Container
from recourse.db import models as m
from recourse.domain.errors import IllegalTransition, InvalidInput, NotAllowed, RuleConflict
from recourse.domain.order import OrderStatus, derive_status
from recourse.domain.roles import Role
from recourse.integrations.clock import FixedClock
from recourse.services import protection
from recourse.services.settle import settle_due
from tests.factories import actor_of, get_order, make_order, make_store, make_user, pay, ship_all

BUYER = "ann@example.com"
SELLER = "sam@example.com"


@pytest.fixture
def world(container: Container) -> dict[str, int]:
    store = make_store(container, name="Maison Lune")
    buyer = make_user(container, role=Role.buyer, email=BUYER, name="Ann")
    seller = make_user(container, role=Role.seller, email=SELLER, store_ids=[store])
    order = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order)
    return {"store": store, "buyer": buyer, "seller": seller, "order": order}


def _shipped(c: Container, world: dict[str, int]) -> datetime:
    ship_all(c, world["order"])
    ends = get_order(c, world["order"]).deadlines.protection_ends_at
    assert ends is not None
    return ends


def _stored(c: Container, order_id: int) -> str:
    with c.read_session() as s:
        return str(s.scalar(select(m.OrderRow.status).where(m.OrderRow.id == order_id)))


def _kinds(c: Container, user_id: int) -> list[str]:
    with c.read_session() as s:
        return list(
            s.scalars(
                select(m.NotificationRow.kind)
                .where(m.NotificationRow.user_id == user_id)
                .order_by(m.NotificationRow.id)
            )
        )


def _events(c: Container, event_type: str) -> list[m.EventRow]:
    with c.read_session() as s:
        return list(s.scalars(select(m.EventRow).where(m.EventRow.type == event_type)))


def _mail(c: Container, to: str) -> list[str]:
    assert c.mailbox is not None
    return [x["template"] for x in c.mailbox.list(to=to)]


def _confirm(c: Container, world: dict[str, int]) -> protection.Completed:
    return protection.confirm_receipt(
        c.uow(), c.ctx, actor=actor_of(c, world["buyer"]), order_id=world["order"]
    )


def test_confirming_receipt_completes_the_order_and_ends_protection(
    container: Container, clock: FixedClock, world: dict[str, int]
) -> None:
    ends = _shipped(container, world)
    clock.advance(timedelta(days=3))
    done = _confirm(container, world)
    now = clock.now()
    assert (done.status, done.completed_at) == (OrderStatus.completed, now)
    order = get_order(container, world["order"])
    assert order.receipt_confirmed_at == now and order.deadlines.protection_ends_at == now
    assert derive_status(order, now) is OrderStatus.completed
    assert _stored(container, world["order"]) == "completed"
    with container.read_session() as s:
        entry = s.scalars(
            select(m.TimelineRow).where(
                m.TimelineRow.order_id == world["order"],
                m.TimelineRow.action == "order.completed",
            )
        ).one()
    assert (entry.reason, entry.from_state, entry.to_state) == (
        "receipt_confirmed",
        "shipped",
        "completed",
    )
    assert _kinds(container, world["seller"]).count("order.receipt_confirmed") == 1
    [event] = _events(container, "order.completed")
    assert event.payload["data"]["reason"] == "receipt_confirmed"

    # The PROTECTION_ENDS deadline scheduled at shipment fires later and changes nothing.
    clock.set(ends + timedelta(minutes=1))
    make_worker(container).run_once()
    with container.read_session() as s:
        completions = s.scalars(
            select(m.TimelineRow).where(
                m.TimelineRow.order_id == world["order"],
                m.TimelineRow.action == "order.completed",
            )
        ).all()
    assert len(completions) == 1
    assert "protection_ending" not in _mail(container, BUYER)


def test_conflicts_name_their_facts(
    container: Container, clock: FixedClock, world: dict[str, int]
) -> None:
    with pytest.raises(RuleConflict) as before:
        _confirm(container, world)
    assert (before.value.code, before.value.facts) == (
        "receipt_not_possible",
        {"status": "awaiting_shipment"},
    )
    ends = _shipped(container, world)
    seller = actor_of(container, world["seller"])
    with pytest.raises(NotAllowed):
        protection.confirm_receipt(
            container.uow(), container.ctx, actor=seller, order_id=world["order"]
        )
    _confirm(container, world)
    with pytest.raises(RuleConflict) as twice:
        _confirm(container, world)
    assert (twice.value.code, twice.value.facts) == (
        "receipt_not_possible",
        {"status": "completed"},
    )
    assert ends > clock.now()


def test_protection_ended_is_a_conflict_with_its_end(
    container: Container, clock: FixedClock, world: dict[str, int]
) -> None:
    ends = _shipped(container, world)
    clock.set(ends + timedelta(seconds=1))
    with pytest.raises(RuleConflict) as ended:
        _confirm(container, world)
    assert (ended.value.code, ended.value.facts) == (
        "protection_ended",
        {"protection_ends_at": ends.isoformat()},
    )


def test_worker_down_reads_show_completed_after_protection_ends(
    container: Container, clock: FixedClock, world: dict[str, int]
) -> None:
    ends = _shipped(container, world)
    clock.set(ends + timedelta(hours=1))  # no worker run at all
    order = get_order(container, world["order"])
    assert derive_status(order, clock.now()) is OrderStatus.completed
    assert _stored(container, world["order"]) == "shipped"
    assert settle_due(container.uow(), container.ctx, order_id=world["order"])
    assert _stored(container, world["order"]) == "completed"
    # The late reminder and the late deadline, once the worker is back, send nothing.
    make_worker(container).run_once()
    assert "protection_ending" not in _mail(container, BUYER)
    assert "order.protection_ending" not in _kinds(container, world["buyer"])


def test_the_buyer_is_reminded_before_protection_ends(
    container: Container, clock: FixedClock, world: dict[str, int]
) -> None:
    ends = _shipped(container, world)
    with container.uow() as uow:
        hours = uow.platform.policy().remind_before_hours
    clock.set(ends - timedelta(hours=hours) + timedelta(minutes=1))
    make_worker(container).run_once()
    make_worker(container).run_once()
    assert _mail(container, BUYER).count("protection_ending") == 1
    assert _kinds(container, world["buyer"]).count("order.protection_ending") == 1
    assert container.mailbox is not None
    [summary] = [
        x for x in container.mailbox.list(to=BUYER) if x["template"] == "protection_ending"
    ]
    text = container.mailbox.get(summary["key"])
    assert text is not None and "confirm receipt" in text["text"]


def test_no_reminder_once_the_buyer_confirmed(
    container: Container, clock: FixedClock, world: dict[str, int]
) -> None:
    ends = _shipped(container, world)
    _confirm(container, world)
    clock.set(ends - timedelta(hours=1))
    make_worker(container).run_once()
    assert "protection_ending" not in _mail(container, BUYER)
    assert not protection.protection_reminder(
        container.uow(), container.ctx, order_id=world["order"]
    )


def _ask(c: Container, world: dict[str, int], days: int = 10, reason: str = "Away") -> int:
    return protection.request_extension(
        c.uow(),
        c.ctx,
        actor=actor_of(c, world["buyer"]),
        order_id=world["order"],
        days=days,
        reason=reason,
    )


def _answer(c: Container, world: dict[str, int], request_id: int, grant: bool) -> datetime:
    return protection.answer_extension(
        c.uow(),
        c.ctx,
        actor=actor_of(c, world["seller"]),
        order_id=world["order"],
        request_id=request_id,
        grant=grant,
    )


def test_a_granted_extension_moves_the_end_and_its_deadlines(
    container: Container, clock: FixedClock, world: dict[str, int]
) -> None:
    ends = _shipped(container, world)
    request_id = _ask(container, world, days=10)
    assert "protection.extension_requested" in _kinds(container, world["seller"])
    with pytest.raises(RuleConflict) as again:
        _ask(container, world, days=5)
    assert again.value.code == "extension_pending"
    assert again.value.facts["request_id"] == request_id
    new_end = _answer(container, world, request_id, grant=True)
    assert new_end == ends + timedelta(days=10)
    assert get_order(container, world["order"]).deadlines.protection_ends_at == new_end
    assert "protection.extension_granted" in _kinds(container, world["buyer"])
    with pytest.raises(IllegalTransition):
        _answer(container, world, request_id, grant=False)

    # The old deadline and the old reminder fire early: nothing happens.
    clock.set(ends + timedelta(minutes=1))
    make_worker(container).run_once()
    assert _stored(container, world["order"]) == "shipped"
    assert "protection_ending" not in _mail(container, BUYER)
    assert derive_status(get_order(container, world["order"]), clock.now()) is OrderStatus.shipped
    # The new reminder, then the new end.
    with container.uow() as uow:
        hours = uow.platform.policy().remind_before_hours
    clock.set(new_end - timedelta(hours=hours) + timedelta(minutes=1))
    make_worker(container).run_once()
    assert _mail(container, BUYER).count("protection_ending") == 1
    clock.set(new_end + timedelta(minutes=1))
    make_worker(container).run_once()
    assert _stored(container, world["order"]) == "completed"


def test_a_declined_extension_leaves_the_end(
    container: Container, clock: FixedClock, world: dict[str, int]
) -> None:
    ends = _shipped(container, world)
    request_id = _ask(container, world)
    assert _answer(container, world, request_id, grant=False) == ends
    assert get_order(container, world["order"]).deadlines.protection_ends_at == ends
    assert "protection.extension_declined" in _kinds(container, world["buyer"])
    with container.read_session() as s:
        actions = list(
            s.scalars(
                select(m.TimelineRow.action)
                .where(m.TimelineRow.action.like("protection.%"))
                .order_by(m.TimelineRow.id)
            )
        )
    assert actions == ["protection.extension_requested", "protection.extension_declined"]
    _ask(container, world)  # a new request may follow a declined one


def test_extension_refusals(container: Container, clock: FixedClock, world: dict[str, int]) -> None:
    with pytest.raises(RuleConflict) as early:
        _ask(container, world)
    assert early.value.code == "extension_not_possible"
    _shipped(container, world)
    with pytest.raises(InvalidInput) as too_many:
        _ask(container, world, days=31)
    assert (too_many.value.field, too_many.value.facts["limit"]) == ("days", 30)
    with pytest.raises(InvalidInput):
        _ask(container, world, days=0)
    with pytest.raises(InvalidInput) as blank:
        _ask(container, world, reason="  ")
    assert blank.value.field == "reason"
    request_id = _ask(container, world)
    with pytest.raises(NotAllowed):
        protection.answer_extension(
            container.uow(),
            container.ctx,
            actor=actor_of(container, world["buyer"]),
            order_id=world["order"],
            request_id=request_id,
            grant=True,
        )
