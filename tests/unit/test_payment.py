"""§2/C2/C3: the payment's state machine, what a capture must carry, and the deadlines it sets."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from recourse.domain.errors import InvalidInput, RuleConflict
from recourse.domain.order import (
    PAYMENT_TRANSITIONS,
    Deadlines,
    LineQuantities,
    PaymentStatus,
    cancel_everything,
    payment_deadlines,
    payment_transition,
    payment_window_recheck,
    record_payment,
    unpaid_expired,
)
from tests.unit.builders import T0, a_line, an_order

P = PaymentStatus
ALLOWED = {
    (P.pending, P.review),
    (P.pending, P.captured),
    (P.pending, P.failed),
    (P.review, P.captured),
    (P.review, P.failed),
    (P.failed, P.review),
    (P.failed, P.captured),
    (P.failed, P.pending),
}
ALL_MOVES = list(itertools.product(PaymentStatus, PaymentStatus))
FORBIDDEN = [move for move in ALL_MOVES if move not in ALLOWED]


def test_the_transition_table_allows_exactly_the_intended_moves() -> None:
    table = {(a, b) for a, targets in PAYMENT_TRANSITIONS.items() for b in targets}

    assert table == ALLOWED
    assert set(PAYMENT_TRANSITIONS) == set(PaymentStatus)


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED), ids=str)
def test_allowed_payment_moves_succeed(current: PaymentStatus, target: PaymentStatus) -> None:
    assert payment_transition(current, target) is target


@pytest.mark.parametrize(("current", "target"), FORBIDDEN, ids=str)
def test_forbidden_payment_moves_raise_a_conflict_naming_both_states(
    current: PaymentStatus, target: PaymentStatus
) -> None:
    with pytest.raises(RuleConflict) as caught:
        payment_transition(current, target)

    assert caught.value.code == "payment_state"
    assert caught.value.facts == {"current": str(current), "target": str(target)}


# Two lines of 2 x 10.00 with 1.00 discount and 1.90 tax, and 5.00 shipping: 46.80.
ORDER = an_order(
    lines=[
        a_line(id=1, unit_price=1000, quantity=2, discount=100, tax=190),
        a_line(id=2, unit_price=1000, quantity=2, discount=100, tax=190),
    ],
    shipping_fee=500,
)
TOTAL = 4680


def test_capturing_the_exact_total_with_a_reference_records_the_payment() -> None:
    payment = record_payment(ORDER, status=P.captured, amount=TOTAL, reference="ch_1", now=T0)

    assert payment.status is P.captured
    assert (payment.amount_captured, payment.captured_at, payment.reference) == (
        TOTAL,
        T0,
        "ch_1",
    )


def test_a_capture_without_an_amount_is_malformed() -> None:
    with pytest.raises(InvalidInput) as caught:
        record_payment(ORDER, status=P.captured, amount=None, reference="ch_1", now=T0)

    assert caught.value.field == "amount"


@pytest.mark.parametrize("amount", [TOTAL - 1, TOTAL + 1, 0], ids=repr)
def test_a_capture_of_another_amount_than_the_order_total_conflicts_with_it(amount: int) -> None:
    with pytest.raises(RuleConflict) as caught:
        record_payment(ORDER, status=P.captured, amount=amount, reference="ch_1", now=T0)

    assert caught.value.code == "amount_is_not_the_total"
    assert caught.value.facts["field"] == "amount"
    assert caught.value.facts["order_total"] == TOTAL


@pytest.mark.parametrize("reference", [None, ""], ids=repr)
def test_a_capture_needs_the_gateway_reference(reference: str | None) -> None:
    with pytest.raises(InvalidInput) as caught:
        record_payment(ORDER, status=P.captured, amount=TOTAL, reference=reference, now=T0)

    assert caught.value.field == "reference"


def test_a_cancelled_order_cannot_be_paid() -> None:
    cancelled = an_order(lines=[a_line(quantity=2, cancelled=2)])

    with pytest.raises(RuleConflict) as caught:
        record_payment(cancelled, status=P.captured, amount=2500, reference="ch_1", now=T0)

    assert caught.value.code == "order_cancelled"


def test_review_starts_the_review_clock() -> None:
    payment = record_payment(ORDER, status=P.review, amount=None, reference=None, now=T0)

    assert (payment.status, payment.review_started_at) == (P.review, T0)


def test_review_deadline_is_review_hours_after_review_started() -> None:
    payment = record_payment(ORDER, status=P.review, amount=None, reference=None, now=T0)

    deadlines = payment_deadlines(ORDER, payment, payment_review_hours=24, ship_by=None)

    assert deadlines.review_until == T0 + timedelta(hours=24)
    assert deadlines.ship_by is None


def test_capture_after_review_clears_review_and_sets_ship_by() -> None:
    in_review = an_order(
        lines=ORDER.lines,
        payment_status=P.review,
        deadlines=Deadlines(review_until=T0 + timedelta(hours=24)),
    )
    payment = record_payment(
        in_review, status=P.captured, amount=TOTAL, reference="ch_1", now=T0 + timedelta(hours=1)
    )
    ship_by = T0 + timedelta(days=9)

    deadlines = payment_deadlines(in_review, payment, payment_review_hours=24, ship_by=ship_by)

    assert (deadlines.review_until, deadlines.ship_by) == (None, ship_by)


PAY_BY = T0 + timedelta(hours=72)
SECOND = timedelta(seconds=1)


@pytest.mark.parametrize(
    ("status", "now", "expired"),
    [
        (P.pending, PAY_BY - SECOND, False),
        (P.pending, PAY_BY, True),
        (P.failed, PAY_BY, True),
        (P.review, PAY_BY + timedelta(days=1), False),
        (P.captured, PAY_BY + timedelta(days=1), False),
    ],
    ids=[
        "pending_last_second_of_window",
        "pending_window_closed",
        "failed_window_closed",
        "in_review_is_not_unpaid",
        "captured_is_not_unpaid",
    ],
)
def test_unpaid_order_expires_when_the_payment_window_closes(
    status: PaymentStatus, now: datetime, expired: bool
) -> None:
    order = an_order(payment_status=status, deadlines=Deadlines(pay_by=PAY_BY))

    assert unpaid_expired(order, now) is expired


def test_an_already_cancelled_order_does_not_expire_again() -> None:
    order = an_order(lines=[a_line(quantity=2, cancelled=2)], deadlines=Deadlines(pay_by=PAY_BY))

    assert unpaid_expired(order, PAY_BY) is False


def test_cancelling_everything_cancels_only_unshipped_units() -> None:
    order = an_order(
        payment_status=P.captured,
        lines=[
            a_line(id=1, quantity=3, cancelled=1),
            a_line(id=2, quantity=2, shipped=2),
            a_line(id=3, quantity=4, shipped=1),
        ],
    )

    assert cancel_everything(order) == {
        1: LineQuantities(ordered=3, cancelled=3),
        3: LineQuantities(ordered=4, cancelled=3, shipped=1),
    }


@pytest.mark.parametrize(
    ("status", "now", "due"),
    [
        (P.failed, PAY_BY - timedelta(hours=1), PAY_BY),
        (P.failed, PAY_BY + timedelta(hours=5), PAY_BY + timedelta(hours=5)),
        (P.pending, PAY_BY - SECOND, PAY_BY),
        (P.review, PAY_BY + timedelta(hours=5), None),
        (P.captured, PAY_BY + timedelta(hours=5), None),
    ],
    ids=[
        "failed_inside_the_window",
        "failed_after_the_window_closed",
        "back_to_pending_inside_the_window",
        "review_waits_for_its_outcome",
        "captured_is_paid",
    ],
)
def test_a_payment_falling_back_to_unpaid_meets_the_window_end_again(
    status: PaymentStatus, now: datetime, due: datetime | None
) -> None:
    order = an_order(payment_status=P.review, deadlines=Deadlines(pay_by=PAY_BY))
    payment = replace(order.payment, status=status)

    assert payment_window_recheck(order, payment, now) == due
