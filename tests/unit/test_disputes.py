"""§5 disputes' rules (D1-D7) as pure values: the transition table both ways, each type's
opening window at the last second with the dates a refusal carries, one open dispute per
order, what proposals and decisions must say, who acts, what a late action is told, the
deadlines' arithmetic, what a passed deadline decides, and the money carrying out moves."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from recourse.domain.dispute_opening import (
    Subject,
    asked_on_problem,
    check_none_open,
    check_not_disputed_before,
    check_subject_named,
    check_window,
    undelivered_units,
    window_of,
)
from recourse.domain.dispute_paths import dispute_paths
from recourse.domain.dispute_rules import (
    appeal_by_from,
    appeal_refund,
    check_agent,
    check_appeal,
    check_buyer,
    check_decision,
    check_info_answer,
    check_info_request,
    check_party,
    check_seller,
    check_step,
    check_support,
    check_text,
    check_wanted,
    escalate_at_from,
    proposal_to_accept,
    refund_for,
    respond_by_from,
    sla_due_from,
)
from recourse.domain.disputes import (
    DISPUTE_TRANSITIONS,
    OPEN_STATUSES,
    Decision,
    Dispute,
    DisputeStatus,
    DisputeType,
    InfoRequest,
    Outcome,
    Party,
    Proposal,
    Resolution,
    Wanted,
    dispute_due_now,
    dispute_transition,
    due_at_of,
)
from recourse.domain.errors import IllegalTransition, InvalidInput, NotAllowed, RuleConflict
from recourse.domain.options import Option, Situation
from recourse.domain.order import Deadlines, Order
from recourse.domain.policy import PlatformPolicy, StorePolicy
from recourse.domain.roles import Actor, Role
from tests.unit.builders import T0, a_line, an_order, paid

P = PlatformPolicy()
SHIPPED = T0 + timedelta(days=1)
DELIVERED = T0 + timedelta(days=3)
ENDS = DELIVERED + timedelta(days=60)
BUYER = Actor(Role.buyer, user_id=10)
SELLER = Actor(Role.seller, user_id=30, store_ids=frozenset({20}))
AGENT = Actor(Role.support, user_id=40)
SECOND = timedelta(seconds=1)


def _order(*, delivered: int = 2, shipped: int = 2, receipt: datetime | None = None) -> Order:
    return paid(
        an_order(
            lines=[a_line(shipped=shipped, delivered=delivered)],
            first_shipped_at=SHIPPED if shipped else None,
            deadlines=Deadlines(protection_ends_at=ENDS if shipped else None),
            receipt_confirmed_at=receipt,
        )
    )


def _dispute(status: DisputeStatus = DisputeStatus.awaiting_seller, **kw: object) -> Dispute:
    base = Dispute(
        id=7,
        order_id=1,
        store_id=20,
        type=DisputeType.not_as_described,
        status=status,
        wanted=Wanted.full_refund,
        amount=None,
        description="Cracked",
        opened_by_id=10,
        opened_at=DELIVERED,
        respond_by=respond_by_from(DELIVERED, P),
        escalate_at=escalate_at_from(DELIVERED, P),
        proposals=(Proposal(1, Party.buyer, Wanted.full_refund, None, None, DELIVERED),),
    )
    return replace(base, **kw)  # type: ignore[arg-type]


# the transition table


@pytest.mark.parametrize("current", list(DisputeStatus))
@pytest.mark.parametrize("target", list(DisputeStatus))
def test_the_transition_table_both_ways(current: DisputeStatus, target: DisputeStatus) -> None:
    if target in DISPUTE_TRANSITIONS[current]:
        assert dispute_transition(current, target) is target
    else:
        with pytest.raises(IllegalTransition) as refused:
            dispute_transition(current, target)
        assert refused.value.key == "illegal_transition.dispute"


def test_decided_is_not_open_but_withdrawn_and_resolved_are_final() -> None:
    assert DisputeStatus.decided not in OPEN_STATUSES
    assert not DISPUTE_TRANSITIONS[DisputeStatus.resolved]
    assert not DISPUTE_TRANSITIONS[DisputeStatus.withdrawn]
    assert DisputeStatus.withdrawn not in DISPUTE_TRANSITIONS[DisputeStatus.decided]  # D7


# D1 windows


def test_not_received_opens_after_not_received_after_days_until_protection_ends() -> None:
    order = _order(delivered=1)
    w = window_of(DisputeType.not_received, order, P, delivered_at=DELIVERED, subject=None)
    assert (w.opens_at, w.closes_at) == (SHIPPED + timedelta(days=30), ENDS)
    with pytest.raises(RuleConflict) as early:
        check_window(w, w.opens_at - SECOND)
    assert early.value.code == "dispute_window_not_open"
    assert early.value.facts["opens_at"] == w.opens_at.isoformat()
    check_window(w, w.opens_at)
    check_window(w, ENDS - SECOND)
    with pytest.raises(RuleConflict) as late:
        check_window(w, ENDS)
    assert late.value.code == "dispute_window_closed"
    assert late.value.facts["closes_at"] == ENDS.isoformat()


def test_not_received_needs_something_shipped_and_undelivered() -> None:
    with pytest.raises(RuleConflict) as none:
        window_of(
            DisputeType.not_received,
            _order(shipped=0, delivered=0),
            P,
            delivered_at=None,
            subject=None,
        )
    assert none.value.code == "dispute_nothing_shipped"
    with pytest.raises(RuleConflict) as all_there:
        window_of(DisputeType.not_received, _order(), P, delivered_at=DELIVERED, subject=None)
    assert all_there.value.code == "dispute_all_delivered"
    refused_parcel = an_order(lines=[a_line(shipped=2, delivered=0, returned=2)])
    assert undelivered_units(refused_parcel) == 0


def test_not_as_described_from_delivery_until_completion_plus_days() -> None:
    w = window_of(DisputeType.not_as_described, _order(), P, delivered_at=DELIVERED, subject=None)
    assert (w.opens_at, w.closes_at) == (DELIVERED, ENDS + timedelta(days=15))
    confirmed = DELIVERED + timedelta(days=2)
    early = window_of(
        DisputeType.not_as_described,
        _order(receipt=confirmed),
        P,
        delivered_at=DELIVERED,
        subject=None,
    )
    assert early.closes_at == confirmed + timedelta(days=15)
    with pytest.raises(RuleConflict) as nothing:
        window_of(
            DisputeType.not_as_described,
            _order(delivered=0),
            P,
            delivered_at=None,
            subject=None,
        )
    assert nothing.value.code == "dispute_nothing_delivered"


def test_cancellation_refused_until_protection_ends_or_the_escalation_window() -> None:
    rejected = T0 + timedelta(hours=3)
    shipped = window_of(
        DisputeType.cancellation_refused,
        _order(),
        P,
        delivered_at=None,
        subject=Subject(5, refused_at=rejected),
    )
    assert (shipped.opens_at, shipped.closes_at) == (rejected, ENDS)
    unshipped = window_of(
        DisputeType.cancellation_refused,
        _order(shipped=0, delivered=0),
        replace(P, escalation_window_days=10),
        delivered_at=None,
        subject=Subject(5, refused_at=rejected),
    )
    assert unshipped.closes_at == rejected + timedelta(days=10)
    with pytest.raises(RuleConflict) as not_rejected:
        window_of(
            DisputeType.cancellation_refused,
            _order(),
            P,
            delivered_at=None,
            subject=Subject(5),
        )
    assert not_rejected.value.code == "dispute_cancellation_not_rejected"


def test_return_refused_until_protection_end_plus_days() -> None:
    declined = DELIVERED + timedelta(days=4)
    w = window_of(
        DisputeType.return_refused,
        _order(),
        P,
        delivered_at=DELIVERED,
        subject=Subject(3, refused_at=declined),
    )
    assert (w.opens_at, w.closes_at) == (declined, ENDS + timedelta(days=15))
    with pytest.raises(RuleConflict) as open_return:
        window_of(
            DisputeType.return_refused,
            _order(),
            P,
            delivered_at=DELIVERED,
            subject=Subject(3),
        )
    assert open_return.value.code == "dispute_return_not_refused"


def test_refund_not_received_from_the_day_after_the_latest_expected_day() -> None:
    w = window_of(
        DisputeType.refund_not_received,
        _order(),
        P,
        delivered_at=DELIVERED,
        subject=Subject(9, expected_latest=date(2026, 3, 20)),
    )
    assert w.opens_at == datetime(2026, 3, 21, tzinfo=UTC) and w.closes_at is None
    with pytest.raises(RuleConflict) as arrived:
        window_of(
            DisputeType.refund_not_received,
            _order(),
            P,
            delivered_at=DELIVERED,
            subject=Subject(9, expected_latest=date(2026, 3, 20), succeeded=True),
        )
    assert arrived.value.code == "dispute_refund_arrived"


def test_the_types_about_one_case_name_it_and_only_it() -> None:
    assert check_subject_named(DisputeType.not_received) is None
    assert check_subject_named(DisputeType.return_refused, return_id=4) == 4
    with pytest.raises(InvalidInput) as missing:
        check_subject_named(DisputeType.refund_not_received, refund_id=None)
    assert missing.value.field == "refund_id"
    with pytest.raises(InvalidInput) as wrong:
        check_subject_named(DisputeType.not_as_described, cancellation_id=2)
    assert wrong.value.key == "dispute.subject_not_for_type"


# D2 one open per order


def test_one_open_dispute_per_order_and_a_settled_cause_stays_settled() -> None:
    with pytest.raises(RuleConflict) as refused:
        check_none_open([_dispute(DisputeStatus.negotiating)])
    assert refused.value.facts["dispute_id"] == 7
    check_none_open([_dispute(DisputeStatus.decided), _dispute(DisputeStatus.withdrawn)])
    with pytest.raises(RuleConflict):
        check_not_disputed_before(
            [_dispute(DisputeStatus.resolved)], DisputeType.not_as_described, None
        )
    check_not_disputed_before(
        [_dispute(DisputeStatus.withdrawn)], DisputeType.not_as_described, None
    )
    check_not_disputed_before([_dispute(DisputeStatus.resolved)], DisputeType.not_received, None)


# D2-D5 what must be said


def test_proposals_name_an_amount_only_for_a_partial_refund_within_what_is_refundable() -> None:
    kw = {"refundable": 3000, "currency": "EUR", "returnable_units": 2}
    assert check_wanted(Wanted.partial_refund, 3000, party=Party.buyer, **kw) == 3000  # type: ignore[arg-type]
    assert check_wanted(Wanted.full_refund, None, party=Party.buyer, **kw) is None  # type: ignore[arg-type]
    with pytest.raises(RuleConflict) as too_much:
        check_wanted(Wanted.partial_refund, 3001, party=Party.buyer, **kw)  # type: ignore[arg-type]
    assert too_much.value.facts == {"requested": 3001, "refundable": 3000, "currency": "EUR"}
    with pytest.raises(InvalidInput):
        check_wanted(Wanted.partial_refund, 0, party=Party.buyer, **kw)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        check_wanted(Wanted.return_and_refund, 10, party=Party.buyer, **kw)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput) as seller_full:
        check_wanted(Wanted.full_refund, None, party=Party.seller, **kw)  # type: ignore[arg-type]
    assert seller_full.value.key == "dispute.counter_choice"
    with pytest.raises(RuleConflict) as nothing_back:
        check_wanted(
            Wanted.return_and_refund,
            None,
            party=Party.seller,
            refundable=3000,
            currency="EUR",
            returnable_units=0,
        )
    assert nothing_back.value.code == "dispute_nothing_to_return"


def test_decisions_amount_rules_and_charging_the_store() -> None:
    kw = {"refundable": 3000, "currency": "EUR", "returnable_units": 1}
    assert (
        check_decision(Outcome.partial_refund, 100, charged_to_store=True, **kw) == 100  # type: ignore[arg-type]
    )
    with pytest.raises(InvalidInput):
        check_decision(Outcome.partial_refund, None, charged_to_store=False, **kw)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        check_decision(Outcome.full_refund, 100, charged_to_store=False, **kw)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput) as charged:
        check_decision(Outcome.no_refund, None, charged_to_store=True, **kw)  # type: ignore[arg-type]
    assert charged.value.field == "charged_to_store"
    with pytest.raises(RuleConflict):
        check_decision(
            Outcome.refund_after_return,
            None,
            charged_to_store=False,
            refundable=3000,
            currency="EUR",
            returnable_units=0,
        )


def test_texts_are_said_and_kept_short() -> None:
    assert check_text("rationale", "  Because  ", needed="dispute.rationale_needed", maximum=9)
    with pytest.raises(InvalidInput) as empty:
        check_text("rationale", " ", needed="dispute.rationale_needed", maximum=9)
    assert empty.value.key == "dispute.rationale_needed"
    with pytest.raises(InvalidInput) as long:
        check_text("rationale", "x" * 10, needed="dispute.rationale_needed", maximum=9)
    assert long.value.facts["max"] == 9


# who acts


def test_who_acts() -> None:
    order = an_order()
    assert check_party(BUYER, order) is Party.buyer
    assert check_party(SELLER, order) is Party.seller
    with pytest.raises(NotAllowed):
        check_party(AGENT, order)
    with pytest.raises(NotAllowed):
        check_buyer(SELLER, order)
    with pytest.raises(NotAllowed):
        check_seller(BUYER, order)
    with pytest.raises(NotAllowed):
        check_support(BUYER)
    check_support(AGENT)
    with pytest.raises(NotAllowed):
        check_support(Actor(Role.operator))


# D3/D4 accepting, and late actions


def test_a_side_accepts_the_others_latest_proposal() -> None:
    d = _dispute(
        DisputeStatus.negotiating,
        proposals=(
            Proposal(1, Party.buyer, Wanted.full_refund, None, None, DELIVERED),
            Proposal(2, Party.seller, Wanted.partial_refund, 500, None, DELIVERED),
            Proposal(3, Party.seller, Wanted.partial_refund, 800, None, DELIVERED),
        ),
    )
    assert proposal_to_accept(d, Party.buyer).id == 3
    assert proposal_to_accept(d, Party.seller).id == 1
    with pytest.raises(RuleConflict) as none:
        proposal_to_accept(_dispute(), Party.buyer)
    assert none.value.code == "dispute_no_proposal"


def test_a_late_action_is_told_the_deadline_that_moved_the_dispute_on() -> None:
    answerable = frozenset({DisputeStatus.awaiting_seller})
    silent = _dispute(DisputeStatus.resolved, resolution=Resolution.seller_silent)
    with pytest.raises(RuleConflict) as respond:
        check_step(silent, answerable)
    assert respond.value.code == "dispute_respond_by_passed"
    assert respond.value.facts["respond_by"] == silent.respond_by.isoformat()  # type: ignore[union-attr]
    escalated = _dispute(DisputeStatus.escalated, escalated_by="system")
    with pytest.raises(RuleConflict) as negotiate:
        check_step(escalated, frozenset({DisputeStatus.negotiating}))
    assert negotiate.value.code == "dispute_escalate_at_passed"
    by_buyer = _dispute(DisputeStatus.escalated, escalated_by="buyer")
    with pytest.raises(RuleConflict) as other:
        check_step(by_buyer, frozenset({DisputeStatus.negotiating}))
    assert other.value.code == "dispute_not_at_step"


# D5/D6 support


def test_information_requests() -> None:
    assert check_info_request("seller", DELIVERED + SECOND, DELIVERED) is Party.seller
    with pytest.raises(InvalidInput):
        check_info_request("support", DELIVERED + SECOND, DELIVERED)
    with pytest.raises(InvalidInput) as past:
        check_info_request("buyer", DELIVERED, DELIVERED)
    assert past.value.key == "dispute.info_due_past"
    r = InfoRequest(1, Party.seller, "Photos?", DELIVERED + timedelta(days=1), 40, DELIVERED)
    check_info_answer(r, Party.seller, r.due_at - SECOND)
    with pytest.raises(NotAllowed):
        check_info_answer(r, Party.buyer, DELIVERED)
    with pytest.raises(RuleConflict) as late:
        check_info_answer(r, Party.seller, r.due_at)
    assert late.value.facts["due_at"] == r.due_at.isoformat()
    with pytest.raises(RuleConflict):
        check_info_answer(replace(r, answered_at=DELIVERED), Party.seller, DELIVERED)


def _decided(at: datetime = DELIVERED) -> Dispute:
    decision = Decision(Outcome.partial_refund, 500, "Half", 40, at)
    return _dispute(DisputeStatus.decided, decision=decision, appeal_by=appeal_by_from(at, P))


def test_one_appeal_before_appeal_by_decided_by_another_agent() -> None:
    d = _decided()
    assert d.appeal_by == DELIVERED + timedelta(days=30)
    check_appeal(d, d.appeal_by - SECOND)
    with pytest.raises(RuleConflict) as late:
        check_appeal(d, d.appeal_by)
    assert late.value.code == "dispute_appeal_by_passed"
    with pytest.raises(RuleConflict) as twice:
        check_appeal(replace(d, status=DisputeStatus.appealed), DELIVERED)
    assert twice.value.code == "dispute_not_at_step"
    appealed = replace(d, status=DisputeStatus.appealed)
    with pytest.raises(RuleConflict) as same:
        check_agent(appealed, 40)
    assert same.value.code == "dispute_appeal_same_agent"
    check_agent(appealed, 41)
    check_agent(replace(d, status=DisputeStatus.escalated), 40)


# deadlines


def test_the_deadline_each_step_waits_for() -> None:
    d = _dispute()
    assert due_at_of(d) == DELIVERED + timedelta(days=5)
    assert due_at_of(replace(d, status=DisputeStatus.negotiating)) == DELIVERED + timedelta(days=7)
    sla = sla_due_from(DELIVERED, P)
    assert sla == DELIVERED + timedelta(hours=48)
    assert due_at_of(replace(d, status=DisputeStatus.escalated, sla_due_at=sla)) == sla
    assert due_at_of(_decided()) == DELIVERED + timedelta(days=30)
    assert due_at_of(replace(d, status=DisputeStatus.resolved)) is None


def test_what_a_passed_deadline_decides() -> None:
    d = _dispute()
    assert dispute_due_now(d, d.respond_by - SECOND) is None  # type: ignore[operator, arg-type]
    due = dispute_due_now(d, d.respond_by)  # type: ignore[arg-type]
    assert due is not None and (due.name, due.at) == ("dispute.respond_by", d.respond_by)
    negotiating = replace(d, status=DisputeStatus.negotiating)
    assert dispute_due_now(negotiating, d.respond_by) is None  # type: ignore[arg-type]
    due = dispute_due_now(negotiating, d.escalate_at)  # type: ignore[arg-type]
    assert due is not None and due.name == "dispute.escalate_at"
    decided = _decided()
    due = dispute_due_now(decided, decided.appeal_by)  # type: ignore[arg-type]
    assert due is not None and due.name == "dispute.appeal_by"
    # support's SLA orders the queue and decides nothing
    escalated = replace(d, status=DisputeStatus.escalated, sla_due_at=DELIVERED)
    assert dispute_due_now(escalated, DELIVERED + timedelta(days=90)) is None


# money


def test_what_carrying_out_refunds() -> None:
    assert refund_for(Wanted.full_refund, None, 4200) == 4200
    assert refund_for(Outcome.full_refund, None, 0) == 0
    assert refund_for(Wanted.partial_refund, 500, 4200) == 500
    assert refund_for(Outcome.partial_refund, 5000, 4200) == 4200
    assert refund_for(Wanted.return_and_refund, None, 4200) == 0
    assert refund_for(Outcome.no_refund, None, 4200) == 0


def test_an_appeal_pays_the_difference_and_never_takes_back() -> None:
    assert appeal_refund(Outcome.partial_refund, 4000, refundable=5700, refunded=1500) == 2500
    assert appeal_refund(Outcome.partial_refund, 1000, refundable=5700, refunded=1500) == 0
    assert appeal_refund(Outcome.no_refund, None, refundable=5700, refunded=1500) == 0
    assert appeal_refund(Outcome.full_refund, None, refundable=5700, refunded=1500) == 5700
    assert appeal_refund(Outcome.partial_refund, 9000, refundable=100, refunded=0) == 100


# H1: the guide's dispute paths


def _situation(viewer: Actor, *disputes: Dispute, now: datetime = DELIVERED) -> Situation:
    return Situation(
        order=_order(),
        viewer=viewer,
        now=now,
        policy=StorePolicy(),
        platform=P,
        delivered_at=DELIVERED,
        disputes=disputes,
    )


def _paths(situation: Situation) -> dict[tuple[str, str | None], Option]:
    return {(str(o.path), o.facts.get("type")): o for o in dispute_paths(situation)}


def test_the_buyer_sees_one_open_dispute_option_per_type_with_its_window() -> None:
    found = _paths(_situation(BUYER))
    described = found[("open_dispute", "not_as_described")]
    assert described.open and described.closes_at == ENDS + timedelta(days=15)
    assert described.help == "opening-a-dispute"
    received = found[("open_dispute", "not_received")]
    assert (received.open, received.blocker) == (False, "dispute_all_delivered")
    refused = found[("open_dispute", "cancellation_refused")]
    assert (refused.blocker, refused.facts["cancellation_id"]) == (
        "dispute_cancellation_not_rejected",
        None,
    )
    assert len([k for k in found if k[0] == "open_dispute"]) == len(DisputeType)


def test_a_closed_window_carries_its_dates_and_when_it_opens() -> None:
    order = _order(delivered=1)
    situation = replace(_situation(BUYER), order=order)
    received = _paths(situation)[("open_dispute", "not_received")]
    assert received.blocker == "dispute_window_not_open"
    assert received.opens_at == SHIPPED + timedelta(days=30)


def test_with_a_dispute_going_the_sides_see_their_steps() -> None:
    d = _dispute()
    buyer = {
        str(o.path): o for o in dispute_paths(_situation(BUYER, d)) if o.path != "open_dispute"
    }
    assert {p: o.open for p, o in buyer.items()} == {
        "accept_proposal": False,
        "escalate": True,
        "withdraw_dispute": True,
    }
    assert buyer["accept_proposal"].blocker == "dispute_no_proposal"
    opening = [o for o in dispute_paths(_situation(BUYER, d)) if o.path == "open_dispute"]
    assert {o.blocker for o in opening} == {"dispute_already_open"}
    seller = {str(o.path): o for o in dispute_paths(_situation(SELLER, d))}
    assert seller["respond_dispute"].open and seller["respond_dispute"].closes_at == d.respond_by
    assert seller["accept_proposal"].open and seller["accept_proposal"].facts["proposal_id"] == 1
    assert "open_dispute" not in seller
    support = dispute_paths(_situation(AGENT, d))
    assert [(str(o.path), o.open, o.blocker) for o in support] == [
        ("decide_dispute", False, "dispute_not_at_step")
    ]
    assert dispute_paths(_situation(Actor(Role.buyer, user_id=99), d)) == []


def test_a_decided_dispute_offers_the_appeal_until_appeal_by() -> None:
    d = _decided()
    appeal = {str(o.path): o for o in dispute_paths(_situation(SELLER, d))}["appeal"]
    assert appeal.open and appeal.closes_at == d.appeal_by and appeal.help == "appealing-a-decision"
    assert d.appeal_by is not None
    late = {str(o.path): o for o in dispute_paths(_situation(BUYER, d, now=d.appeal_by))}
    assert late["appeal"].blocker == "dispute_appeal_by_passed"
    escalated = replace(_dispute(), status=DisputeStatus.escalated, sla_due_at=DELIVERED)
    (decide,) = dispute_paths(_situation(AGENT, escalated))
    assert decide.open and decide.closes_at == DELIVERED


# R4: a dispute opened on a problem with a returned item


@pytest.mark.parametrize(
    ("refund", "refundable", "expected"),
    [
        (6560, 6560, (Wanted.full_refund, None)),
        (7000, 6560, (Wanted.full_refund, None)),
        (6559, 6560, (Wanted.partial_refund, 6559)),
        (1, 6560, (Wanted.partial_refund, 1)),
        (0, 6560, None),
        (6560, 0, None),
    ],
)
def test_a_problem_on_receipt_asks_for_the_returns_refund_against_what_is_left(
    refund: int, refundable: int, expected: object
) -> None:
    assert asked_on_problem(refund, refundable) == expected


def test_only_a_dispute_sent_to_support_by_the_system_as_it_opened_is_one_on_a_problem() -> None:
    later = DELIVERED + timedelta(days=3)
    on_problem = _dispute(DisputeStatus.escalated, escalated_by="system", escalated_at=DELIVERED)
    assert on_problem.opened_on_problem
    assert not _dispute().opened_on_problem
    assert not _dispute(
        DisputeStatus.escalated, escalated_by="system", escalated_at=later
    ).opened_on_problem
    assert not _dispute(
        DisputeStatus.escalated, escalated_by="buyer", escalated_at=DELIVERED
    ).opened_on_problem
