"""Plain builders of domain values for the unit tier, with keyword defaults."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

from recourse.domain.order import (
    Deadlines,
    LineQuantities,
    Order,
    OrderLine,
    Payment,
    PaymentMethod,
    PaymentStatus,
    order_totals,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def a_line(
    *,
    id: int = 1,
    sku: str | None = None,
    unit_price: int = 1000,
    quantity: int = 2,
    discount: int = 0,
    tax: int = 0,
    cancelled: int = 0,
    shipped: int = 0,
    delivered: int = 0,
    returned: int = 0,
    refunded: int = 0,
) -> OrderLine:
    return OrderLine(
        id=id,
        sku=sku or f"SKU-{id}",
        title=f"Item {id}",
        unit_price=unit_price,
        quantity=quantity,
        discount=discount,
        tax=tax,
        quantities=LineQuantities(
            ordered=quantity,
            cancelled=cancelled,
            shipped=shipped,
            delivered=delivered,
            returned=returned,
            refunded=refunded,
        ),
    )


def an_order(
    *,
    lines: Sequence[OrderLine] | None = None,
    payment_status: PaymentStatus = PaymentStatus.pending,
    currency: str = "EUR",
    shipping_fee: int = 500,
    deadlines: Deadlines | None = None,
    first_shipped_at: datetime | None = None,
    receipt_confirmed_at: datetime | None = None,
) -> Order:
    return Order(
        id=1,
        buyer_id=10,
        store_id=20,
        currency=currency,
        country="DE",
        shipping_fee=shipping_fee,
        payment=Payment(method=PaymentMethod.card, status=payment_status),
        lines=tuple(lines if lines is not None else [a_line()]),
        created_at=T0,
        deadlines=deadlines or Deadlines(),
        first_shipped_at=first_shipped_at,
        receipt_confirmed_at=receipt_confirmed_at,
    )


def paid(order: Order, *, at: datetime = T0) -> Order:
    """The order with its total captured at `at`."""
    total = order_totals(order.currency, order.lines, order.shipping_fee).total.minor
    payment = replace(
        order.payment, status=PaymentStatus.captured, amount_captured=total, captured_at=at
    )
    return replace(order, payment=payment)
