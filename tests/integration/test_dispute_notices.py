"""D1-D7/M2/M3: what a dispute tells. One email per thing that happened, to each person who must
act or whose money moves, in the recipient's language and time zone; in-app notifications worded
when read; a `dispute.*` webhook event for each step; a refund a dispute made told by the
dispute's own email (its `refund.created` is an event only)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from recourse.container import Container
from recourse.db import models as m
from recourse.domain.order import NewLine
from recourse.domain.roles import Role
from recourse.domain.shipment import CarrierEvent
from recourse.i18n import words_for
from recourse.integrations.clock import FixedClock
from recourse.services import disputes
from recourse.texts.notifications import notice
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
SELLER = "sergio@example.com"
AGENT = "ana@example.com"


def _world(c: Container, clock: FixedClock) -> dict[str, Any]:
    """A delivered order of two lamps (6000 EUR cents captured by card); the buyer reads
    English in Berlin, the seller Spanish in Madrid."""
    store = make_store(c, return_address="Calle Mayor 1, 28013 Madrid")
    buyer = make_user(c, role=Role.buyer, email=BUYER)
    seller = make_user(
        c,
        role=Role.seller,
        email=SELLER,
        store_ids=[store],
        locale="es",
        country="ES",
        timezone="Europe/Madrid",
    )
    agent = make_user(c, role=Role.support, email=AGENT)
    order = make_order(
        c,
        buyer_id=buyer,
        store_id=store,
        shipping_fee=500,
        lines=[NewLine("SKU-1", "Desk lamp", 2500, 2, 0, 500)],
    )
    pay(c, order)
    shipment = ship_all(c, order)
    clock.advance(timedelta(days=1))
    carrier_event(c, shipment, CarrierEvent.delivered)
    run_worker(c)  # the order's own emails (shipped, delivered) go first
    return {
        "order": order,
        "buyer": actor_of(c, buyer),
        "seller": actor_of(c, seller),
        "agent": actor_of(c, agent),
        "buyer_id": buyer,
        "seller_id": seller,
        "agent_id": agent,
        "before": {BUYER: len(mail_templates(c, BUYER)), SELLER: len(mail_templates(c, SELLER))},
    }


def _open(c: Container, w: dict[str, Any], **kw: Any) -> int:
    args: dict[str, Any] = {
        "type": "not_as_described",
        "wanted": "full_refund",
        "amount": None,
        "description": "The shade arrived cracked.",
        **kw,
    }
    return disputes.open_dispute(c.uow(), c.ctx, actor=w["buyer"], order_id=w["order"], **args)


def _new_mail(c: Container, w: dict[str, Any], to: str) -> list[str]:
    """The templates of the emails `to` got since the world was made, oldest first."""
    assert c.mailbox is not None
    items = list(reversed(c.mailbox.list(to=to)))
    return [item["template"] for item in items[w["before"][to] :]]


def _last_mail(c: Container, to: str, template: str) -> dict[str, Any]:
    assert c.mailbox is not None
    summary = next(i for i in c.mailbox.list(to=to) if i["template"] == template)
    found = c.mailbox.get(summary["key"])
    assert found is not None
    return found


def _events(c: Container, prefix: str) -> list[str]:
    """The event types published so far, sorted (ids are random, so no order of their own)."""
    with c.read_session() as s:
        return sorted(s.scalars(select(m.EventRow.type).where(m.EventRow.type.startswith(prefix))))


def _event(c: Container, type_: str) -> dict[str, Any]:
    with c.read_session() as s:
        row = s.scalars(
            select(m.EventRow)
            .where(m.EventRow.type == type_)
            .order_by(m.EventRow.created_at.desc())
        ).first()
        assert row is not None
        data: dict[str, Any] = row.payload["data"]
        return data


def _notices(c: Container, user_id: int, lang: str = "en") -> list[tuple[str, str, str]]:
    """(kind, title, body) of the user's dispute notifications, worded as they read them."""
    words = words_for(lang, "Europe/Berlin")
    with c.read_session() as s:
        rows = s.scalars(
            select(m.NotificationRow)
            .where(
                m.NotificationRow.user_id == user_id, m.NotificationRow.kind.startswith("dispute.")
            )
            .order_by(m.NotificationRow.id)
        )
        return [(r.kind, *notice(r.kind, r.params, words)) for r in rows]


def test_opening_emails_the_seller_once_in_spanish_with_the_deadline_in_madrid(
    container: Container, clock: FixedClock
) -> None:
    c = container
    w = _world(c, clock)
    did = _open(c, w)
    run_worker(c)

    assert _new_mail(c, w, SELLER) == ["dispute_opened"]
    assert _new_mail(c, w, BUYER) == []
    mail = _last_mail(c, SELLER, "dispute_opened")
    assert 'lang="es"' in mail["html"]
    assert "The shade arrived cracked." in mail["text"]
    assert f"/seller/orders/{w['order']}/disputes/{did}" in mail["text"]
    # respond_by is 5 days after opening: shown in the seller's zone (CET/CEST), not UTC
    assert "CE" in mail["text"] and "UTC" not in mail["text"]
    assert _events(c, "dispute.") == ["dispute.opened"]
    data = _event(c, "dispute.opened")
    assert (data["dispute_id"], data["type"], data["wanted"]) == (
        did,
        "not_as_described",
        "full_refund",
    )
    assert data["respond_by"] is not None
    kinds = [k for k, _, _ in _notices(c, w["seller_id"], "es")]
    assert kinds == ["dispute.opened"]


def test_a_counter_reaches_the_buyer_and_the_accepted_refund_is_one_email_with_its_dates(
    container: Container, clock: FixedClock
) -> None:
    c = container
    w = _world(c, clock)
    did = _open(c, w)
    disputes.respond(
        c.uow(),
        c.ctx,
        actor=w["seller"],
        dispute_id=did,
        action="counter",
        wanted="partial_refund",
        amount=1500,
        note="We can refund part of it.",
    )
    run_worker(c)
    assert _new_mail(c, w, BUYER) == ["dispute_proposal"]
    proposal = _last_mail(c, BUYER, "dispute_proposal")
    assert "€15.00" in proposal["text"] and "We can refund part of it." in proposal["text"]

    disputes.accept_proposal(c.uow(), c.ctx, actor=w["buyer"], dispute_id=did)
    run_worker(c)

    # the refund's own email is not sent: the settlement's email says it all
    assert _new_mail(c, w, BUYER) == ["dispute_proposal", "dispute_resolved"]
    settled = _last_mail(c, BUYER, "dispute_resolved")
    assert "We are refunding €15.00 to your card." in settled["text"]
    assert "at the latest" in settled["text"]
    assert _new_mail(c, w, SELLER) == ["dispute_opened"]  # they hear of it in-app only
    assert _events(c, "dispute.") == ["dispute.opened", "dispute.resolved", "dispute.responded"]
    assert "refund.created" in _events(c, "refund.")
    resolved = _event(c, "dispute.resolved")
    assert resolved["resolution"] == "agreed"
    assert resolved["refunded"]["amount"] == 1500
    assert ("dispute.resolved") in [k for k, _, _ in _notices(c, w["seller_id"], "es")]


def test_support_asks_then_decides_and_both_sides_get_the_rationale_and_the_money(
    container: Container, clock: FixedClock
) -> None:
    c = container
    w = _world(c, clock)
    did = _open(c, w)
    disputes.escalate(c.uow(), c.ctx, actor=w["buyer"], dispute_id=did)
    disputes.assign(c.uow(), c.ctx, actor=w["agent"], dispute_id=did)
    disputes.request_info(
        c.uow(),
        c.ctx,
        actor=w["agent"],
        dispute_id=did,
        party="seller",
        question="Photos of the lamp before packing?",
        due_at=clock.now() + timedelta(days=2),
    )
    run_worker(c)
    # escalation asks nobody to act: in-app for the seller, no email to anyone
    assert _new_mail(c, w, SELLER) == ["dispute_opened", "dispute_info_requested"]
    assert _new_mail(c, w, BUYER) == []
    asked = _last_mail(c, SELLER, "dispute_info_requested")
    assert "Photos of the lamp before packing?" in asked["text"]
    seller_kinds = [k for k, _, _ in _notices(c, w["seller_id"], "es")]
    assert "dispute.escalated" in seller_kinds and "dispute.info_requested" in seller_kinds

    with c.read_session() as s:
        rid = s.scalar(
            select(m.DisputeInfoRequestRow.id).where(m.DisputeInfoRequestRow.dispute_id == did)
        )
    assert rid is not None
    disputes.answer_info(
        c.uow(), c.ctx, actor=w["seller"], dispute_id=did, request_id=rid, answer="None, sorry."
    )
    agent_notes = _notices(c, w["agent_id"])
    assert [k for k, _, _ in agent_notes] == ["dispute.assigned", "dispute.info_answered"]
    assert agent_notes[-1][1] == f"Dispute #{did}: the seller answered your question"
    assert agent_notes[-1][2] == "None, sorry."

    disputes.decide(
        c.uow(),
        c.ctx,
        actor=w["agent"],
        dispute_id=did,
        outcome="partial_refund",
        amount=2000,
        rationale="Cracked but working.",
        charged_to_store=True,
    )
    run_worker(c)

    assert _new_mail(c, w, BUYER) == ["dispute_decided"]
    assert _new_mail(c, w, SELLER)[-1] == "dispute_decided"
    buyer_mail = _last_mail(c, BUYER, "dispute_decided")
    assert "“Cracked but working.”" in buyer_mail["text"]
    assert "We are refunding €20.00 to your card." in buyer_mail["text"]
    assert "at the latest" in buyer_mail["text"]
    assert "you can appeal once by" in buyer_mail["text"]
    seller_mail = _last_mail(c, SELLER, "dispute_decided")
    assert 'lang="es"' in seller_mail["html"]
    assert "Cracked but working." in seller_mail["text"]
    assert "20,00" in seller_mail["text"]  # the amount in Spanish notation
    assert _events(c, "dispute.") == [
        "dispute.decided",
        "dispute.escalated",
        "dispute.info_requested",
        "dispute.opened",
    ]
    decided = _event(c, "dispute.decided")
    assert (decided["outcome"], decided["rationale"], decided["charged_to_store"]) == (
        "partial_refund",
        "Cracked but working.",
        True,
    )
    assert decided["refunded"]["amount"] == 2000
    buyer_notes = _notices(c, w["buyer_id"])
    assert buyer_notes[-1][0] == "dispute.decided"
    assert buyer_notes[-1][2] == (
        "Decided: a partial refund of €20.00. Their reasons: Cracked but working."
    )

    disputes.appeal(c.uow(), c.ctx, actor=w["seller"], dispute_id=did, reason="It worked.")
    assert "dispute.appealed" in _events(c, "dispute.")
    assert _notices(c, w["buyer_id"])[-1][0] == "dispute.appealed"


def test_silence_reminds_the_seller_once_then_carries_out_the_request_and_tells_both(
    container: Container, clock: FixedClock
) -> None:
    c = container
    w = _world(c, clock)
    did = _open(c, w)
    run_worker(c)
    clock.advance(timedelta(days=4, hours=1))  # past respond_by - remind_before_hours
    run_worker(c)
    run_worker(c)
    assert _new_mail(c, w, SELLER) == ["dispute_opened", "dispute_reminder"]
    reminder = _last_mail(c, SELLER, "dispute_reminder")
    assert 'lang="es"' in reminder["html"]
    assert f"/seller/orders/{w['order']}/disputes/{did}" in reminder["text"]
    notes = _notices(c, w["seller_id"])
    assert notes[-1][1] == f"Order #{w['order']}: answer the dispute"
    assert "or the buyer's request is carried out automatically" in notes[-1][2]
    clock.advance(timedelta(days=1))
    run_worker(c)

    assert _new_mail(c, w, SELLER) == ["dispute_opened", "dispute_reminder", "dispute_resolved"]
    assert _new_mail(c, w, BUYER) == ["dispute_resolved"]
    buyer_mail = _last_mail(c, BUYER, "dispute_resolved")
    assert "did not answer your dispute" in buyer_mail["text"]
    assert "We are refunding €60.00 to your card." in buyer_mail["text"]
    assert _event(c, "dispute.resolved")["resolution"] == "seller_silent"
    assert "refund.created" in _events(c, "refund.")
    assert did == _event(c, "dispute.resolved")["dispute_id"]


def test_withdrawal_tells_the_seller_in_app_and_the_webhooks(
    container: Container, clock: FixedClock
) -> None:
    c = container
    w = _world(c, clock)
    did = _open(c, w)
    disputes.withdraw(c.uow(), c.ctx, actor=w["buyer"], dispute_id=did)
    run_worker(c)
    assert _new_mail(c, w, SELLER) == ["dispute_opened"]
    assert _events(c, "dispute.") == ["dispute.opened", "dispute.withdrawn"]  # sorted
    notes = _notices(c, w["seller_id"])
    assert notes[-1][:2] == (
        "dispute.withdrawn",
        f"Order #{w['order']}: the buyer withdrew the dispute",
    )


def test_a_refund_after_return_is_one_email_with_where_and_by_when_to_send_it(
    container: Container, clock: FixedClock
) -> None:
    c = container
    w = _world(c, clock)
    did = _open(c, w)
    disputes.escalate(c.uow(), c.ctx, actor=w["seller"], dispute_id=did)
    disputes.assign(c.uow(), c.ctx, actor=w["agent"], dispute_id=did)
    disputes.decide(
        c.uow(),
        c.ctx,
        actor=w["agent"],
        dispute_id=did,
        outcome="refund_after_return",
        rationale="Send it back; the seller refunds what comes back.",
    )
    run_worker(c)

    assert _new_mail(c, w, BUYER) == ["dispute_decided"]
    mail = _last_mail(c, BUYER, "dispute_decided")
    assert "Send the items to Calle Mayor 1, 28013 Madrid by" in mail["text"]
    assert "return.approved" in _events(c, "return.")


def test_both_sides_are_reminded_before_negotiation_ends_and_the_side_asked_before_due(
    container: Container, clock: FixedClock
) -> None:
    c = container
    w = _world(c, clock)
    did = _open(c, w)
    disputes.respond(
        c.uow(),
        c.ctx,
        actor=w["seller"],
        dispute_id=did,
        action="counter",
        wanted="return_and_refund",
    )
    run_worker(c)
    clock.advance(timedelta(days=6, hours=1))  # escalate_at (7 days) is less than a day away
    run_worker(c)
    assert _new_mail(c, w, BUYER) == ["dispute_proposal", "dispute_reminder"]
    assert _new_mail(c, w, SELLER)[-1] == "dispute_reminder"
    buyer_mail = _last_mail(c, BUYER, "dispute_reminder")
    assert (
        "is not settled by" in buyer_mail["text"]
        and "our support team decides it" in buyer_mail["text"]
    )
    assert (
        _notices(c, w["buyer_id"])[-1][1]
        == f"Order #{w['order']}: the dispute goes to support soon"
    )

    disputes.escalate(c.uow(), c.ctx, actor=w["buyer"], dispute_id=did)
    disputes.assign(c.uow(), c.ctx, actor=w["agent"], dispute_id=did)
    disputes.request_info(
        c.uow(),
        c.ctx,
        actor=w["agent"],
        dispute_id=did,
        party="buyer",
        question="Is the box damaged too?",
        due_at=clock.now() + timedelta(days=2),
    )
    run_worker(c)
    clock.advance(timedelta(days=1, hours=1))
    run_worker(c)
    assert _new_mail(c, w, BUYER)[-2:] == ["dispute_info_requested", "dispute_reminder"]
    info_mail = _last_mail(c, BUYER, "dispute_reminder")
    assert "Answer support's question on the dispute" in info_mail["text"]
    assert _notices(c, w["buyer_id"])[-1][1] == f"Order #{w['order']}: answer support's question"


def _decided(c: Container, w: dict[str, Any]) -> int:
    did = _open(c, w)
    disputes.escalate(c.uow(), c.ctx, actor=w["buyer"], dispute_id=did)
    disputes.decide(
        c.uow(),
        c.ctx,
        actor=w["agent"],
        dispute_id=did,
        outcome="partial_refund",
        amount=2000,
        rationale="Cracked but working.",
    )
    run_worker(c)
    return did


def test_both_sides_are_reminded_once_before_the_decision_becomes_final(
    container: Container, clock: FixedClock
) -> None:
    c = container
    w = _world(c, clock)
    did = _decided(c, w)
    with c.uow() as uow:
        d = uow.disputes.get(did)
        hours = uow.platform.policy().remind_before_hours
    assert d is not None and d.appeal_by is not None

    def reminders(to: str) -> int:
        return _new_mail(c, w, to).count("dispute_reminder")

    assert (reminders(BUYER), reminders(SELLER)) == (0, 0)
    clock.set(d.appeal_by - timedelta(hours=hours) - timedelta(minutes=1))
    run_worker(c)
    assert (reminders(BUYER), reminders(SELLER)) == (0, 0)

    clock.set(d.appeal_by - timedelta(hours=hours) + timedelta(minutes=1))
    run_worker(c)
    run_worker(c)  # a second pass sends nothing more
    assert (reminders(BUYER), reminders(SELLER)) == (1, 1)
    buyer_mail = _last_mail(c, BUYER, "dispute_reminder")
    assert "You can appeal support's decision on the dispute on order" in buyer_mail["text"]
    assert "support's decision becomes final on" in buyer_mail["subject"]
    seller_mail = _last_mail(c, SELLER, "dispute_reminder")
    assert 'lang="es"' in seller_mail["html"]
    assert "Puedes recurrir la decisión de soporte" in seller_mail["text"]
    assert _notices(c, w["buyer_id"])[-1][1:] == (
        f"Order #{w['order']}: support's decision becomes final soon",
        _notices(c, w["buyer_id"])[-1][2],
    )
    assert _notices(c, w["buyer_id"])[-1][2].startswith("You can appeal support's decision until")


def test_no_reminder_once_a_side_appealed(container: Container, clock: FixedClock) -> None:
    c = container
    w = _world(c, clock)
    did = _decided(c, w)
    disputes.appeal(c.uow(), c.ctx, actor=w["seller"], dispute_id=did, reason="It worked.")
    run_worker(c)
    with c.uow() as uow:
        d = uow.disputes.get(did)
    assert d is not None and d.appeal_by is not None
    clock.set(d.appeal_by - timedelta(minutes=1))
    run_worker(c)
    for to in (BUYER, SELLER):
        assert "dispute_reminder" not in _new_mail(c, w, to)
