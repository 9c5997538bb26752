"""Cancellations (§3): the quote, the cancellation or request, the reason catalogue (C5) and a
store's cancellation figures (C8)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from recourse.db.queries.cancellations import CancellationView
from recourse.db.queries.cancellations import StoreMetrics as StoreFigures
from recourse.domain.cancellation import CancellationStatus
from recourse.domain.order import PaymentMethod
from recourse.domain.reasons import Reason
from recourse.domain.refund import RefundQuote as Quote
from recourse.i18n import Words
from recourse.services.cancellations import Preview
from recourse.texts import blocker_message
from recourse.web.api.responses.common import LineQuantity, Moment, Money, ResponseBody, money
from recourse.web.api.responses.refunds import Refund

CancellationMode = Literal["instant", "request"]
Fault = Literal["buyer", "seller", "none"]


class RefundQuoteLine(ResponseBody):
    line_id: int
    quantity: int
    items: Money
    tax: Money


class RefundQuote(ResponseBody):
    """C6: exactly what cancelling would pay back, split like a refund."""

    items: Money
    tax: Money
    shipping: Money
    fees: Money
    total: Money
    method: PaymentMethod
    refundable_after: Money = Field(description="what is left to refund after this one")
    lines: list[RefundQuoteLine]

    @classmethod
    def of(cls, q: Quote) -> RefundQuote:
        c = q.currency
        return cls(
            items=money(q.items, c),
            tax=money(q.tax, c),
            shipping=money(q.shipping, c),
            fees=money(q.fees, c),
            total=money(q.total, c),
            method=q.method,
            refundable_after=money(q.refundable_after, c),
            lines=[
                RefundQuoteLine(
                    line_id=x.line_id,
                    quantity=x.quantity,
                    items=money(x.items, c),
                    tax=money(x.tax, c),
                )
                for x in q.lines
            ],
        )


class CancellationBlocker(ResponseBody):
    """C1: why not, in a code and a sentence; when it lifts (if it will); what to do instead."""

    code: str
    message: str
    unblocks_at: Moment | None
    alternatives: list[
        Literal[
            "ask_seller",
            "refuse_delivery",
            "return_after_delivery",
            "wait",
            "cancel_whole_order",
            "withdraw_request",
            "contact_support",
            "approve_request",
        ]
    ]


class CancellationReasonChoice(ResponseBody):
    """A reason the caller may give for this cancellation."""

    code: str
    label: str
    requires_note: bool


class CancellationQuote(ResponseBody):
    """C1/C6: whether the caller can cancel these lines now, must ask, or cannot (and why), with
    the exact refund; pass `quote_id` when cancelling to get exactly this."""

    eligible: bool
    mode: CancellationMode | None = Field(description="`instant`, or a `request` to the seller")
    respond_by: Moment | None = Field(description="when the seller must answer a request by")
    seller_overdue: bool
    blocker: CancellationBlocker | None
    lines: list[LineQuantity]
    quote: RefundQuote | None
    quote_id: str | None
    reasons: list[CancellationReasonChoice]

    @classmethod
    def of(cls, preview: Preview, words: Words) -> CancellationQuote:
        e = preview.eligibility
        b = e.blocker
        return cls(
            eligible=e.allowed,
            mode=e.mode,
            respond_by=e.respond_by,
            seller_overdue=e.seller_overdue,
            blocker=CancellationBlocker(
                code=b.code,
                message=blocker_message(b.code, b.facts, words),
                unblocks_at=b.unblocks_at,
                alternatives=list(b.alternatives),
            )
            if b
            else None,
            lines=[LineQuantity(line_id=k, quantity=v) for k, v in sorted(e.units.items())],
            quote=RefundQuote.of(preview.quote) if preview.quote else None,
            quote_id=preview.quote_id,
            reasons=[
                CancellationReasonChoice(code=r.code, label=r.label, requires_note=r.requires_note)
                for r in preview.reasons
            ],
        )


class CancellationRejection(ResponseBody):
    """C9/C10: why the seller refused, with the parcel when it had already left."""

    reason: str
    note: str | None
    carrier: str | None
    tracking_number: str | None


class Cancellation(ResponseBody):
    id: int
    order_id: int
    status: CancellationStatus
    initiator: Literal["buyer", "seller", "system"]
    mode: CancellationMode
    reason: str
    reason_label: str
    fault: Fault
    note: str | None
    whole_order: bool
    lines: list[LineQuantity]
    respond_by: Moment | None
    decided_at: Moment | None
    rejection: CancellationRejection | None
    refund: Refund | None
    created_at: Moment

    @classmethod
    def of(cls, v: CancellationView, refund: Refund | None) -> Cancellation:
        return cls(
            id=v.id,
            order_id=v.order_id,
            status=v.status,
            initiator=v.initiator,
            mode=v.mode,
            reason=v.reason,
            reason_label=v.reason_label,
            fault=v.fault,
            note=v.note,
            whole_order=v.whole_order,
            lines=[LineQuantity(line_id=x["line_id"], quantity=x["quantity"]) for x in v.lines],
            respond_by=v.respond_by,
            decided_at=v.decided_at,
            rejection=CancellationRejection(
                reason=v.rejection_reason,
                note=v.rejection_note,
                carrier=v.carrier,
                tracking_number=v.tracking_number,
            )
            if v.rejection_reason
            else None,
            refund=refund,
            created_at=v.created_at,
        )


class CancellationList(ResponseBody):
    """Every cancellation of one order, oldest first."""

    data: list[Cancellation]


class CancellationReason(ResponseBody):
    """C5: a reason of the catalogue, who gives it, and whose fault it makes the cancellation."""

    code: str
    label: str
    actor: Literal["buyer", "seller", "system"]
    fault: Fault
    requires_note: bool
    active: bool

    @classmethod
    def of(cls, r: Reason) -> CancellationReason:
        return cls(
            code=r.code,
            label=r.label,
            actor=r.actor,
            fault=r.fault,
            requires_note=r.requires_note,
            active=r.active,
        )


class CancellationReasonList(ResponseBody):
    data: list[CancellationReason]


class CancellationReasonState(ResponseBody):
    """A reason retired from (or restored to) the choices offered."""

    code: str
    active: bool


class StoreMetrics(ResponseBody):
    """C8: over the store's paid orders."""

    store_id: int
    paid_orders: int
    cancelled_orders: int
    cancellation_rate_percent: float | None = Field(description="null before any paid order")
    seller_fault_cancellations: int
    pending_requests: int

    @classmethod
    def of(cls, x: StoreFigures) -> StoreMetrics:
        return cls(
            store_id=x.store_id,
            paid_orders=x.paid_orders,
            cancelled_orders=x.cancelled_orders,
            cancellation_rate_percent=x.cancellation_rate_percent,
            seller_fault_cancellations=x.seller_fault_cancellations,
            pending_requests=x.pending_requests,
        )
