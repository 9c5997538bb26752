"""§2 orders: lines with per-line quantities, one payment, and a status derived from both."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from recourse.domain.errors import InvalidInput, NotFound, RuleConflict
from recourse.domain.ingest import MAX_QUANTITY as MAX_QUANTITY
from recourse.domain.ingest import NewLine as NewLine
from recourse.domain.ingest import validate_new_lines as validate_new_lines
from recourse.domain.money import Money


class PaymentMethod(StrEnum):
    card = "card"
    wallet = "wallet"
    bank_transfer = "bank_transfer"
    store_balance = "store_balance"
    coupon = "coupon"


class PaymentStatus(StrEnum):
    pending = "pending"
    review = "review"
    captured = "captured"
    failed = "failed"


PAYMENT_TRANSITIONS: dict[PaymentStatus, frozenset[PaymentStatus]] = {
    PaymentStatus.pending: frozenset(
        {PaymentStatus.review, PaymentStatus.captured, PaymentStatus.failed}
    ),
    PaymentStatus.review: frozenset({PaymentStatus.captured, PaymentStatus.failed}),
    PaymentStatus.failed: frozenset(
        {PaymentStatus.review, PaymentStatus.captured, PaymentStatus.pending}
    ),
    PaymentStatus.captured: frozenset(),
}


class OrderStatus(StrEnum):
    awaiting_payment = "awaiting_payment"
    payment_review = "payment_review"
    awaiting_shipment = "awaiting_shipment"
    shipped = "shipped"
    delivered = "delivered"
    completed = "completed"
    cancelled = "cancelled"
    closed = "closed"


TERMINAL_STATUSES = frozenset({OrderStatus.completed, OrderStatus.cancelled, OrderStatus.closed})


@dataclass(frozen=True, slots=True)
class LineQuantities:
    """§2: every unit of a line is accounted for; the counts never contradict each other.

    `returned` counts units that came back to the seller, delivered or not: a buyer's return
    (R4) sends back delivered units, a refused or intercepted parcel (S1/S2) brings back units
    that were shipped and never delivered. So a returned unit is a shipped one; nothing says
    it was delivered."""

    ordered: int
    cancelled: int = 0
    shipped: int = 0
    delivered: int = 0
    returned: int = 0
    refunded: int = 0

    def __post_init__(self) -> None:
        problems = []
        if min(self.ordered, self.cancelled, self.shipped, self.delivered) < 0:
            problems.append("negative quantity")
        if min(self.returned, self.refunded) < 0:
            problems.append("negative quantity")
        if self.cancelled + self.shipped > self.ordered:
            problems.append("cancelled + shipped exceeds ordered")
        if self.delivered > self.shipped:
            problems.append("delivered exceeds shipped")
        if self.returned > self.shipped:
            problems.append("returned exceeds shipped")
        if self.refunded > self.ordered:
            problems.append("refunded exceeds ordered")
        if problems:
            raise ValueError(f"inconsistent line quantities: {', '.join(problems)}")

    @property
    def unshipped(self) -> int:
        """Units still waiting to ship (neither cancelled nor shipped)."""
        return self.ordered - self.cancelled - self.shipped

    @property
    def active(self) -> int:
        return self.ordered - self.cancelled

    @property
    def all_back(self) -> bool:
        """Every unit that shipped came back (true of a line that never shipped)."""
        return self.returned == self.shipped


@dataclass(frozen=True, slots=True)
class OrderLine:
    id: int
    sku: str
    title: str
    unit_price: int
    quantity: int
    discount: int = 0
    tax: int = 0
    quantities: LineQuantities | None = None

    @property
    def qty(self) -> LineQuantities:
        return self.quantities or LineQuantities(ordered=self.quantity)

    @property
    def gross(self) -> int:
        return self.unit_price * self.quantity

    @property
    def total(self) -> int:
        return self.gross - self.discount + self.tax


@dataclass(frozen=True, slots=True)
class Payment:
    method: PaymentMethod
    status: PaymentStatus = PaymentStatus.pending
    amount_captured: int = 0
    captured_at: datetime | None = None
    reference: str | None = None
    review_started_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Deadlines:
    """§10: deadlines stored on the order they govern."""

    pay_by: datetime | None = None
    review_until: datetime | None = None
    ship_by: datetime | None = None
    protection_ends_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Order:
    id: int
    buyer_id: int
    store_id: int
    currency: str
    country: str
    shipping_fee: int
    payment: Payment
    lines: tuple[OrderLine, ...]
    created_at: datetime
    deadlines: Deadlines = field(default_factory=Deadlines)
    first_shipped_at: datetime | None = None
    receipt_confirmed_at: datetime | None = None
    policy_version_id: int | None = None
    external_id: str | None = None

    def line(self, line_id: int) -> OrderLine:
        for line in self.lines:
            if line.id == line_id:
                return line
        raise NotFound("line_not_on_order", field="lines.line_id", line_id=line_id)


@dataclass(frozen=True, slots=True)
class Totals:
    items: Money
    discount: Money
    tax: Money
    shipping: Money
    total: Money


class PricedLine(Protocol):
    @property
    def gross(self) -> int: ...
    @property
    def discount(self) -> int: ...
    @property
    def tax(self) -> int: ...


def order_totals(currency: str, lines: Sequence[PricedLine], shipping_fee: int) -> Totals:
    items = sum(line.gross for line in lines)
    discount = sum(line.discount for line in lines)
    tax = sum(line.tax for line in lines)
    return Totals(
        items=Money(items, currency),
        discount=Money(discount, currency),
        tax=Money(tax, currency),
        shipping=Money(shipping_fee, currency),
        total=Money(items - discount + tax + shipping_fee, currency),
    )


def derive_status(
    order: Order,
    now: datetime,
    *,
    open_cases: int = 0,
    unsettled_refunds: int = 0,
    had_cases_or_refunds: bool = False,
) -> OrderStatus:
    """§2: the status follows from line quantities, the payment and the clock; never stored alone.

    `completed` is reached when the buyer confirms receipt or protection ends, and also as soon
    as every unit that shipped came back to the seller (a refused or intercepted parcel, S1/S2,
    or a buyer's return of everything, R4) with nothing left to ship: nothing is with the buyer
    or on its way, so there is nothing left for receipt or protection to settle. When every
    shipped unit came back but some are still to ship, the order waits for the seller again
    (`awaiting_shipment`).

    `closed` is reached by a completed or cancelled order that had something to settle (a case
    or a refund) once all of it is settled.
    """
    qty = [line.qty for line in order.lines]
    if all(q.cancelled == q.ordered for q in qty):
        status = OrderStatus.cancelled
    elif order.payment.status is not PaymentStatus.captured:
        if order.payment.status is PaymentStatus.review:
            return OrderStatus.payment_review
        if order.deadlines.pay_by is not None and now >= order.deadlines.pay_by:
            # C2/§10: the window closed; the order is cancelled even before the worker says so.
            return OrderStatus.cancelled
        return OrderStatus.awaiting_payment
    elif sum(q.shipped for q in qty) == 0:
        return OrderStatus.awaiting_shipment
    elif order.receipt_confirmed_at is not None or (
        order.deadlines.protection_ends_at is not None and now >= order.deadlines.protection_ends_at
    ):
        status = OrderStatus.completed
    elif all(q.all_back for q in qty):
        if any(q.unshipped for q in qty):
            return OrderStatus.awaiting_shipment
        status = OrderStatus.completed
    elif any(q.delivered for q in qty):
        return OrderStatus.delivered
    else:
        return OrderStatus.shipped
    if had_cases_or_refunds and open_cases == 0 and unsettled_refunds == 0:
        return OrderStatus.closed
    return status


def payment_transition(current: PaymentStatus, target: PaymentStatus) -> PaymentStatus:
    if target not in PAYMENT_TRANSITIONS[current]:
        raise RuleConflict(
            "payment_state",
            current=str(current),
            target=str(target),
        )
    return target


def record_payment(
    order: Order,
    *,
    status: PaymentStatus,
    amount: int | None,
    reference: str | None,
    now: datetime,
) -> Payment:
    """§2 payment updates from the marketplace: captured (with amount), review or failed."""
    if all(line.qty.cancelled == line.qty.ordered for line in order.lines):
        raise RuleConflict("order_cancelled")
    if (
        order.payment.status in (PaymentStatus.pending, PaymentStatus.failed)
        and order.deadlines.pay_by is not None
        and now >= order.deadlines.pay_by
    ):
        # C2: the window closed, so the order is cancelled even if the worker has not said so.
        raise RuleConflict(
            "payment_window_closed",
            pay_by=order.deadlines.pay_by.isoformat(),
        )
    payment_transition(order.payment.status, status)
    current = order.payment
    if status is PaymentStatus.captured:
        expected = order_totals(order.currency, order.lines, order.shipping_fee).total.minor
        if amount is None:
            raise InvalidInput("amount", "captured_without_amount")
        if amount != expected:
            raise RuleConflict(
                "amount_is_not_the_total",
                field="amount",
                order_total=expected,
                amount=amount,
            )
        if not reference:
            raise InvalidInput("reference", "captured_without_reference")
        return replace(
            current, status=status, amount_captured=amount, captured_at=now, reference=reference
        )
    if status is PaymentStatus.review:
        return replace(current, status=status, review_started_at=now, reference=reference)
    return replace(current, status=status, reference=reference or current.reference)


def payment_deadlines(
    order: Order,
    payment: Payment,
    *,
    payment_review_hours: int,
    ship_by: datetime | None,
) -> Deadlines:
    """Deadlines that follow a payment update: review ends (C3), the seller must ship (§2)."""
    review_until = (
        payment.review_started_at + timedelta(hours=payment_review_hours)
        if payment.status is PaymentStatus.review and payment.review_started_at
        else order.deadlines.review_until
    )
    return replace(
        order.deadlines,
        review_until=review_until if payment.status is PaymentStatus.review else None,
        ship_by=ship_by if payment.status is PaymentStatus.captured else order.deadlines.ship_by,
    )


def unpaid_expired(order: Order, now: datetime) -> bool:
    """C2: an order still unpaid when its payment window closes cancels itself."""
    return (
        order.payment.status in (PaymentStatus.pending, PaymentStatus.failed)
        and order.deadlines.pay_by is not None
        and now >= order.deadlines.pay_by
        and any(line.qty.active for line in order.lines)
    )


def payment_reminder_due(order: Order, now: datetime) -> bool:
    """M2/C2: the buyer is reminded while the unpaid order can still be paid in time."""
    return (
        order.deadlines.pay_by is not None
        and now < order.deadlines.pay_by
        and order.payment.status in (PaymentStatus.pending, PaymentStatus.failed)
        and any(line.qty.active for line in order.lines)
    )


def payment_window_recheck(order: Order, payment: Payment, now: datetime) -> datetime | None:
    """C2: a payment that falls back to unpaid (e.g. fails review after `pay_by`) must meet the
    window's end again: at `pay_by`, or at once when the window has already closed."""
    if payment.status not in (PaymentStatus.pending, PaymentStatus.failed):
        return None
    if order.deadlines.pay_by is None:
        return None
    return max(order.deadlines.pay_by, now)


def cancel_everything(order: Order) -> dict[int, LineQuantities]:
    """Quantities after cancelling every unit that has not shipped."""
    return {
        line.id: replace(line.qty, cancelled=line.qty.cancelled + line.qty.unshipped)
        for line in order.lines
        if line.qty.unshipped
    }
