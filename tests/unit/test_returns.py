"""§4 returns as pure rules: the transition table, R1 eligibility with the dates its refusals
carry, the deadlines (business days of the buyer's calendar, ship-by, the step's `due_at`),
what a passed deadline decides, a late action told its deadline, and R5's amounts pinned
across store policies."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from recourse.domain.errors import IllegalTransition, InvalidInput, NotAllowed, RuleConflict
from recourse.domain.order import Deadlines, Order
from recourse.domain.policy import PlatformPolicy, StorePolicy
from recourse.domain.reasons import DEFAULT_REASONS, Fault, Reason
from recourse.domain.refund import RefundedSoFar, return_of, return_ref
from recourse.domain.return_rules import (
    business_deadline,
    check_eligibility,
    check_lines,
    check_offer,
    check_step,
    quote_buyer_return,
    returnable_units,
    ship_by_from,
    window_ends_at,
)
from recourse.domain.returns import (
    FINAL_STATUSES,
    RETURN_TRANSITIONS,
    OfferStatus,
    ReasonCategory,
    Return,
    ReturnKind,
    ReturnLine,
    ReturnStatus,
    category_of,
    check_buyer,
    check_seller,
    due_at_of,
    return_due,
    return_transition,
)
from recourse.domain.roles import Actor, Role
from tests.unit.builders import T0, a_line, an_order, paid

DELIVERED = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
REASONS = {r.code: r for r in DEFAULT_REASONS}


def _order(**kw: Any) -> Order:
    lines = [
        a_line(id=1, unit_price=2500, quantity=2, tax=500, shipped=2, delivered=2),
        a_line(id=2, unit_price=1000, quantity=1, tax=200, shipped=1, delivered=1),
    ]
    return paid(
        an_order(
            lines=lines,
            shipping_fee=500,
            deadlines=Deadlines(protection_ends_at=DELIVERED + timedelta(days=59)),
            **kw,
        )
    )


ORDER = _order()


def a_return(status: ReturnStatus = ReturnStatus.requested, **kw: Any) -> Return:
    base = Return(
        id=7,
        order_id=1,
        store_id=20,
        kind=ReturnKind.buyer_return,
        status=status,
        lines=(ReturnLine(1, 1),),
        created_at=DELIVERED,
        requested_by_role="buyer",
        requested_by_id=10,
        reason="no_longer_needed",
        category=ReasonCategory.remorse,
        fault=Fault.buyer,
    )
    return replace(base, **kw)


# The transition table


@pytest.mark.parametrize(
    ("current", "target"),
    [(c, t) for c, targets in RETURN_TRANSITIONS.items() for t in targets],
)
def test_every_allowed_move(current: ReturnStatus, target: ReturnStatus) -> None:
    assert return_transition(current, target) is target


@pytest.mark.parametrize(
    ("current", "target"),
    [(c, t) for c in ReturnStatus for t in ReturnStatus if t not in RETURN_TRANSITIONS[c]],
)
def test_every_other_move_is_refused(current: ReturnStatus, target: ReturnStatus) -> None:
    with pytest.raises(IllegalTransition) as refused:
        return_transition(current, target)
    assert refused.value.key == "illegal_transition.return"


def test_final_statuses_go_nowhere() -> None:
    assert all(not RETURN_TRANSITIONS[s] for s in FINAL_STATUSES)


# R1: the reason catalogue's return reasons and their categories


def test_return_reasons_and_their_categories() -> None:
    returnable = {r.code: category_of(r) for r in DEFAULT_REASONS if r.for_return}
    assert returnable == {
        "ordered_by_mistake": ReasonCategory.remorse,
        "no_longer_needed": ReasonCategory.remorse,
        "wrong_size": ReasonCategory.remorse,
        "found_better_price": ReasonCategory.remorse,
        "not_as_described": ReasonCategory.not_as_described,
        "damaged": ReasonCategory.not_as_described,
        "defective": ReasonCategory.not_as_described,
        "wrong_item": ReasonCategory.not_as_described,
        "missing_parts": ReasonCategory.not_as_described,
        "counterfeit": ReasonCategory.not_as_described,
    }
    assert all(
        r.fault is (Fault.buyer if category_of(r) is ReasonCategory.remorse else Fault.seller)
        for r in DEFAULT_REASONS
        if r.for_return
    )
    # cancellation forms keep their own list: only `ordered_by_mistake` serves both
    both = {r.code for r in DEFAULT_REASONS if r.for_return and r.for_cancellation}
    assert both == {"ordered_by_mistake"}


# R1: eligibility


def _check(
    reason: str, now: datetime, *, policy: StorePolicy | None = None, **kw: Any
) -> ReasonCategory:
    return check_eligibility(
        kw.pop("order", ORDER),
        reason=REASONS[reason],
        policy=policy or StorePolicy(),
        delivered_at=kw.pop("delivered_at", DELIVERED),
        returns=kw.pop("returns", ()),
        now=now,
    )


def test_remorse_until_the_last_second_of_the_window() -> None:
    ends = window_ends_at(DELIVERED, StorePolicy(return_window_days=14))
    assert ends == DELIVERED + timedelta(days=14)
    policy = StorePolicy(return_window_days=14)
    assert (
        _check("wrong_size", ends - timedelta(seconds=1), policy=policy) is ReasonCategory.remorse
    )
    with pytest.raises(RuleConflict) as closed:
        _check("wrong_size", ends, policy=policy)
    assert closed.value.code == "return_window_closed"
    assert closed.value.facts == {"window_ends_at": ends.isoformat(), "window_days": 14}


def test_not_as_described_after_the_window_until_protection_ends() -> None:
    ends = ORDER.deadlines.protection_ends_at
    assert ends is not None
    assert _check("damaged", ends - timedelta(seconds=1)) is ReasonCategory.not_as_described
    with pytest.raises(RuleConflict) as ended:
        _check("damaged", ends)
    assert (ended.value.code, ended.value.facts) == (
        "return_protection_ended",
        {"protection_ends_at": ends.isoformat()},
    )


def test_a_confirmed_receipt_ended_protection() -> None:
    confirmed = _order(receipt_confirmed_at=DELIVERED + timedelta(days=2))
    with pytest.raises(RuleConflict) as ended:
        _check("damaged", DELIVERED + timedelta(days=3), order=confirmed)
    assert ended.value.code == "return_protection_ended"


def test_a_store_that_takes_no_remorse_returns() -> None:
    with pytest.raises(RuleConflict) as refused:
        _check("no_longer_needed", DELIVERED, policy=StorePolicy(accepts_remorse_returns=False))
    assert refused.value.code == "remorse_not_accepted"
    assert _check("defective", DELIVERED, policy=StorePolicy(accepts_remorse_returns=False)) is (
        ReasonCategory.not_as_described
    )


def test_nothing_delivered() -> None:
    with pytest.raises(RuleConflict) as early:
        _check("damaged", DELIVERED, delivered_at=None)
    assert early.value.code == "return_nothing_delivered"


def test_one_open_buyer_return_at_a_time() -> None:
    with pytest.raises(RuleConflict) as open_one:
        _check("damaged", DELIVERED, returns=[a_return(ReturnStatus.approved)])
    assert open_one.value.facts == {"return_id": 7, "status": "approved"}
    for done in (ReturnStatus.declined, ReturnStatus.withdrawn, ReturnStatus.refunded):
        assert _check("damaged", DELIVERED, returns=[a_return(done)])


def test_units_in_an_open_or_settled_return_cannot_go_back_again() -> None:
    returns = [
        a_return(ReturnStatus.refunded, lines=(ReturnLine(1, 1),)),
        a_return(ReturnStatus.offer_accepted, lines=(ReturnLine(2, 1),)),
        a_return(ReturnStatus.withdrawn, lines=(ReturnLine(1, 1),)),
        a_return(
            ReturnStatus.parcel_returning,
            kind=ReturnKind.refused_delivery,
            lines=(ReturnLine(1, 2),),
        ),
    ]
    returnable = returnable_units(ORDER, returns)
    assert returnable == {1: 1}
    check_lines(ORDER, [ReturnLine(1, 1)], returnable)
    with pytest.raises(RuleConflict) as too_many:
        check_lines(ORDER, [ReturnLine(2, 1)], returnable)
    assert too_many.value.facts == {"line_id": 2, "title": "Item 2", "returnable_units": 0}


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([], "lines"),
        ([ReturnLine(1, 0)], "lines.quantity"),
        ([ReturnLine(1, 1), ReturnLine(1, 1)], "lines.line_id"),
    ],
)
def test_malformed_lines_name_the_field(lines: list[ReturnLine], field: str) -> None:
    with pytest.raises(InvalidInput) as bad:
        check_lines(ORDER, lines, {1: 2, 2: 1})
    assert bad.value.field == field


# Deadlines


def test_business_days_skip_the_weekend_and_holidays() -> None:
    friday = datetime(2026, 3, 6, 10, 0, tzinfo=UTC)
    assert business_deadline(friday, 3, lambda d: False) == datetime(2026, 3, 11, 10, 0, tzinfo=UTC)
    holiday = date(2026, 3, 9)
    assert business_deadline(friday, 3, lambda d: d == holiday) == datetime(
        2026, 3, 12, 10, 0, tzinfo=UTC
    )
    # Kuwait's weekend is Friday and Saturday
    thursday = datetime(2026, 3, 5, 10, 0, tzinfo=UTC)
    assert business_deadline(thursday, 1, lambda d: False, frozenset({4, 5})) == datetime(
        2026, 3, 8, 10, 0, tzinfo=UTC
    )


def test_ship_by_counts_calendar_days_of_the_platform() -> None:
    assert ship_by_from(T0, PlatformPolicy()) == T0 + timedelta(days=10)
    assert ship_by_from(T0, PlatformPolicy(return_ship_days=3)) == T0 + timedelta(days=3)


@pytest.mark.parametrize(
    ("status", "field"),
    [
        (ReturnStatus.requested, "respond_by"),
        (ReturnStatus.offered, "offer_answer_by"),
        (ReturnStatus.approved, "ship_by"),
        (ReturnStatus.delivered, "refund_by"),
    ],
)
def test_each_step_waits_for_its_deadline(status: ReturnStatus, field: str) -> None:
    at = T0 + timedelta(days=4)
    waiting = a_return(status, **{field: at})
    assert due_at_of(waiting) == at
    assert return_due(waiting, at - timedelta(seconds=1)) is None
    due = return_due(waiting, at)
    assert due is not None and (due.name, due.return_id, due.at) == (f"return.{field}", 7, at)


@pytest.mark.parametrize(
    "status",
    [
        s
        for s in ReturnStatus
        if s
        not in {
            ReturnStatus.requested,
            ReturnStatus.offered,
            ReturnStatus.approved,
            ReturnStatus.delivered,
        }
    ],
)
def test_other_steps_wait_on_no_clock(status: ReturnStatus) -> None:
    stale = a_return(status, respond_by=T0, ship_by=T0, refund_by=T0, offer_answer_by=T0)
    assert due_at_of(stale) is None
    assert return_due(stale, T0 + timedelta(days=99)) is None


def test_a_late_action_is_told_the_deadline_that_decided() -> None:
    asked = frozenset({ReturnStatus.requested})
    approved = a_return(ReturnStatus.approved, decided_by_role="system", respond_by=T0)
    with pytest.raises(RuleConflict) as late:
        check_step(approved, asked)
    assert (late.value.code, late.value.facts) == (
        "return_respond_by_passed",
        {"respond_by": T0.isoformat()},
    )
    lapsed = a_return(offer_status=OfferStatus.lapsed, offer_answer_by=T0)
    with pytest.raises(RuleConflict) as late_answer:
        check_step(lapsed, frozenset({ReturnStatus.offered}))
    assert late_answer.value.code == "return_offer_answer_by_passed"
    closed = a_return(ReturnStatus.closed, ship_by=T0)
    with pytest.raises(RuleConflict) as late_ship:
        check_step(closed, frozenset({ReturnStatus.approved}))
    assert late_ship.value.facts == {"ship_by": T0.isoformat()}
    auto = a_return(ReturnStatus.refunded, refund_by=T0)
    with pytest.raises(RuleConflict) as late_receipt:
        check_step(auto, frozenset({ReturnStatus.delivered, ReturnStatus.shipped}))
    assert late_receipt.value.code == "return_refund_by_passed"
    # a seller's own approval is not a deadline's
    by_hand = a_return(ReturnStatus.approved, decided_by_role="seller", respond_by=T0)
    with pytest.raises(RuleConflict) as state:
        check_step(by_hand, asked)
    assert (state.value.code, state.value.facts) == ("return_not_at_step", {"status": "approved"})


def test_who_answers_and_who_asks() -> None:
    seller = Actor(Role.seller, user_id=3, store_ids=frozenset({20}))
    buyer = Actor(Role.buyer, user_id=10)
    check_seller(seller, store_id=20)
    check_buyer(buyer, buyer_id=10)
    with pytest.raises(NotAllowed):
        check_seller(buyer, store_id=20)
    with pytest.raises(NotAllowed):
        check_seller(replace(seller, store_ids=frozenset({21})), store_id=20)
    with pytest.raises(NotAllowed):
        check_buyer(seller, buyer_id=10)
    with pytest.raises(NotAllowed):
        check_buyer(Actor(Role.buyer, user_id=11), buyer_id=10)


def test_the_cause_reference_of_a_return_refund() -> None:
    assert return_ref(42) == "return:42"
    assert return_of("return:42") == 42
    assert return_of("cancellation:42") is None
    assert return_of("return:x") is None


# R5: what a return refunds, pinned


def _quote(
    units: dict[int, int],
    category: ReasonCategory,
    policy: StorePolicy,
    so_far: RefundedSoFar | None = None,
) -> tuple[int, int, int, int, int]:
    q = quote_buyer_return(
        ORDER,
        units,
        so_far or RefundedSoFar(),
        category=category,
        policy=policy,
    )
    return q.items, q.tax, q.shipping, q.fees, q.total


REMORSE = ReasonCategory.remorse
NAD = ReasonCategory.not_as_described


@pytest.mark.parametrize(
    ("units", "category", "policy", "expected"),
    [
        # one lamp (2500 + 250 tax), the buyer pays the return shipping (the order's 500)
        ({1: 1}, REMORSE, StorePolicy(), (2500, 250, 0, -500, 2250)),
        # and a 10 % restocking fee of the price before tax
        ({1: 1}, REMORSE, StorePolicy(restocking_fee_percent=10), (2500, 250, 0, -750, 2000)),
        # the store pays the return shipping: only the restocking fee
        (
            {1: 1},
            REMORSE,
            StorePolicy(restocking_fee_percent=10, buyer_pays_remorse_return_shipping=False),
            (2500, 250, 0, -250, 2500),
        ),
        # remorse never refunds the original shipping, even when everything comes back
        ({1: 2, 2: 1}, REMORSE, StorePolicy(), (6000, 700, 0, -500, 6200)),
        # a fee of 100 % keeps the price, never more than the units' worth
        (
            {2: 1},
            REMORSE,
            StorePolicy(restocking_fee_percent=100),
            (1000, 200, 0, -1200, 0),
        ),
        # not as described, part of the order: the units and the return shipping
        ({1: 1}, NAD, StorePolicy(restocking_fee_percent=10), (2500, 250, 500, 0, 3250)),
        # not as described, every unit: the original shipping too, capped at the capture (F2)
        ({1: 2, 2: 1}, NAD, StorePolicy(), (6000, 700, 500, 0, 7200)),
    ],
)
def test_what_a_return_refunds(
    units: dict[int, int],
    category: ReasonCategory,
    policy: StorePolicy,
    expected: tuple[int, int, int, int, int],
) -> None:
    assert _quote(units, category, policy) == expected


def test_an_earlier_refund_leaves_less_to_give_back() -> None:
    # support refunded 7000 of the 7200 by hand: the rest is all a return can still pay
    assert _quote({1: 1}, NAD, StorePolicy(), RefundedSoFar(total=7000)) == (182, 18, 0, 0, 200)


def test_an_offer_is_part_of_the_refund_once() -> None:
    quote = quote_buyer_return(
        ORDER,
        {1: 1},
        RefundedSoFar(),
        category=REMORSE,
        policy=StorePolicy(),
    )
    check_offer(a_return(), 2249, quote)
    for amount in (0, 2250):
        with pytest.raises(InvalidInput):
            check_offer(a_return(), amount, quote)
    with pytest.raises(RuleConflict) as twice:
        check_offer(a_return(offer_status=OfferStatus.declined), 100, quote)
    assert twice.value.code == "return_offer_made_once"


def test_a_reason_without_a_category_follows_its_fault() -> None:
    seller = Reason("broken_seal", "Broken seal", REASONS["damaged"].actor, Fault.seller)
    assert category_of(seller) is ReasonCategory.not_as_described
    assert category_of(replace(seller, fault=Fault.buyer)) is ReasonCategory.remorse
