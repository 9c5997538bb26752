"""Returns (§4): a return as the API answers it, and the quote shown before asking (R5/C6)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from recourse.db.queries.evidence import FileView
from recourse.db.queries.returns import ReturnView
from recourse.services.returns import ReturnQuote as Quoted
from recourse.web.api.responses.cancellations import RefundQuote
from recourse.web.api.responses.common import LineQuantity, Moment, Money, ResponseBody, money

ReturnKind = Literal["return", "refused_delivery", "intercepted"]
ReturnStatus = Literal[
    "requested",
    "offered",
    "approved",
    "declined",
    "shipped",
    "parcel_returning",
    "delivered",
    "refunded",
    "offer_accepted",
    "problem",
    "closed",
    "withdrawn",
]
Category = Literal["remorse", "not_as_described"]


class ReturnFile(ResponseBody):
    id: int
    name: str = Field(description="the sender's file name, cleaned, for display only")
    media_type: str
    url: str = Field(description="where the order's parties and support fetch it")

    @classmethod
    def of(cls, f: FileView) -> ReturnFile:
        return cls(id=f.id, name=f.name, media_type=f.media_type, url=f.url)


class ReturnDeadlines(ResponseBody):
    """Every deadline the return runs on (null until its step starts)."""

    respond_by: Moment | None = Field(description="R2: the sellers answer by; silence approves")
    offer_answer_by: Moment | None = Field(description="R2: the buyer answers the offer by")
    ship_by: Moment | None = Field(description="R3: the buyer ships by, or it closes")
    refund_by: Moment | None = Field(description="R4: refunded by then at the latest")


class ReturnOffer(ResponseBody):
    amount: Money
    status: Literal["offered", "accepted", "declined", "lapsed"]


class ReturnRefund(ResponseBody):
    id: int
    amount: Money


class Return(ResponseBody):
    """A return: a buyer's (`return`, R1-R5) or a parcel coming back (S1, S2)."""

    id: int
    order_id: int
    kind: ReturnKind
    status: ReturnStatus
    reason: str | None
    category: Category | None
    lines: list[LineQuantity]
    description: str | None
    files: list[ReturnFile]
    deadlines: ReturnDeadlines
    due_at: Moment | None = Field(description="the deadline the current step waits for")
    return_address: str | None
    decline_reason: str | None
    offer: ReturnOffer | None
    carrier: str | None
    tracking_number: str | None
    return_shipment_id: int | None
    delivered_at: Moment | None
    condition: Literal["ok", "problem"] | None
    problem_note: str | None
    refund: ReturnRefund | None
    quote: RefundQuote | None = Field(
        description="what the return refunds (recomputed when it is refunded); null once settled"
    )
    created_at: Moment

    @classmethod
    def of(cls, v: ReturnView, *, refund_amount: int | None, quote: RefundQuote | None) -> Return:
        r, c = v.ret, v.currency
        return cls(
            id=r.id,
            order_id=r.order_id,
            kind=str(r.kind),
            status=str(r.status),
            reason=r.reason,
            category=str(r.category) if r.category else None,
            lines=[LineQuantity(line_id=x.line_id, quantity=x.quantity) for x in r.lines],
            description=r.description,
            files=[ReturnFile.of(f) for f in v.files],
            deadlines=ReturnDeadlines(
                respond_by=r.respond_by,
                offer_answer_by=r.offer_answer_by,
                ship_by=r.ship_by,
                refund_by=r.refund_by,
            ),
            due_at=r.due_at,
            return_address=r.return_address,
            decline_reason=r.decline_reason,
            offer=ReturnOffer(
                amount=money(r.offer_amount, c),
                status=str(r.offer_status),
            )
            if r.offer_amount is not None and r.offer_status is not None
            else None,
            carrier=r.carrier,
            tracking_number=r.tracking_number,
            return_shipment_id=r.return_shipment_id,
            delivered_at=r.delivered_at,
            condition=str(r.condition) if r.condition else None,
            problem_note=r.problem_note,
            refund=ReturnRefund(id=r.refund_id, amount=money(refund_amount or 0, c))
            if r.refund_id is not None
            else None,
            quote=quote,
            created_at=r.created_at,
        )


class ReturnList(ResponseBody):
    data: list[Return]


class ReturnQuote(ResponseBody):
    """R5/C6: what returning these units for this reason refunds, and the dates around it."""

    reason: str
    category: Category
    quote: RefundQuote
    window_ends_at: Moment | None = Field(
        description="R1: the last moment for a remorse return (null: the store takes none)"
    )
    protection_ends_at: Moment | None = Field(description="R1: not-as-described returns until")
    respond_by: Moment = Field(description="R2: the sellers would answer by")

    @classmethod
    def of(cls, q: Quoted) -> ReturnQuote:
        return cls(
            reason=q.reason,
            category=str(q.category),
            quote=RefundQuote.of(q.quote),
            window_ends_at=q.window_ends_at,
            protection_ends_at=q.protection_ends_at,
            respond_by=q.respond_by,
        )
