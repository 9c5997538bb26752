"""Refunds (§6): the ledger record, its split, when the money should arrive, and lists of them."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from recourse.db.queries.refunds import RefundView
from recourse.domain.order import PaymentMethod
from recourse.domain.refund import RefundCause, RefundStatus
from recourse.web.api.responses.common import Moment, Money, ResponseBody, money


class RefundBreakdown(ResponseBody):
    """The amount split into what it pays back; the parts add up to the amount. `items`, `tax`
    and `shipping` are never negative; `fees` is zero or negative (restocking)."""

    items: Money
    tax: Money
    shipping: Money
    fees: Money


class RefundLine(ResponseBody):
    """Units of an order line the refund covers, with their share in minor units."""

    line_id: int
    quantity: int
    items: int = Field(description="minor units of the refund's currency")
    tax: int = Field(description="minor units of the refund's currency")


class ExpectedBy(ResponseBody):
    """F5: business days of the buyer's country from the method's settlement profile."""

    earliest: date
    latest: date


class Refund(ResponseBody):
    id: int
    order_id: int
    status: RefundStatus
    cause: RefundCause
    cancellation_id: int | None = Field(
        description="the cancellation that caused the refund; null for other causes"
    )
    amount: Money
    breakdown: RefundBreakdown
    lines: list[RefundLine]
    method: PaymentMethod
    reason: str | None
    gateway: str
    gateway_reference: str | None
    trace_number: str | None = Field(description="the acquirer's reference, once it settled")
    expected_by: ExpectedBy
    needs_attention: bool = Field(description="support must look: it kept failing")
    attempts: int
    created_at: Moment
    sent_at: Moment | None
    succeeded_at: Moment | None
    failed_at: Moment | None

    @classmethod
    def of(cls, r: RefundView) -> Refund:
        c = r.currency
        return cls(
            id=r.id,
            order_id=r.order_id,
            status=r.status,
            cause=r.cause,
            cancellation_id=r.cancellation_id,
            amount=money(r.amount, c),
            breakdown=RefundBreakdown(
                items=money(r.items, c),
                tax=money(r.tax, c),
                shipping=money(r.shipping, c),
                fees=money(r.fees, c),
            ),
            lines=[RefundLine(**x) for x in r.lines],
            method=r.method,
            reason=r.reason,
            gateway=r.gateway,
            gateway_reference=r.gateway_reference,
            trace_number=r.trace_number,
            expected_by=ExpectedBy(earliest=r.expected_earliest, latest=r.expected_latest),
            needs_attention=r.needs_attention,
            attempts=r.attempts,
            created_at=r.created_at,
            sent_at=r.sent_at,
            succeeded_at=r.succeeded_at,
            failed_at=r.failed_at,
        )


class RefundPage(ResponseBody):
    """Newest first; pass `next_cursor` back as `cursor` for the next page."""

    data: list[Refund]
    next_cursor: int | None = Field(description="null on the last page")


class RefundList(ResponseBody):
    """Every refund of one order, oldest first."""

    data: list[Refund]
