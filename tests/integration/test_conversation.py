"""M1/S1 on a real database: who may read and write the order's conversation, unread counts,
the batched email (one digest for several messages, none when read in time, still sent after
the worker was down), and the intercept request's transitions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from recourse.container import Container
from recourse.db import models as m
from recourse.db.queries import conversation as q
from recourse.domain.errors import (
    IllegalTransition,
    InvalidInput,
    NotAllowed,
    NotFound,
    RuleConflict,
)
from recourse.domain.roles import Role
from recourse.domain.shipment import CarrierEvent
from recourse.integrations.clock import FixedClock
from recourse.services import conversation
from tests.factories import (
    actor_of,
    carrier_event,
    make_order,
    make_store,
    make_user,
    pay,
    ship_all,
)
from tests.integration.support import mail_templates, run_worker

BUYER = "bea@example.com"
SELLER = "sol@example.com"


@pytest.fixture
def world(container: Container) -> dict[str, int]:
    store = make_store(container, name="Casa Sol")
    buyer = make_user(container, role=Role.buyer, email=BUYER, name="Bea")
    seller = make_user(container, role=Role.seller, email=SELLER, store_ids=[store])
    order = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order)
    return {"store": store, "buyer": buyer, "seller": seller, "order": order}


def _post(c: Container, user_id: int, order_id: int, body: str) -> int:
    return conversation.post_message(
        c.uow(), c.ctx, actor=actor_of(c, user_id), order_id=order_id, body=body
    ).message_id


def _kinds(c: Container, user_id: int) -> list[str]:
    with c.read_session() as s:
        return list(
            s.scalars(select(m.NotificationRow.kind).where(m.NotificationRow.user_id == user_id))
        )


def _unread(c: Container, order_id: int, user_id: int, role: Role) -> int:
    with c.read_session() as s:
        return q.unread_count(s, order_id, user_id=user_id, role=role)


def test_parties_write_and_read_and_the_other_side_is_told_in_app(
    container: Container, world: dict[str, int]
) -> None:
    first = _post(container, world["buyer"], world["order"], "  Is the blue one in stock?  ")
    _post(container, world["buyer"], world["order"], "Or the green one?")
    assert _unread(container, world["order"], world["seller"], Role.seller) == 2
    assert _unread(container, world["order"], world["buyer"], Role.buyer) == 0
    assert _kinds(container, world["seller"]).count("conversation.message") == 2
    with container.read_session() as s:
        thread = q.thread(s, world["order"])
    assert [x.body for x in thread.messages] == ["Is the blue one in stock?", "Or the green one?"]
    assert thread.messages[0].id == first and thread.messages[0].author_name == "Bea"

    conversation.mark_read(
        container.uow(),
        container.ctx,
        actor=actor_of(container, world["seller"]),
        order_id=world["order"],
        up_to=first,
    )
    assert _unread(container, world["order"], world["seller"], Role.seller) == 1
    reply = _post(container, world["seller"], world["order"], "Both are.")
    # Writing reads everything up to one's own message.
    assert _unread(container, world["order"], world["seller"], Role.seller) == 0
    assert _unread(container, world["order"], world["buyer"], Role.buyer) == 1
    assert reply > first


def test_others_may_not_read_or_write_and_support_only_reads(
    container: Container, world: dict[str, int]
) -> None:
    other_store = make_store(container, name="Elsewhere")
    stranger = make_user(container, role=Role.buyer, email="x@example.com")
    other_seller = make_user(container, role=Role.seller, store_ids=[other_store])
    support = make_user(container, role=Role.support, email="help@example.com")
    for outsider in (stranger, other_seller):
        with pytest.raises(NotFound):
            _post(container, outsider, world["order"], "hello")
    with pytest.raises(NotAllowed) as refused:
        _post(container, support, world["order"], "hello")
    assert refused.value.key == "conversation.support_reads_only"
    # Support reads every conversation (its read mark is its own).
    _post(container, world["buyer"], world["order"], "hello")
    assert (
        conversation.mark_read(
            container.uow(),
            container.ctx,
            actor=actor_of(container, support),
            order_id=world["order"],
            up_to=10**6,
        )
        > 0
    )


def test_a_message_needs_text_or_files_and_stays_within_the_limit(
    container: Container, world: dict[str, int]
) -> None:
    with pytest.raises(InvalidInput) as empty:
        _post(container, world["buyer"], world["order"], "   ")
    assert empty.value.key == "conversation.body_required"
    with pytest.raises(InvalidInput) as long:
        _post(container, world["buyer"], world["order"], "x" * 4001)
    assert long.value.facts["limit"] == 4000
    _post(container, world["buyer"], world["order"], "x" * 4000)


def test_several_messages_make_one_digest_email(
    container: Container, clock: FixedClock, world: dict[str, int]
) -> None:
    for text in ("one", "two", "three"):
        _post(container, world["buyer"], world["order"], text)
        clock.advance(timedelta(minutes=2))
    run_worker(container)
    assert "conversation_digest" not in mail_templates(container, SELLER)
    clock.advance(timedelta(minutes=15))
    run_worker(container)
    assert mail_templates(container, SELLER).count("conversation_digest") == 1
    assert container.mailbox is not None
    [mail] = [
        x for x in container.mailbox.list(to=SELLER) if x["template"] == "conversation_digest"
    ]
    body = str(container.mailbox.get(mail["key"]))
    assert "one" in body and "three" in body
    # A later message starts the next batch.
    _post(container, world["buyer"], world["order"], "four")
    clock.advance(timedelta(minutes=16))
    run_worker(container)
    assert mail_templates(container, SELLER).count("conversation_digest") == 2
    # The buyer wrote them all: nothing to tell the buyer.
    assert "conversation_digest" not in mail_templates(container, BUYER)


def test_no_email_when_read_in_time(
    container: Container, clock: FixedClock, world: dict[str, int]
) -> None:
    last = _post(container, world["buyer"], world["order"], "are you there?")
    clock.advance(timedelta(minutes=5))
    conversation.mark_read(
        container.uow(),
        container.ctx,
        actor=actor_of(container, world["seller"]),
        order_id=world["order"],
        up_to=last,
    )
    clock.advance(timedelta(minutes=20))
    run_worker(container)
    assert "conversation_digest" not in mail_templates(container, SELLER)
    # The next message still gets its digest.
    _post(container, world["buyer"], world["order"], "hello?")
    clock.advance(timedelta(minutes=16))
    run_worker(container)
    assert mail_templates(container, SELLER).count("conversation_digest") == 1


def test_the_digest_goes_out_after_the_worker_was_down(
    container: Container, clock: FixedClock, world: dict[str, int]
) -> None:
    _post(container, world["seller"], world["order"], "Your parcel leaves tomorrow.")
    clock.advance(timedelta(hours=9))
    _post(container, world["seller"], world["order"], "It left.")
    clock.advance(timedelta(hours=1))
    run_worker(container)
    run_worker(container)
    # Both messages in one email: the second joined the batch still waiting to be sent.
    assert mail_templates(container, BUYER).count("conversation_digest") == 1


def test_the_buyer_asks_to_intercept_a_parcel_going_out_and_the_seller_answers_once(
    container: Container, world: dict[str, int]
) -> None:
    buyer, seller = actor_of(container, world["buyer"]), actor_of(container, world["seller"])
    with pytest.raises(RuleConflict) as early:
        conversation.request_intercept(
            container.uow(), container.ctx, actor=buyer, order_id=world["order"]
        )
    assert early.value.code == "intercept_nothing_shipped"
    ship_all(container, world["order"])
    with pytest.raises(NotAllowed):
        conversation.request_intercept(
            container.uow(), container.ctx, actor=seller, order_id=world["order"]
        )
    asked = conversation.request_intercept(
        container.uow(), container.ctx, actor=buyer, order_id=world["order"], note="Wrong address"
    )
    with pytest.raises(RuleConflict) as twice:
        conversation.request_intercept(
            container.uow(), container.ctx, actor=buyer, order_id=world["order"]
        )
    assert twice.value.code == "intercept_waiting"
    assert twice.value.facts["request_id"] == asked.request_id
    with pytest.raises(NotAllowed):
        conversation.answer_intercept(
            container.uow(),
            container.ctx,
            actor=buyer,
            order_id=world["order"],
            request_id=asked.request_id,
            outcome="cannot",
        )
    with pytest.raises(InvalidInput):
        conversation.answer_intercept(
            container.uow(),
            container.ctx,
            actor=seller,
            order_id=world["order"],
            request_id=asked.request_id,
            outcome="maybe",
        )
    answered = conversation.answer_intercept(
        container.uow(),
        container.ctx,
        actor=seller,
        order_id=world["order"],
        request_id=asked.request_id,
        outcome="cannot",
        note="Already at the depot",
    )
    assert str(answered.status) == "cannot"
    with pytest.raises(IllegalTransition):
        conversation.answer_intercept(
            container.uow(),
            container.ctx,
            actor=seller,
            order_id=world["order"],
            request_id=asked.request_id,
            outcome="intercepted",
        )
    with container.read_session() as s:
        thread = q.thread(s, world["order"])
        assert [x.kind for x in thread.messages] == ["intercept_request", "intercept_answer"]
        assert q.waiting_intercept(s, world["order"]) is None
    assert "conversation.intercept_cannot" in _kinds(container, world["buyer"])
    run_worker(container)
    assert "intercept_requested" in mail_templates(container, SELLER)
    assert "intercept_answered" in mail_templates(container, BUYER)


def test_intercepts_are_emailed_at_once_and_never_again_in_the_digest(
    container: Container, clock: FixedClock, world: dict[str, int]
) -> None:
    ship_all(container, world["order"])
    conversation.request_intercept(
        container.uow(),
        container.ctx,
        actor=actor_of(container, world["buyer"]),
        order_id=world["order"],
    )
    clock.advance(timedelta(hours=1))
    run_worker(container)
    assert mail_templates(container, SELLER) == ["intercept_requested"]


def test_nothing_to_intercept_once_delivered(container: Container, world: dict[str, int]) -> None:
    shipment = ship_all(container, world["order"])
    carrier_event(container, shipment, CarrierEvent.delivered)
    with pytest.raises(RuleConflict) as late:
        conversation.request_intercept(
            container.uow(),
            container.ctx,
            actor=actor_of(container, world["buyer"]),
            order_id=world["order"],
        )
    assert (late.value.code, late.value.facts) == (
        "intercept_nothing_going_out",
        {"delivered": True},
    )


def test_an_intercepted_parcel_opens_its_return_and_the_order_waits_for_it(
    container: Container, world: dict[str, int]
) -> None:
    shipment = ship_all(container, world["order"])
    asked = conversation.request_intercept(
        container.uow(),
        container.ctx,
        actor=actor_of(container, world["buyer"]),
        order_id=world["order"],
    )
    done = conversation.answer_intercept(
        container.uow(),
        container.ctx,
        actor=actor_of(container, world["seller"]),
        order_id=world["order"],
        request_id=asked.request_id,
        outcome="intercepted",
    )
    assert done.return_id is not None
    with container.read_session() as s:
        ret = s.get(m.ReturnRow, done.return_id)
        parcel = s.get(m.ShipmentRow, shipment)
    assert ret is not None and (ret.kind, ret.status) == ("intercepted", "parcel_returning")
    assert parcel is not None and parcel.return_id == done.return_id
