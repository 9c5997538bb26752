"""§5 disputes on a real database, through the use cases: D1 windows per type with their
dates, D2 one open dispute per order, D3 accept / counter and silence carrying out the buyer's
request, D4 proposals, acceptance and escalation (asked for, and by itself), D5 assignment,
information requests and decisions carried out through the refund ledger or an approved
return, D6 one appeal decided by a different agent (the difference only), D7 withdrawal — and
every deadline deciding while the worker is down: a read settles it, a late action gets 409
with the deadline, the worker's late firing changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from recourse.container import Container
from recourse.db import models as m
from recourse.db.queries.disputes import (
    dispute_view,
    disputes_of_order,
    overdue_count,
    support_queue,
)
from recourse.domain.cancellation import CancellationStatus
from recourse.domain.disputes import Dispute, DisputeStatus, Party, Resolution
from recourse.domain.errors import InvalidInput, NotAllowed, NotFound, RuleConflict
from recourse.domain.order import NewLine
from recourse.domain.returns import ReturnStatus
from recourse.domain.roles import Actor, Role
from recourse.domain.shipment import CarrierEvent
from recourse.integrations.clock import FixedClock
from recourse.integrations.gateways.sandbox import SandboxGateway, SandboxSettings
from recourse.services import cancellations, disputes
from recourse.services.conversation import support_joined
from recourse.services.options import order_options
from recourse.services.ports.cancellations import Cancellation
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
from tests.integration.support import run_worker, stored_status, timeline_of

ADDRESS = "Maison Lune, Returns desk, Hauptstr. 1, 10115 Berlin"
# The fixture's parcel is delivered on Tuesday 3 March 2026, 09:00 UTC.
DELIVERED = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
OPENED = DELIVERED + timedelta(days=1)
# lamp 2 x 25.00 + 5.00 tax, bulb 10.00 + 2.00 tax, shipping 5.00
TOTAL = 7200


def _world(
    c: Container, clock: FixedClock, *, deliver: bool = True, tag: str = ""
) -> dict[str, Any]:
    store = make_store(c, name="Maison Lune", return_address=ADDRESS)
    buyer = make_user(c, role=Role.buyer, email=f"rhea{tag}@example.com", name="Rhea")
    seller = make_user(c, role=Role.seller, email=f"sol{tag}@example.com", store_ids=[store])
    agent = make_user(c, role=Role.support, email=f"ada{tag}@example.com")
    other_agent = make_user(c, role=Role.support, email=f"grace{tag}@example.com")
    stranger = make_user(c, role=Role.buyer, email=f"nosy{tag}@example.com")
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
    shipment = ship_all(c, order)
    if deliver:
        clock.set(max(clock.now(), DELIVERED))
        carrier_event(c, shipment, CarrierEvent.delivered)
        clock.set(max(clock.now(), OPENED))
    return {
        "order": order,
        "store": store,
        "buyer": actor_of(c, buyer),
        "seller": actor_of(c, seller),
        "agent": actor_of(c, agent),
        "other_agent": actor_of(c, other_agent),
        "stranger": actor_of(c, stranger),
    }


@pytest.fixture
def w(container: Container, clock: FixedClock) -> dict[str, Any]:
    return _world(container, clock)


def _open(c: Container, w: dict[str, Any], **kw: Any) -> int:
    args: dict[str, Any] = {
        "type": "not_as_described",
        "wanted": "full_refund",
        "amount": None,
        "description": "The lamp flickers and the shade is cracked.",
    }
    actor = kw.pop("actor", w["buyer"])
    args.update(kw)
    return disputes.open_dispute(c.uow(), c.ctx, actor=actor, order_id=w["order"], **args)


def _get(c: Container, dispute_id: int) -> Dispute:
    with c.uow() as uow:
        d = uow.disputes.get(dispute_id)
    assert d is not None
    return d


def _read(c: Container, dispute_id: int) -> Dispute:
    """What a reader sees: the order's passed deadlines applied first (§10)."""
    settle_due(c.uow(), c.ctx, order_id=_get(c, dispute_id).order_id)
    return _get(c, dispute_id)


def _refunds(c: Container, order_id: int) -> list[tuple[int, str, str | None]]:
    with c.read_session() as s:
        rows = s.scalars(
            select(m.RefundRow).where(m.RefundRow.order_id == order_id).order_by(m.RefundRow.id)
        )
        return [(r.amount, r.cause, r.cause_ref) for r in rows]


def _escalated(c: Container, w: dict[str, Any]) -> int:
    dispute_id = _open(c, w)
    disputes.escalate(c.uow(), c.ctx, actor=w["buyer"], dispute_id=dispute_id)
    return dispute_id


# D1/D2 opening


def test_the_buyer_opens_with_deadlines_from_policy_and_the_opening_proposal(
    container: Container, w: dict[str, Any]
) -> None:
    dispute_id = _open(container, w, wanted="partial_refund", amount=1500)
    d = _get(container, dispute_id)
    assert d.status is DisputeStatus.awaiting_seller
    assert d.respond_by == OPENED + timedelta(days=5)
    assert d.escalate_at == OPENED + timedelta(days=7)
    assert d.due_at == d.respond_by
    assert [(p.by, p.wanted, p.amount) for p in d.proposals] == [
        (Party.buyer, "partial_refund", 1500)
    ]
    assert timeline_of(container, w["order"], "dispute.opened")
    with container.uow() as uow:
        assert uow.orders.settlement(w["order"]).open_cases == 1


def test_one_open_dispute_per_order(container: Container, w: dict[str, Any]) -> None:
    first = _open(container, w)
    with pytest.raises(RuleConflict) as refused:
        _open(container, w, type="not_received")
    assert refused.value.code == "dispute_already_open"
    assert refused.value.facts["dispute_id"] == first


def test_a_retry_with_the_same_key_finds_the_same_dispute(
    container: Container, w: dict[str, Any]
) -> None:
    assert _open(container, w, request_key="k1") == _open(container, w, request_key="k1")


def test_only_the_buyer_opens_and_another_party_does_not_see_the_order(
    container: Container, w: dict[str, Any]
) -> None:
    with pytest.raises(NotAllowed):
        _open(container, w, actor=w["seller"])
    with pytest.raises(NotFound):
        _open(container, w, actor=w["stranger"])


def test_what_the_buyer_must_say(container: Container, w: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput) as no_text:
        _open(container, w, description="  ")
    assert no_text.value.key == "dispute.description_needed"
    with pytest.raises(InvalidInput) as no_amount:
        _open(container, w, wanted="partial_refund")
    assert no_amount.value.key == "dispute.amount_needed"
    with pytest.raises(RuleConflict) as too_much:
        _open(container, w, wanted="partial_refund", amount=TOTAL + 1)
    assert too_much.value.facts["refundable"] == TOTAL
    with pytest.raises(InvalidInput):
        _open(container, w, wanted="full_refund", amount=100)
    with pytest.raises(InvalidInput) as subject:
        _open(container, w, type="cancellation_refused")
    assert subject.value.key == "dispute.subject_needed"


def test_not_as_described_closes_after_completion_plus_the_policy_days(
    container: Container, clock: FixedClock, w: dict[str, Any]
) -> None:
    ends = get_order(container, w["order"]).deadlines.protection_ends_at
    assert ends is not None
    clock.set(ends + timedelta(days=15))
    with pytest.raises(RuleConflict) as refused:
        _open(container, w)
    assert refused.value.code == "dispute_window_closed"
    assert refused.value.facts["closes_at"] == (ends + timedelta(days=15)).isoformat()
    clock.set(ends + timedelta(days=15) - timedelta(seconds=1))
    assert _open(container, w)


def test_not_received_opens_30_days_after_shipping_while_a_unit_is_undelivered(
    container: Container, clock: FixedClock
) -> None:
    w = _world(container, clock, deliver=False)
    shipped = get_order(container, w["order"]).first_shipped_at
    assert shipped is not None
    with pytest.raises(RuleConflict) as early:
        _open(container, w, type="not_received")
    assert early.value.code == "dispute_window_not_open"
    assert early.value.facts["opens_at"] == (shipped + timedelta(days=30)).isoformat()
    with pytest.raises(RuleConflict) as undelivered:
        _open(container, w)
    assert undelivered.value.code == "dispute_nothing_delivered"
    clock.set(shipped + timedelta(days=30))
    assert _open(container, w, type="not_received")


def test_not_received_is_refused_once_everything_was_delivered(
    container: Container, w: dict[str, Any]
) -> None:
    with pytest.raises(RuleConflict) as refused:
        _open(container, w, type="not_received")
    assert refused.value.code == "dispute_all_delivered"


def _rejected_cancellation(c: Container, clock: FixedClock) -> tuple[dict[str, Any], int]:
    store = make_store(c, name="Slow Shop")
    buyer = make_user(c, role=Role.buyer)
    seller = make_user(c, role=Role.seller, store_ids=[store])
    order = make_order(c, buyer_id=buyer, store_id=store)
    pay(c, order)
    clock.advance(timedelta(hours=2))
    w = {"order": order, "buyer": actor_of(c, buyer), "seller": actor_of(c, seller)}
    request = cancellations.cancel_order(
        c.uow(), c.ctx, actor=w["buyer"], order_id=order, reason="changed_mind"
    )
    assert isinstance(request, Cancellation)
    rejected = cancellations.reject_cancellation(
        c.uow(), c.ctx, actor=w["seller"], cancellation_id=request.id, reason="made_to_order"
    )
    assert rejected.status is CancellationStatus.rejected
    return w, request.id


def test_a_rejected_cancellation_of_an_unshipped_order_may_be_disputed_for_30_days(
    container: Container, clock: FixedClock
) -> None:
    w, cancellation_id = _rejected_cancellation(container, clock)
    rejected_at = clock.now()
    clock.advance(timedelta(days=30))
    with pytest.raises(RuleConflict) as late:
        _open(container, w, type="cancellation_refused", cancellation_id=cancellation_id)
    assert late.value.code == "dispute_window_closed"
    assert late.value.facts["closes_at"] == (rejected_at + timedelta(days=30)).isoformat()
    clock.advance(timedelta(seconds=-1))
    dispute_id = _open(container, w, type="cancellation_refused", cancellation_id=cancellation_id)
    assert _get(container, dispute_id).cancellation_id == cancellation_id


def test_a_refund_not_received_after_its_latest_expected_day(
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
    with pytest.raises(RuleConflict) as early:
        _open(container, w, type="refund_not_received", refund_id=refund_id)
    assert early.value.code == "dispute_window_not_open"
    clock.set(datetime.combine(refund.expected_latest, datetime.min.time(), UTC) + timedelta(1))
    dispute_id = _open(container, w, type="refund_not_received", refund_id=refund_id)
    assert _get(container, dispute_id).refund_id == refund_id


# D3 the seller answers


def test_the_seller_accepts_and_the_full_refund_goes_through_the_ledger(
    container: Container, w: dict[str, Any]
) -> None:
    dispute_id = _open(container, w)
    d = disputes.respond(
        container.uow(), container.ctx, actor=w["seller"], dispute_id=dispute_id, action="accept"
    )
    assert (d.status, d.resolution) == (DisputeStatus.resolved, Resolution.seller_accepted)
    assert _refunds(container, w["order"]) == [(TOTAL, "dispute", f"dispute:{dispute_id}")]
    with container.uow() as uow:
        assert uow.orders.settlement(w["order"]).open_cases == 0


def test_the_seller_accepting_a_return_and_refund_opens_an_approved_return(
    container: Container, w: dict[str, Any]
) -> None:
    dispute_id = _open(container, w, wanted="return_and_refund")
    disputes.respond(
        container.uow(), container.ctx, actor=w["seller"], dispute_id=dispute_id, action="accept"
    )
    with container.uow() as uow:
        (ret,) = uow.returns.for_order(w["order"])
    assert ret.status is ReturnStatus.approved
    assert ret.return_address == ADDRESS
    assert sum(x.quantity for x in ret.lines) == 3
    assert _refunds(container, w["order"]) == []  # the return's own steps refund


def test_only_the_sellers_answer(container: Container, w: dict[str, Any]) -> None:
    dispute_id = _open(container, w)
    with pytest.raises(NotAllowed):
        disputes.respond(
            container.uow(), container.ctx, actor=w["buyer"], dispute_id=dispute_id, action="accept"
        )
    with pytest.raises(NotFound):
        disputes.respond(
            container.uow(),
            container.ctx,
            actor=w["stranger"],
            dispute_id=dispute_id,
            action="accept",
        )


def test_a_counter_then_the_buyer_accepts_the_sellers_latest(
    container: Container, w: dict[str, Any]
) -> None:
    dispute_id = _open(container, w)
    with pytest.raises(InvalidInput) as full:
        disputes.respond(
            container.uow(),
            container.ctx,
            actor=w["seller"],
            dispute_id=dispute_id,
            action="counter",
            wanted="full_refund",
        )
    assert full.value.key == "dispute.counter_choice"
    d = disputes.respond(
        container.uow(),
        container.ctx,
        actor=w["seller"],
        dispute_id=dispute_id,
        action="counter",
        wanted="partial_refund",
        amount=1000,
        note="The shade is cosmetic",
    )
    assert d.status is DisputeStatus.negotiating
    assert d.due_at == d.escalate_at
    # the seller cannot accept their own proposal; the buyer's opening one is theirs to accept
    disputes.propose(
        container.uow(),
        container.ctx,
        actor=w["seller"],
        dispute_id=dispute_id,
        wanted="partial_refund",
        amount=1200,
    )
    d = disputes.accept_proposal(
        container.uow(), container.ctx, actor=w["buyer"], dispute_id=dispute_id
    )
    assert (d.status, d.resolution) == (DisputeStatus.resolved, Resolution.agreed)
    assert _refunds(container, w["order"]) == [(1200, "dispute", f"dispute:{dispute_id}")]


def test_silence_carries_out_the_buyers_request_after_worker_downtime(
    container: Container, clock: FixedClock, w: dict[str, Any]
) -> None:
    dispute_id = _open(container, w, wanted="partial_refund", amount=2000)
    d = _get(container, dispute_id)
    assert d.respond_by is not None
    clock.set(d.respond_by + timedelta(hours=3))  # the worker was down

    read = _read(container, dispute_id)
    assert (read.status, read.resolution) == (DisputeStatus.resolved, Resolution.seller_silent)
    assert read.resolved_at == d.respond_by
    assert _refunds(container, w["order"]) == [(2000, "dispute", f"dispute:{dispute_id}")]

    with pytest.raises(RuleConflict) as late:
        disputes.respond(
            container.uow(),
            container.ctx,
            actor=w["seller"],
            dispute_id=dispute_id,
            action="accept",
        )
    assert late.value.code == "dispute_respond_by_passed"
    assert late.value.facts["respond_by"] == d.respond_by.isoformat()

    run_worker(container)  # the late firing is a no-op
    assert len(_refunds(container, w["order"])) == 1
    assert len(timeline_of(container, w["order"], "dispute.resolved")) == 1


def test_the_worker_fires_silence_when_no_read_came_first(
    container: Container, clock: FixedClock, w: dict[str, Any]
) -> None:
    dispute_id = _open(container, w)
    d = _get(container, dispute_id)
    assert d.respond_by is not None
    clock.set(d.respond_by + timedelta(minutes=1))
    run_worker(container)
    assert _get(container, dispute_id).resolution is Resolution.seller_silent
    assert _refunds(container, w["order"]) == [(TOTAL, "dispute", f"dispute:{dispute_id}")]


# D4 negotiation and escalation


def test_negotiation_running_out_escalates_by_itself_after_worker_downtime(
    container: Container, clock: FixedClock, w: dict[str, Any]
) -> None:
    dispute_id = _open(container, w)
    disputes.respond(
        container.uow(),
        container.ctx,
        actor=w["seller"],
        dispute_id=dispute_id,
        action="counter",
        wanted="return_and_refund",
    )
    d = _get(container, dispute_id)
    assert d.escalate_at is not None
    clock.set(d.escalate_at + timedelta(days=1))

    read = _read(container, dispute_id)
    assert read.status is DisputeStatus.escalated
    assert (read.escalated_by, read.escalated_at) == ("system", d.escalate_at)
    assert read.sla_due_at == d.escalate_at + timedelta(hours=48)
    assert read.due_at == read.sla_due_at

    with pytest.raises(RuleConflict) as late:
        disputes.accept_proposal(
            container.uow(), container.ctx, actor=w["buyer"], dispute_id=dispute_id
        )
    assert late.value.code == "dispute_escalate_at_passed"
    assert late.value.facts["escalate_at"] == d.escalate_at.isoformat()

    run_worker(container)
    assert len(timeline_of(container, w["order"], "dispute.escalated")) == 1


def test_either_side_escalates_and_support_joins_the_conversation(
    container: Container, w: dict[str, Any]
) -> None:
    dispute_id = _open(container, w)
    order = get_order(container, w["order"])
    with container.uow() as uow:
        assert not support_joined(uow, order)
    d = disputes.escalate(container.uow(), container.ctx, actor=w["seller"], dispute_id=dispute_id)
    assert (d.status, d.escalated_by) == (DisputeStatus.escalated, "seller")
    with container.uow() as uow:
        assert support_joined(uow, order)


def test_accepting_needs_a_proposal_of_the_other_side(
    container: Container, w: dict[str, Any]
) -> None:
    dispute_id = _open(container, w)
    with pytest.raises(RuleConflict) as refused:
        disputes.accept_proposal(
            container.uow(), container.ctx, actor=w["buyer"], dispute_id=dispute_id
        )
    assert refused.value.code == "dispute_no_proposal"


# D5 support


def test_support_assigns_asks_for_information_and_decides_a_partial_refund(
    container: Container, clock: FixedClock, w: dict[str, Any]
) -> None:
    dispute_id = _escalated(container, w)
    with pytest.raises(NotAllowed):
        disputes.assign(container.uow(), container.ctx, actor=w["seller"], dispute_id=dispute_id)
    with pytest.raises(InvalidInput):
        disputes.assign(
            container.uow(),
            container.ctx,
            actor=w["agent"],
            dispute_id=dispute_id,
            assignee_id=w["seller"].user_id,
        )
    d = disputes.assign(container.uow(), container.ctx, actor=w["agent"], dispute_id=dispute_id)
    assert d.assignee_id == w["agent"].user_id

    with pytest.raises(InvalidInput):
        disputes.request_info(
            container.uow(),
            container.ctx,
            actor=w["agent"],
            dispute_id=dispute_id,
            party="seller",
            question="Photos of the lamp before shipping?",
            due_at=clock.now(),
        )
    d = disputes.request_info(
        container.uow(),
        container.ctx,
        actor=w["agent"],
        dispute_id=dispute_id,
        party="seller",
        question="Photos of the lamp before shipping?",
        due_at=clock.now() + timedelta(days=2),
    )
    (request,) = d.info_requests
    with pytest.raises(NotAllowed):
        disputes.answer_info(
            container.uow(),
            container.ctx,
            actor=w["buyer"],
            dispute_id=dispute_id,
            request_id=request.id,
            answer="I am not the seller",
        )
    d = disputes.answer_info(
        container.uow(),
        container.ctx,
        actor=w["seller"],
        dispute_id=dispute_id,
        request_id=request.id,
        answer="None, sorry.",
    )
    assert d.info_requests[0].answer == "None, sorry."

    with pytest.raises(InvalidInput) as no_rationale:
        disputes.decide(
            container.uow(),
            container.ctx,
            actor=w["agent"],
            dispute_id=dispute_id,
            outcome="partial_refund",
            amount=1500,
            rationale="",
        )
    assert no_rationale.value.key == "dispute.rationale_needed"
    d = disputes.decide(
        container.uow(),
        container.ctx,
        actor=w["agent"],
        dispute_id=dispute_id,
        outcome="partial_refund",
        amount=1500,
        rationale="The crack shows on the photo; the lamp works.",
        charged_to_store=True,
    )
    assert d.status is DisputeStatus.decided
    assert d.decision is not None and d.decision.charged_to_store
    assert d.appeal_by == clock.now() + timedelta(days=30)
    assert _refunds(container, w["order"]) == [(1500, "dispute", f"dispute:{dispute_id}")]
    order = get_order(container, w["order"])
    with container.uow() as uow:
        assert uow.orders.settlement(w["order"]).open_cases == 1  # the appeal window runs
        assert support_joined(uow, order)


def test_a_refund_after_return_decision_opens_the_return_with_the_store_address(
    container: Container, w: dict[str, Any]
) -> None:
    dispute_id = _escalated(container, w)
    disputes.decide(
        container.uow(),
        container.ctx,
        actor=w["agent"],
        dispute_id=dispute_id,
        outcome="refund_after_return",
        rationale="Send it back; the seller refunds on receipt.",
    )
    with container.uow() as uow:
        (ret,) = uow.returns.for_order(w["order"])
    assert (ret.status, ret.return_address) == (ReturnStatus.approved, ADDRESS)
    assert _refunds(container, w["order"]) == []


def test_a_full_refund_decision_refunds_everything_still_refundable(
    container: Container, w: dict[str, Any]
) -> None:
    issue_manual_refund(
        container.uow(),
        container.ctx,
        actor=w["agent"],
        order_id=w["order"],
        amount=700,
        reason="goodwill",
        gateway=container.ctx.gateway,
    )
    dispute_id = _escalated(container, w)
    disputes.decide(
        container.uow(),
        container.ctx,
        actor=w["agent"],
        dispute_id=dispute_id,
        outcome="full_refund",
        rationale="Not as described.",
    )
    assert _refunds(container, w["order"])[-1] == (TOTAL - 700, "dispute", f"dispute:{dispute_id}")


# D6 appeal


def _decided(c: Container, w: dict[str, Any], amount: int = 1500) -> int:
    dispute_id = _escalated(c, w)
    disputes.decide(
        c.uow(),
        c.ctx,
        actor=w["agent"],
        dispute_id=dispute_id,
        outcome="partial_refund",
        amount=amount,
        rationale="Half the shade.",
    )
    return dispute_id


def test_an_appeal_is_decided_by_a_different_agent_and_pays_the_difference_only(
    container: Container, w: dict[str, Any]
) -> None:
    dispute_id = _decided(container, w)
    d = disputes.appeal(
        container.uow(),
        container.ctx,
        actor=w["buyer"],
        dispute_id=dispute_id,
        reason="The lamp does not work at all.",
    )
    assert (d.status, d.appealed_by) == (DisputeStatus.appealed, Party.buyer)
    with pytest.raises(RuleConflict) as same:
        disputes.assign(container.uow(), container.ctx, actor=w["agent"], dispute_id=dispute_id)
    assert same.value.code == "dispute_appeal_same_agent"
    with pytest.raises(RuleConflict) as same_decides:
        disputes.decide(
            container.uow(),
            container.ctx,
            actor=w["agent"],
            dispute_id=dispute_id,
            outcome="full_refund",
            rationale="Me again.",
        )
    assert same_decides.value.code == "dispute_appeal_same_agent"
    d = disputes.decide(
        container.uow(),
        container.ctx,
        actor=w["other_agent"],
        dispute_id=dispute_id,
        outcome="partial_refund",
        amount=4000,
        rationale="It does not work: most of the price back.",
    )
    assert (d.status, d.resolution) == (DisputeStatus.resolved, Resolution.appeal_decided)
    assert d.appeal_decision is not None and d.appeal_decision.amount == 4000
    ref = f"dispute:{dispute_id}"
    assert _refunds(container, w["order"]) == [(1500, "dispute", ref), (2500, "dispute", ref)]
    with pytest.raises(RuleConflict):
        disputes.appeal(
            container.uow(),
            container.ctx,
            actor=w["seller"],
            dispute_id=dispute_id,
            reason="Too much",
        )


def test_an_appeal_for_less_takes_nothing_back(container: Container, w: dict[str, Any]) -> None:
    dispute_id = _decided(container, w)
    disputes.appeal(
        container.uow(), container.ctx, actor=w["seller"], dispute_id=dispute_id, reason="No."
    )
    disputes.decide(
        container.uow(),
        container.ctx,
        actor=w["other_agent"],
        dispute_id=dispute_id,
        outcome="no_refund",
        rationale="The photos show no defect.",
    )
    assert _refunds(container, w["order"]) == [(1500, "dispute", f"dispute:{dispute_id}")]


def test_the_appeal_window_passing_resolves_the_decision_for_good(
    container: Container, clock: FixedClock, w: dict[str, Any]
) -> None:
    dispute_id = _decided(container, w)
    d = _get(container, dispute_id)
    assert d.appeal_by is not None
    clock.set(d.appeal_by + timedelta(minutes=1))
    read = _read(container, dispute_id)
    assert (read.status, read.resolution) == (DisputeStatus.resolved, Resolution.decided)
    with pytest.raises(RuleConflict) as late:
        disputes.appeal(
            container.uow(), container.ctx, actor=w["buyer"], dispute_id=dispute_id, reason="x"
        )
    assert late.value.code == "dispute_appeal_by_passed"
    assert late.value.facts["appeal_by"] == d.appeal_by.isoformat()
    run_worker(container)
    assert len(timeline_of(container, w["order"], "dispute.resolved")) == 1
    with container.uow() as uow:
        order = uow.orders.get(w["order"])
        assert order is not None
        assert not support_joined(uow, order)


# D7 withdraw, and support acting for a side


def test_the_buyer_withdraws_before_a_decision_and_may_open_again(
    container: Container, w: dict[str, Any]
) -> None:
    dispute_id = _escalated(container, w)
    with pytest.raises(NotAllowed):
        disputes.withdraw(container.uow(), container.ctx, actor=w["seller"], dispute_id=dispute_id)
    d = disputes.withdraw(container.uow(), container.ctx, actor=w["buyer"], dispute_id=dispute_id)
    assert d.status is DisputeStatus.withdrawn
    with container.read_session() as s:
        assert s.get(m.DisputeRow, dispute_id).open_order_id is None  # type: ignore[union-attr]
    assert _open(container, w) != dispute_id


def test_a_decided_dispute_cannot_be_withdrawn(container: Container, w: dict[str, Any]) -> None:
    dispute_id = _decided(container, w)
    with pytest.raises(RuleConflict) as refused:
        disputes.withdraw(container.uow(), container.ctx, actor=w["buyer"], dispute_id=dispute_id)
    assert refused.value.code == "dispute_not_at_step"


def test_support_acts_for_a_side_only_with_an_audit_note_on_the_timeline(
    container: Container, w: dict[str, Any]
) -> None:
    dispute_id = _open(container, w)
    with pytest.raises(InvalidInput) as no_note:
        disputes.escalate(
            container.uow(),
            container.ctx,
            actor=w["agent"],
            dispute_id=dispute_id,
            on_behalf=Party.buyer,
        )
    assert no_note.value.key == "dispute.audit_note_needed"
    with pytest.raises(NotAllowed):
        disputes.escalate(container.uow(), container.ctx, actor=w["agent"], dispute_id=dispute_id)
    disputes.escalate(
        container.uow(),
        container.ctx,
        actor=w["agent"],
        dispute_id=dispute_id,
        on_behalf=Party.buyer,
        audit_note="The buyer asked by phone.",
    )
    (entry,) = timeline_of(container, w["order"], "dispute.escalated")
    assert entry.data is not None
    assert entry.data["on_behalf_of"] == "buyer"
    assert entry.data["audit_note"] == "The buyer asked by phone."
    assert entry.actor_id == w["agent"].user_id


def test_the_reminders_and_deadlines_are_scheduled(container: Container, w: dict[str, Any]) -> None:
    dispute_id = _open(container, w)
    with container.read_session() as s:
        names = sorted(
            r.payload["name"]
            for r in s.scalars(select(m.OutboxRow).where(m.OutboxRow.kind == "deadline"))
            if r.payload.get("subject_id") == dispute_id
            and str(r.payload.get("name", "")).startswith("dispute.")
        )
    assert names == [
        "dispute.escalate_at",
        "dispute.escalate_reminder",
        "dispute.respond_by",
        "dispute.respond_reminder",
    ]


def test_support_is_no_party(container: Container, w: dict[str, Any]) -> None:
    agent: Actor = w["agent"]
    dispute_id = _open(container, w)
    with pytest.raises(NotAllowed):
        disputes.accept_proposal(container.uow(), container.ctx, actor=agent, dispute_id=dispute_id)


# the read side


def test_the_view_and_support_queue_ordered_by_sla_with_filters(
    container: Container, clock: FixedClock
) -> None:
    first, second, quiet = (_world(container, clock, tag=t) for t in ("1", "2", "3"))
    first_id = _escalated(container, first)
    clock.advance(timedelta(hours=1))
    second_id = _escalated(container, second)
    disputes.assign(container.uow(), container.ctx, actor=second["agent"], dispute_id=second_id)
    _open(container, quiet)  # waits for the seller: not in support's queue
    now = clock.now()
    with container.read_session() as s:
        queue = support_queue(s, now=now)
        assert [v.id for v in queue.items] == [first_id, second_id]
        assert support_queue(s, now=now, assignee_id=second["agent"].user_id).items[0].id == (
            second_id
        )
        assert [v.id for v in support_queue(s, now=now, unassigned=True).items] == [first_id]
        assert [v.id for v in support_queue(s, now=now, store_id=second["store"]).items] == [
            second_id
        ]
        assert support_queue(s, now=now, type="not_received").items == []
        assert support_queue(s, now=now, min_amount=TOTAL + 1).items == []
        # an amount is in one currency: other currencies' orders are not compared with it
        assert len(support_queue(s, now=now, min_amount=TOTAL, currency="EUR").items) == 2
        assert support_queue(s, now=now, min_amount=TOTAL, currency="USD").items == []
        assert [v.id for v in support_queue(s, now=now, min_age=timedelta(minutes=30)).items] == [
            first_id
        ]
        assert len(support_queue(s, now=now, status="open").items) == 3
        page = support_queue(s, now=now, limit=1)
        assert page.next_cursor == 1
        assert support_queue(s, now=now, limit=1, cursor=1).items[0].id == second_id
        view = dispute_view(s, first_id)
        assert view is not None
        assert (view.currency, view.status, view.buyer_name) == (
            "EUR",
            DisputeStatus.escalated,
            "Rhea",
        )
        assert [v.id for v in disputes_of_order(s, first["order"])] == [first_id]
        assert overdue_count(s, now + timedelta(hours=49)) == 2


def test_the_view_sums_what_the_dispute_refunded(container: Container, w: dict[str, Any]) -> None:
    dispute_id = _decided(container, w, amount=1500)
    with container.read_session() as s:
        view = dispute_view(s, dispute_id)
    assert view is not None
    assert view.refunded == 1500 and len(view.refund_ids) == 1
    assert view.decision is not None
    assert view.agents[view.decision.decided_by_id]


# the guide


def _guide(c: Container, actor: Actor, order_id: int) -> dict[tuple[str, Any], Any]:
    found = order_options(c.uow(), c.ctx, actor, order_id)
    return {(str(o.option.path), o.option.facts.get("type")): o.option for o in found.options}


def test_the_guide_names_the_rejected_cancellation_a_dispute_would_be_about(
    container: Container, clock: FixedClock
) -> None:
    w, cancellation_id = _rejected_cancellation(container, clock)
    option = _guide(container, w["buyer"], w["order"])[("open_dispute", "cancellation_refused")]
    assert option.open
    assert option.facts["cancellation_id"] == cancellation_id
    _open(container, w, type="cancellation_refused", cancellation_id=cancellation_id)
    after = _guide(container, w["buyer"], w["order"])
    assert after[("open_dispute", "cancellation_refused")].blocker == "dispute_already_open"
    assert after[("withdraw_dispute", None)].open


def test_the_guide_shows_a_passed_respond_by_with_no_worker(
    container: Container, clock: FixedClock, w: dict[str, Any]
) -> None:
    dispute_id = _open(container, w)
    respond_by = _get(container, dispute_id).respond_by
    assert respond_by is not None
    clock.set(respond_by + timedelta(minutes=1))
    seller = _guide(container, w["seller"], w["order"])
    assert (
        seller.get(("respond_dispute", None)) is None
    )  # resolved: no dispute going, no steps left
    assert _get(container, dispute_id).resolution is Resolution.seller_silent


# §2 closed, reminders and information due


def test_the_order_closes_only_once_the_dispute_and_its_refund_are_settled(
    container: Container, clock: FixedClock, w: dict[str, Any]
) -> None:
    sandbox = container.gateways["sandbox"]
    assert isinstance(sandbox, SandboxGateway)
    sandbox.configure(SandboxSettings(settle_seconds=60))
    ends = get_order(container, w["order"]).deadlines.protection_ends_at
    assert ends is not None
    clock.set(ends - timedelta(days=1))
    dispute_id = _decided(container, w)
    for _ in range(4):
        run_worker(container)
        clock.advance(timedelta(hours=1))
    with container.read_session() as s:
        assert [r.status for r in s.query(m.RefundRow).filter_by(order_id=w["order"])] == [
            "succeeded"
        ]
    clock.set(ends + timedelta(minutes=1))
    settle_due(container.uow(), container.ctx, order_id=w["order"])
    assert stored_status(container, w["order"]) == "completed"  # the appeal window runs
    d = _get(container, dispute_id)
    assert d.appeal_by is not None
    clock.set(d.appeal_by)
    settle_due(container.uow(), container.ctx, order_id=w["order"])
    assert _get(container, dispute_id).resolution is Resolution.decided
    assert stored_status(container, w["order"]) == "closed"


def test_a_decided_dispute_in_its_appeal_window_keeps_a_completed_order_open(
    container: Container, clock: FixedClock, w: dict[str, Any]
) -> None:
    dispute_id = _escalated(container, w)
    ends = get_order(container, w["order"]).deadlines.protection_ends_at
    assert ends is not None
    clock.set(ends - timedelta(days=1))
    disputes.decide(
        container.uow(),
        container.ctx,
        actor=w["agent"],
        dispute_id=dispute_id,
        outcome="no_refund",
        rationale="No defect shows.",
    )
    clock.set(ends + timedelta(minutes=1))
    settle_due(container.uow(), container.ctx, order_id=w["order"])
    assert stored_status(container, w["order"]) == "completed"


def test_reminders_fire_before_a_deadline_and_not_after_it_was_answered(
    container: Container, clock: FixedClock, w: dict[str, Any]
) -> None:
    dispute_id = _open(container, w)
    d = _get(container, dispute_id)
    assert d.respond_by is not None and d.escalate_at is not None
    clock.set(d.respond_by - timedelta(hours=24))
    assert disputes.respond_reminder(container.uow(), container.ctx, dispute_id=dispute_id)
    assert disputes.escalate_reminder(container.uow(), container.ctx, dispute_id=dispute_id)
    disputes.respond(
        container.uow(),
        container.ctx,
        actor=w["seller"],
        dispute_id=dispute_id,
        action="counter",
        wanted="partial_refund",
        amount=500,
    )
    assert not disputes.respond_reminder(container.uow(), container.ctx, dispute_id=dispute_id)
    clock.set(d.escalate_at)
    assert not disputes.escalate_reminder(container.uow(), container.ctx, dispute_id=dispute_id)


def test_information_due_passes_unanswered_and_support_is_told_once(
    container: Container, clock: FixedClock, w: dict[str, Any]
) -> None:
    dispute_id = _escalated(container, w)
    due = clock.now() + timedelta(days=2)
    d = disputes.request_info(
        container.uow(),
        container.ctx,
        actor=w["agent"],
        dispute_id=dispute_id,
        party="buyer",
        question="A photo of the crack?",
        due_at=due,
    )
    (request,) = d.info_requests
    clock.set(due - timedelta(hours=24))
    assert disputes.info_reminder(container.uow(), container.ctx, request_id=request.id)
    assert not disputes.info_due_passed(container.uow(), container.ctx, request_id=request.id)
    clock.set(due)
    with pytest.raises(RuleConflict) as late:
        disputes.answer_info(
            container.uow(),
            container.ctx,
            actor=w["buyer"],
            dispute_id=dispute_id,
            request_id=request.id,
            answer="Here",
        )
    assert late.value.facts["due_at"] == due.isoformat()
    assert disputes.info_due_passed(container.uow(), container.ctx, request_id=request.id)
    assert not disputes.info_reminder(container.uow(), container.ctx, request_id=request.id)
    run_worker(container)  # the worker's firing of info_due and its reminder
    assert _get(container, dispute_id).status is DisputeStatus.escalated
