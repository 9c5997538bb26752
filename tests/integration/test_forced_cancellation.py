"""C10 on a real database, through the use cases: a seller rejects a cancellation claiming the
parcel already left, the carrier never scans it, the buyer escalates a `cancellation_refused`
dispute and support forces the cancellation — the never-scanned parcel voided, every unit
cancelled with a full refund (the shipping too), the dispute decided at the seller's fault, one
email per side. The parcel is flagged "no carrier scan" `no_scan_flag_hours` after shipping,
on read. F5: every gateway answer and failed send is kept as the refund's history, and a late
refund is offered as `refund_not_received`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from recourse.container import Container
from recourse.db import models as m
from recourse.db.queries.case_facts import no_scan_flags, refund_history
from recourse.db.queries.disputes import dispute_view
from recourse.domain.disputes import DisputeStatus, Outcome
from recourse.domain.errors import InvalidInput, NotAllowed, NotFound, RuleConflict
from recourse.domain.order import NewLine, OrderStatus
from recourse.domain.roles import Actor, Role
from recourse.domain.shipment import CarrierEvent, ShipmentStatus
from recourse.integrations.clock import FixedClock
from recourse.services import cancellations, disputes, refunds
from recourse.services.disputes.force import force_cancellation
from recourse.services.disputes.late_refunds import disputable_refunds
from recourse.services.ports.cancellations import Cancellation
from recourse.services.ports.gateway import GatewayRefund, GatewayStatus
from recourse.services.refunds.manual import issue_manual_refund
from recourse.services.settle import settle_due
from tests.factories import (
    actor_of,
    carrier_event,
    get_order,
    make_order,
    make_store,
    make_user,
    pay,
    ship_all,
)
from tests.integration.support import mail_templates, run_worker, timeline_of

# lamp 2 x 25.00 + 5.00 tax, bulb 10.00 + 2.00 tax, shipping 5.00
TOTAL = 7200
RATIONALE = "The carrier never scanned the parcel the seller named: it never left."


def _world(c: Container, clock: FixedClock, *, tag: str = "") -> dict[str, Any]:
    store = make_store(c, name="Slow Shop")
    other_store = make_store(c, name="Other Shop")
    buyer = make_user(c, role=Role.buyer, email=f"rhea{tag}@example.com")
    seller = make_user(c, role=Role.seller, email=f"sol{tag}@example.com", store_ids=[store])
    other_seller = make_user(c, role=Role.seller, store_ids=[other_store])
    agent = make_user(c, role=Role.support, email=f"ada{tag}@example.com")
    stranger = make_user(c, role=Role.buyer)
    order = make_order(
        c,
        buyer_id=buyer,
        store_id=store,
        shipping_fee=500,
        lines=[
            NewLine("SKU-1", "Desk lamp", 2500, 2, 0, 500),
            NewLine("SKU-2", "Bulb", 1000, 1, 0, 200),
        ],
    )
    pay(c, order)
    clock.advance(timedelta(hours=2))
    return {
        "order": order,
        "buyer": actor_of(c, buyer),
        "seller": actor_of(c, seller),
        "other_seller": actor_of(c, other_seller),
        "agent": actor_of(c, agent),
        "stranger": actor_of(c, stranger),
    }


def _reject_as_shipped(c: Container, w: dict[str, Any]) -> int:
    """The buyer asks to cancel; the seller says it already left, with a tracking number."""
    request = cancellations.cancel_order(
        c.uow(), c.ctx, actor=w["buyer"], order_id=w["order"], reason="changed_mind"
    )
    assert isinstance(request, Cancellation)
    cancellations.reject_cancellation(
        c.uow(),
        c.ctx,
        actor=w["seller"],
        cancellation_id=request.id,
        reason="already_shipped",
        carrier="DHL",
        tracking_number="JJD000390007",
    )
    return request.id


def _escalated(c: Container, clock: FixedClock, w: dict[str, Any]) -> int:
    cancellation_id = _reject_as_shipped(c, w)
    clock.advance(timedelta(hours=1))
    dispute_id = disputes.open_dispute(
        c.uow(),
        c.ctx,
        actor=w["buyer"],
        order_id=w["order"],
        type="cancellation_refused",
        wanted="full_refund",
        amount=None,
        description="The seller says it shipped, but the tracking number shows nothing.",
        cancellation_id=cancellation_id,
    )
    disputes.escalate(c.uow(), c.ctx, actor=w["buyer"], dispute_id=dispute_id)
    return dispute_id


def _shipment(c: Container, order_id: int) -> m.ShipmentRow:
    with c.read_session() as s:
        row = s.scalars(select(m.ShipmentRow).where(m.ShipmentRow.order_id == order_id)).one()
        s.expunge(row)
    return row


@pytest.fixture
def w(container: Container, clock: FixedClock) -> dict[str, Any]:
    return _world(container, clock)


def test_support_forces_the_cancellation_of_a_parcel_never_scanned(
    container: Container, clock: FixedClock, w: dict[str, Any]
) -> None:
    dispute_id = _escalated(container, clock, w)
    order = get_order(container, w["order"])
    assert [line.qty.shipped for line in order.lines] == [2, 1]
    clock.advance(timedelta(days=4))

    after = force_cancellation(
        container.uow(), container.ctx, actor=w["agent"], dispute_id=dispute_id, rationale=RATIONALE
    )

    assert after.status is DisputeStatus.decided
    assert after.decision is not None
    assert after.decision.outcome is Outcome.full_refund
    assert after.decision.rationale == RATIONALE
    assert after.decision.charged_to_store
    assert after.appeal_by is not None
    order = get_order(container, w["order"])
    assert [(q.qty.shipped, q.qty.cancelled, q.qty.refunded) for q in order.lines] == [
        (0, 2, 2),
        (0, 1, 1),
    ]
    assert _shipment(container, w["order"]).status == str(ShipmentStatus.voided)
    with container.read_session() as s:
        refund = s.scalars(select(m.RefundRow).where(m.RefundRow.order_id == w["order"])).one()
        forced = s.scalars(
            select(m.CancellationRow)
            .where(m.CancellationRow.order_id == w["order"])
            .order_by(m.CancellationRow.id.desc())
        ).first()
        stored = s.get(m.OrderRow, w["order"])
        assert stored is not None
        assert stored.status == str(OrderStatus.cancelled)
    assert refund.amount == TOTAL  # items, tax and the shipping: nothing is left
    assert refund.shipping == 500
    assert forced is not None
    assert (forced.fault, forced.requested_by_role, forced.refund_id) == (
        "seller",
        "support",
        refund.id,
    )
    with container.read_session() as s:
        view = dispute_view(s, dispute_id)
    # the forced cancellation's refund is the dispute's: its page and its answer list it
    assert view is not None and view.refund_ids == (refund.id,)
    assert view.refunded == TOTAL
    decided = timeline_of(container, w["order"], "dispute.decided")
    data = decided[-1].data or {}
    assert data["refund_id"] == refund.id
    assert data["forced_cancellation_id"] == forced.id
    assert timeline_of(container, w["order"], "parcel.voided")
    # One email per side for the decision; the forced cancellation sends none of its own.
    run_worker(container)
    assert mail_templates(container, "rhea@example.com").count("dispute_decided") == 1
    assert "cancellation_completed" not in mail_templates(container, "rhea@example.com")
    assert mail_templates(container, "sol@example.com").count("dispute_decided") == 1
    assert "cancellation_seller_notice" not in mail_templates(container, "sol@example.com")


def test_a_scanned_parcel_stays_and_then_nothing_is_left_to_cancel(
    container: Container, clock: FixedClock, w: dict[str, Any]
) -> None:
    dispute_id = _escalated(container, clock, w)
    carrier_event(container, _shipment(container, w["order"]).id, CarrierEvent.in_transit)
    with pytest.raises(RuleConflict) as refused:
        force_cancellation(
            container.uow(),
            container.ctx,
            actor=w["agent"],
            dispute_id=dispute_id,
            rationale=RATIONALE,
        )
    assert refused.value.code == "dispute_nothing_to_cancel"
    assert disputes_status(container, dispute_id) is DisputeStatus.escalated
    order = get_order(container, w["order"])
    assert [line.qty.shipped for line in order.lines] == [2, 1]


def disputes_status(c: Container, dispute_id: int) -> DisputeStatus:
    with c.uow() as uow:
        d = uow.disputes.get(dispute_id)
    assert d is not None
    return d.status


def test_only_an_escalated_refused_cancellation_is_forced_by_support(
    container: Container, clock: FixedClock, w: dict[str, Any]
) -> None:
    cancellation_id = _reject_as_shipped(container, w)
    dispute_id = disputes.open_dispute(
        container.uow(),
        container.ctx,
        actor=w["buyer"],
        order_id=w["order"],
        type="cancellation_refused",
        wanted="full_refund",
        amount=None,
        description="It never shipped.",
        cancellation_id=cancellation_id,
    )

    def force(actor: Actor, rationale: str | None = RATIONALE) -> None:
        force_cancellation(
            container.uow(), container.ctx, actor=actor, dispute_id=dispute_id, rationale=rationale
        )

    with pytest.raises(RuleConflict) as not_escalated:
        force(w["agent"])
    assert not_escalated.value.code == "dispute_not_at_step"
    disputes.escalate(container.uow(), container.ctx, actor=w["buyer"], dispute_id=dispute_id)
    with pytest.raises(NotAllowed):
        force(w["buyer"])
    with pytest.raises(NotAllowed):
        force(w["seller"])
    # §1: another party's dispute reads as a missing one
    with pytest.raises(NotFound):
        force(w["stranger"])
    with pytest.raises(NotFound):
        force(w["other_seller"])
    with pytest.raises(InvalidInput) as no_rationale:
        force(w["agent"], "  ")
    assert no_rationale.value.key == "dispute.rationale_needed"
    force(w["agent"])
    with pytest.raises(RuleConflict):
        force(w["agent"])  # decided already


def test_a_dispute_of_another_type_is_not_forced(
    container: Container, clock: FixedClock, w: dict[str, Any]
) -> None:
    refund_id = issue_manual_refund(
        container.uow(),
        container.ctx,
        actor=w["agent"],
        order_id=w["order"],
        amount=1000,
        reason="goodwill",
        gateway=container.ctx.gateway,
    )
    with container.uow() as uow:
        refund = uow.refunds.get(refund_id)
    assert refund is not None
    clock.set(datetime.combine(refund.expected_latest, datetime.min.time(), UTC) + timedelta(1))
    dispute_id = disputes.open_dispute(
        container.uow(),
        container.ctx,
        actor=w["buyer"],
        order_id=w["order"],
        type="refund_not_received",
        wanted="full_refund",
        amount=None,
        description="The refund never arrived.",
        refund_id=refund_id,
    )
    disputes.escalate(container.uow(), container.ctx, actor=w["buyer"], dispute_id=dispute_id)
    with pytest.raises(RuleConflict) as refused:
        force_cancellation(
            container.uow(),
            container.ctx,
            actor=w["agent"],
            dispute_id=dispute_id,
            rationale=RATIONALE,
        )
    assert refused.value.code == "dispute_force_not_cancellation"


def test_a_parcel_without_a_carrier_scan_is_flagged_after_the_policy_hours(
    container: Container, clock: FixedClock, w: dict[str, Any]
) -> None:
    _reject_as_shipped(container, w)
    shipped_at = _shipment(container, w["order"]).shipped_at
    with container.read_session() as s:
        clock.set(shipped_at + timedelta(hours=72) - timedelta(seconds=1))
        assert no_scan_flags(s, w["order"], clock.now()) == []
        clock.set(shipped_at + timedelta(hours=72))
        [flag] = no_scan_flags(s, w["order"], clock.now())
        assert (flag.kind, flag.carrier, flag.tracking_number) == (
            "no_carrier_scan",
            "DHL",
            "JJD000390007",
        )
        assert flag.since == shipped_at
        assert flag.units == 3
        # the operator's setting moves it
        assert no_scan_flags(s, w["order"], clock.now(), flag_after_hours=100) == []
    carrier_event(container, _shipment(container, w["order"]).id, CarrierEvent.in_transit)
    with container.read_session() as s:
        assert no_scan_flags(s, w["order"], clock.now()) == []


def test_every_gateway_answer_and_failure_is_kept_as_the_refunds_history(
    container: Container, clock: FixedClock, w: dict[str, Any]
) -> None:
    refund_id = issue_manual_refund(
        container.uow(),
        container.ctx,
        actor=w["agent"],
        order_id=w["order"],
        amount=1000,
        reason="goodwill",
        gateway=container.ctx.gateway,
    )
    refunds.record_send_failure(
        container.uow(), container.ctx, refund_id=refund_id, error="timeout", give_up=False
    )
    clock.advance(timedelta(minutes=5))
    refunds.record_gateway_answer(
        container.uow(),
        container.ctx,
        refund_id=refund_id,
        answer=GatewayRefund(reference="re_1", status=GatewayStatus.processing),
    )
    clock.advance(timedelta(hours=1))
    refunds.record_gateway_answer(
        container.uow(),
        container.ctx,
        refund_id=refund_id,
        answer=GatewayRefund(reference="re_1", status=GatewayStatus.processing),
    )
    with container.read_session() as s:
        [history] = refund_history(s, w["order"])
    assert history.id == refund_id
    assert [(a.kind, a.status, a.reference, a.error) for a in history.attempts] == [
        ("failure", None, None, "timeout"),
        ("answer", "processing", "re_1", None),
        ("answer", "processing", "re_1", None),  # an answer that changed nothing is kept too
    ]
    assert history.gateway_reference == "re_1"


def test_a_late_refund_is_offered_as_refund_not_received_to_its_buyer_only(
    container: Container, clock: FixedClock, w: dict[str, Any]
) -> None:
    ship_all(container, w["order"])  # shipped: no overdue auto-cancel refunds it meanwhile
    refund_id = issue_manual_refund(
        container.uow(),
        container.ctx,
        actor=w["agent"],
        order_id=w["order"],
        amount=1000,
        reason="goodwill",
        gateway=container.ctx.gateway,
    )
    with container.uow() as uow:
        refund = uow.refunds.get(refund_id)
    assert refund is not None
    pair = [(refund_id, w["order"])]

    def offered(actor: Actor) -> bool:
        found = disputable_refunds(container.uow(), container.ctx, actor=actor, refunds=pair)
        return refund_id in found

    last_day_ends = datetime.combine(refund.expected_latest, datetime.min.time(), UTC) + timedelta(
        1
    )
    clock.set(last_day_ends - timedelta(seconds=1))
    assert not offered(w["buyer"])
    clock.set(last_day_ends)
    settle_due(container.uow(), container.ctx, order_id=w["order"])
    assert offered(w["buyer"])
    assert not offered(w["stranger"])
    assert not offered(w["seller"])
    disputes.open_dispute(
        container.uow(),
        container.ctx,
        actor=w["buyer"],
        order_id=w["order"],
        type="refund_not_received",
        wanted="full_refund",
        amount=None,
        description="Nothing arrived.",
        refund_id=refund_id,
    )
    assert not offered(w["buyer"])  # one open dispute per order: it is open already


def test_the_forced_refund_goes_out_and_the_order_closes_after_the_appeal_window(
    container: Container, clock: FixedClock, w: dict[str, Any]
) -> None:
    """The worker sends the refund (its gateway answers kept as its history); once it has
    succeeded and nobody appealed by `appeal_by`, the dispute is resolved and the order,
    cancelled with nothing left open, is closed."""
    dispute_id = _escalated(container, clock, w)
    after = force_cancellation(
        container.uow(), container.ctx, actor=w["agent"], dispute_id=dispute_id, rationale=RATIONALE
    )
    run_worker(container)
    with container.read_session() as s:
        [history] = refund_history(s, w["order"])
    assert [a.kind for a in history.attempts] == ["answer"]
    assert history.attempts[0].reference == history.gateway_reference is not None
    assert history.status in ("processing", "succeeded")

    clock.advance(timedelta(days=5))
    run_worker(container)  # the sandbox has settled: the check finds it succeeded
    assert after.appeal_by is not None
    clock.set(after.appeal_by)
    settle_due(container.uow(), container.ctx, order_id=w["order"])
    assert disputes_status(container, dispute_id) is DisputeStatus.resolved
    with container.read_session() as s:
        [history] = refund_history(s, w["order"])
        stored = s.get(m.OrderRow, w["order"])
        assert stored is not None
        status = stored.status
    assert history.status == "succeeded"
    assert status == str(OrderStatus.closed)


def test_only_the_refund_the_guide_offers_is_linked(
    container: Container, clock: FixedClock, w: dict[str, Any]
) -> None:
    """The guide names one refund for `refund_not_received`: the latest neither arrived nor
    failed. An older late refund, or a failed one (support is on it), is not linked."""
    ship_all(container, w["order"])  # shipped: no overdue auto-cancel refunds it meanwhile

    def manual(amount: int) -> int:
        return issue_manual_refund(
            container.uow(),
            container.ctx,
            actor=w["agent"],
            order_id=w["order"],
            amount=amount,
            reason="goodwill",
            gateway=container.ctx.gateway,
        )

    older, latest = manual(500), manual(700)
    with container.uow() as uow:
        refund = uow.refunds.get(latest)
    assert refund is not None
    clock.set(datetime.combine(refund.expected_latest, datetime.min.time(), UTC) + timedelta(1))
    pairs = [(older, w["order"]), (latest, w["order"])]

    def offered() -> frozenset[int]:
        return disputable_refunds(container.uow(), container.ctx, actor=w["buyer"], refunds=pairs)

    assert offered() == {latest}
    refunds.record_gateway_answer(
        container.uow(),
        container.ctx,
        refund_id=latest,
        answer=GatewayRefund(
            reference="re_x", status=GatewayStatus.failed, failure_reason="card closed"
        ),
    )
    assert offered() == {older}  # the failed one is support's; the older is the latest now
