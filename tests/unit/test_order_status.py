"""§2: the order status follows from line quantities, the payment and the clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recourse.domain.order import (
    Deadlines,
    LineQuantities,
    Order,
    OrderStatus,
    PaymentStatus,
    derive_status,
)
from tests.unit.builders import T0, a_line, an_order

# The examples are tiny; a busy machine must not turn a slow one into a failure.
no_deadline = settings(deadline=None)

NOW = T0 + timedelta(days=10)
SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class Case:
    payment: PaymentStatus
    lines: tuple[tuple[int, int, int, int], ...]  # (ordered, cancelled, shipped, delivered)
    expected: OrderStatus
    protection_ends_at: datetime | None = None
    receipt_confirmed_at: datetime | None = None


CASES = {
    "placed_not_paid": Case(PaymentStatus.pending, ((2, 0, 0, 0),), OrderStatus.awaiting_payment),
    "payment_failed_still_awaits_payment": Case(
        PaymentStatus.failed, ((2, 0, 0, 0),), OrderStatus.awaiting_payment
    ),
    "payment_in_review": Case(PaymentStatus.review, ((2, 0, 0, 0),), OrderStatus.payment_review),
    "paid_nothing_shipped": Case(
        PaymentStatus.captured, ((2, 0, 0, 0), (1, 0, 0, 0)), OrderStatus.awaiting_shipment
    ),
    "paid_part_cancelled_rest_unshipped": Case(
        PaymentStatus.captured, ((2, 1, 0, 0), (1, 1, 0, 0)), OrderStatus.awaiting_shipment
    ),
    "one_unit_of_one_line_shipped": Case(
        PaymentStatus.captured, ((2, 0, 1, 0), (1, 0, 0, 0)), OrderStatus.shipped
    ),
    "everything_shipped_nothing_delivered": Case(
        PaymentStatus.captured, ((2, 0, 2, 0), (1, 0, 1, 0)), OrderStatus.shipped
    ),
    "one_parcel_delivered": Case(
        PaymentStatus.captured, ((2, 0, 2, 2), (1, 0, 1, 0)), OrderStatus.delivered
    ),
    "shipped_rest_cancelled": Case(
        PaymentStatus.captured, ((2, 1, 1, 0), (1, 1, 0, 0)), OrderStatus.shipped
    ),
    "receipt_confirmed": Case(
        PaymentStatus.captured,
        ((2, 0, 2, 2),),
        OrderStatus.completed,
        protection_ends_at=NOW + timedelta(days=30),
        receipt_confirmed_at=T0,
    ),
    "protection_ends_this_second": Case(
        PaymentStatus.captured, ((2, 0, 2, 2),), OrderStatus.completed, protection_ends_at=NOW
    ),
    "protection_ends_next_second": Case(
        PaymentStatus.captured,
        ((2, 0, 2, 2),),
        OrderStatus.delivered,
        protection_ends_at=NOW + SECOND,
    ),
    "protection_ended_while_never_delivered": Case(
        PaymentStatus.captured, ((2, 0, 2, 0),), OrderStatus.completed, protection_ends_at=NOW
    ),
    "in_transit_protection_ends_next_second": Case(
        PaymentStatus.captured,
        ((2, 0, 2, 0),),
        OrderStatus.shipped,
        protection_ends_at=NOW + SECOND,
    ),
    "unpaid_all_cancelled": Case(PaymentStatus.pending, ((2, 2, 0, 0),), OrderStatus.cancelled),
    "paid_all_cancelled": Case(
        PaymentStatus.captured, ((2, 2, 0, 0), (1, 1, 0, 0)), OrderStatus.cancelled
    ),
    "in_review_all_cancelled": Case(PaymentStatus.review, ((1, 1, 0, 0),), OrderStatus.cancelled),
}

# S1/S2: (ordered, cancelled, shipped, delivered, returned) — parcels that came back.
BACK_CASES = {
    "refused_parcel_on_its_way_back": (((2, 0, 2, 0, 0),), OrderStatus.shipped),
    "refused_parcel_back_and_refunded": (((2, 0, 2, 0, 2),), OrderStatus.completed),
    "every_parcel_back_rest_cancelled": (((2, 1, 1, 0, 1), (1, 1, 0, 0, 0)), OrderStatus.completed),
    "parcel_back_units_still_to_ship": (((2, 0, 1, 0, 1),), OrderStatus.awaiting_shipment),
    "one_parcel_back_other_delivered": (((1, 0, 1, 0, 1), (1, 0, 1, 1, 0)), OrderStatus.delivered),
    "one_parcel_back_other_on_its_way": (((1, 0, 1, 0, 1), (1, 0, 1, 0, 0)), OrderStatus.shipped),
    "delivered_then_all_returned": (((2, 0, 2, 2, 2),), OrderStatus.completed),
}


@pytest.mark.parametrize("case", BACK_CASES.values(), ids=BACK_CASES.keys())
def test_an_order_whose_shipped_units_all_came_back_is_completed(
    case: tuple[tuple[tuple[int, int, int, int, int], ...], OrderStatus],
) -> None:
    lines, expected = case
    order = an_order(
        payment_status=PaymentStatus.captured,
        lines=[
            a_line(id=i, quantity=o, cancelled=c, shipped=s, delivered=d, returned=r)
            for i, (o, c, s, d, r) in enumerate(lines, start=1)
        ],
        deadlines=Deadlines(protection_ends_at=NOW + timedelta(days=30)),
        first_shipped_at=T0,
    )

    assert derive_status(order, NOW) is expected


def test_a_parcel_back_and_refunded_closes_once_the_refund_settles() -> None:
    order = an_order(
        payment_status=PaymentStatus.captured,
        lines=[a_line(quantity=1, shipped=1, returned=1, refunded=1)],
        deadlines=Deadlines(protection_ends_at=NOW + timedelta(days=30)),
        first_shipped_at=T0,
    )

    assert derive_status(order, NOW, unsettled_refunds=1, had_cases_or_refunds=True) is (
        OrderStatus.completed
    )
    assert derive_status(order, NOW, had_cases_or_refunds=True) is OrderStatus.closed


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_status_is_derived_from_quantities_payment_and_clock(case: Case) -> None:
    order = an_order(
        payment_status=case.payment,
        lines=[
            a_line(id=i, quantity=o, cancelled=c, shipped=s, delivered=d)
            for i, (o, c, s, d) in enumerate(case.lines, start=1)
        ],
        deadlines=Deadlines(protection_ends_at=case.protection_ends_at),
        receipt_confirmed_at=case.receipt_confirmed_at,
    )

    assert derive_status(order, NOW) is case.expected


COMPLETED = an_order(
    payment_status=PaymentStatus.captured,
    lines=[a_line(quantity=1, shipped=1, delivered=1)],
    deadlines=Deadlines(protection_ends_at=NOW - SECOND),
)
CANCELLED = an_order(lines=[a_line(quantity=1, cancelled=1)])
SHIPPED = an_order(payment_status=PaymentStatus.captured, lines=[a_line(quantity=1, shipped=1)])


@pytest.mark.parametrize(
    ("order", "open_cases", "unsettled_refunds", "had_any", "expected"),
    [
        (COMPLETED, 0, 0, True, OrderStatus.closed),
        (COMPLETED, 1, 0, True, OrderStatus.completed),
        (COMPLETED, 0, 1, True, OrderStatus.completed),
        (COMPLETED, 0, 0, False, OrderStatus.completed),
        (CANCELLED, 0, 0, True, OrderStatus.closed),
        (CANCELLED, 0, 1, True, OrderStatus.cancelled),
        (SHIPPED, 0, 0, True, OrderStatus.shipped),
    ],
    ids=[
        "completed_all_settled",
        "completed_case_open",
        "completed_refund_unsettled",
        "completed_nothing_to_settle",
        "cancelled_refund_settled",
        "cancelled_refund_unsettled",
        "shipped_never_closes",
    ],
)
def test_closed_only_once_a_finished_order_has_settled_everything(
    order: Order,
    open_cases: int,
    unsettled_refunds: int,
    had_any: bool,
    expected: OrderStatus,
) -> None:
    status = derive_status(
        order,
        NOW,
        open_cases=open_cases,
        unsettled_refunds=unsettled_refunds,
        had_cases_or_refunds=had_any,
    )

    assert status is expected


@st.composite
def consistent_quantities(draw: st.DrawFn, *, paid: bool) -> LineQuantities:
    """Quantities a real order can reach: nothing ships before the payment is captured."""
    ordered = draw(st.integers(min_value=1, max_value=5))
    cancelled = draw(st.integers(min_value=0, max_value=ordered))
    shipped = draw(st.integers(min_value=0, max_value=(ordered - cancelled) * paid))
    delivered = draw(st.integers(min_value=0, max_value=shipped))
    returned = draw(st.integers(min_value=0, max_value=shipped))
    refunded = draw(st.integers(min_value=0, max_value=ordered))
    return LineQuantities(ordered, cancelled, shipped, delivered, returned, refunded)


@st.composite
def orders_and_moments(draw: st.DrawFn) -> tuple[Order, datetime]:
    payment = draw(st.sampled_from(list(PaymentStatus)))
    paid = payment is PaymentStatus.captured
    quantities = draw(st.lists(consistent_quantities(paid=paid), min_size=1, max_size=4))
    shipped_any = any(q.shipped for q in quantities)
    delivered_any = any(q.delivered for q in quantities)
    offset = draw(st.integers(min_value=-3 * 86400, max_value=3 * 86400))
    protection = NOW + timedelta(seconds=offset) if shipped_any else None
    receipt = draw(st.booleans()) and delivered_any
    order = an_order(
        payment_status=payment,
        lines=[
            a_line(
                id=i,
                quantity=q.ordered,
                cancelled=q.cancelled,
                shipped=q.shipped,
                delivered=q.delivered,
                returned=q.returned,
                refunded=q.refunded,
            )
            for i, q in enumerate(quantities, start=1)
        ],
        deadlines=Deadlines(protection_ends_at=protection),
        first_shipped_at=T0 if shipped_any else None,
        receipt_confirmed_at=T0 if receipt else None,
    )
    return order, NOW


@no_deadline
@given(orders_and_moments())
def test_derived_status_never_contradicts_the_quantities(
    order_and_now: tuple[Order, datetime],
) -> None:
    order, now = order_and_now
    status = derive_status(order, now)
    qty = [line.qty for line in order.lines]
    payment = order.payment.status
    ends = order.deadlines.protection_ends_at
    finished = order.receipt_confirmed_at is not None or (ends is not None and now >= ends)
    all_cancelled = all(q.cancelled == q.ordered for q in qty)
    shipped = sum(q.shipped for q in qty)
    delivered = sum(q.delivered for q in qty)
    # S1/S2: every shipped unit came back; the order waits for the rest to ship, or is done
    all_back = shipped > 0 and all(q.returned == q.shipped for q in qty)
    left_to_ship = any(q.unshipped for q in qty)
    waits_again = all_back and left_to_ship and not finished
    on_its_way = status in (OrderStatus.shipped, OrderStatus.delivered, OrderStatus.completed)

    assert (status is OrderStatus.cancelled) == all_cancelled
    assert (status is OrderStatus.awaiting_payment) == (
        not all_cancelled and payment in (PaymentStatus.pending, PaymentStatus.failed)
    )
    assert (status is OrderStatus.payment_review) == (
        not all_cancelled and payment is PaymentStatus.review
    )
    assert (status is OrderStatus.awaiting_shipment) == (
        not all_cancelled and payment is PaymentStatus.captured and (shipped == 0 or waits_again)
    )
    assert on_its_way == (shipped > 0 and not waits_again)
    assert (status is OrderStatus.completed) == (
        shipped > 0 and (finished or (all_back and not left_to_ship))
    )
    assert status is not OrderStatus.shipped or delivered == 0
    assert status is not OrderStatus.delivered or delivered > 0
    assert status is not OrderStatus.closed
