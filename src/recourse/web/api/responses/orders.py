"""Orders (§2): the order with lines, quantities, totals, payment, deadlines, policy, shipments
and timeline; the summaries of lists; shipments and their carrier events."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from recourse.db.queries import orders as order_queries
from recourse.db.queries.timeline import TimelineView as TimelineRow
from recourse.domain.order import Order as PlacedOrder
from recourse.domain.order import OrderStatus, PaymentMethod, PaymentStatus, Totals
from recourse.domain.roles import Role
from recourse.domain.shipment import CarrierEvent, ShipmentDirection, ShipmentStatus
from recourse.web.api.responses.accounts import StorePolicy, StoreSummary
from recourse.web.api.responses.common import LineQuantity, Moment, Money, ResponseBody, money


class LineQuantities(ResponseBody):
    """§2: where every unit of a line stands."""

    ordered: int
    cancelled: int
    shipped: int
    delivered: int
    returned: int
    refunded: int


class OrderLine(ResponseBody):
    id: int
    sku: str
    title: str
    unit_price: Money
    quantity: int
    discount: Money
    tax: Money
    total: Money
    quantities: LineQuantities


class OrderTotals(ResponseBody):
    items: Money
    discount: Money
    tax: Money
    shipping: Money
    total: Money

    @classmethod
    def of(cls, t: Totals) -> OrderTotals:
        return cls(
            items=money(t.items.minor, t.items.currency),
            discount=money(t.discount.minor, t.discount.currency),
            tax=money(t.tax.minor, t.tax.currency),
            shipping=money(t.shipping.minor, t.shipping.currency),
            total=money(t.total.minor, t.total.currency),
        )


class OrderPayment(ResponseBody):
    method: PaymentMethod
    status: PaymentStatus
    amount_captured: Money
    captured_at: Moment | None
    reference: str | None


class OrderDeadlines(ResponseBody):
    """§10: the deadlines that govern the order, once they are known."""

    pay_by: Moment | None
    review_until: Moment | None
    ship_by: Moment | None
    protection_ends_at: Moment | None


class OrderPolicy(StorePolicy):
    """The store's policy version that governs this order (fixed when it was paid)."""

    version: int


class ShipmentEvent(ResponseBody):
    type: CarrierEvent
    at: Moment


class Shipment(ResponseBody):
    id: int
    carrier: str
    tracking_number: str
    status: ShipmentStatus
    shipped_at: Moment
    lines: list[LineQuantity]
    events: list[ShipmentEvent]
    direction: ShipmentDirection = Field(
        description="outbound: the seller's parcel to the buyer; return: a buyer's parcel back"
    )
    return_id: int | None = Field(
        description="The return this parcel carries: a buyer's parcel back, or an outbound "
        "parcel refused, returned to sender or intercepted on its way back"
    )

    @classmethod
    def of(cls, s: order_queries.ShipmentView) -> Shipment:
        return cls(
            id=s.id,
            carrier=s.carrier,
            tracking_number=s.tracking_number,
            status=s.status,
            shipped_at=s.shipped_at,
            lines=[LineQuantity(line_id=x["line_id"], quantity=x["quantity"]) for x in s.lines],
            events=[ShipmentEvent(type=e["type"], at=e["at"]) for e in s.events],
            direction=ShipmentDirection(s.direction),
            return_id=s.return_id,
        )


class TimelineActor(ResponseBody):
    role: Role
    id: int | None = Field(description="the user; null for the operator and the system")


class TimelineEntry(ResponseBody):
    """§1: who did what, when, from which state to which, and why."""

    model_config = ConfigDict(
        serialize_by_alias=True, json_schema_serialization_defaults_required=True
    )

    at: Moment
    actor: TimelineActor
    action: str
    from_: str | None = Field(serialization_alias="from")
    to: str | None
    reason: str | None
    note: str | None
    data: dict[str, Any] | None

    @classmethod
    def of(cls, t: TimelineRow) -> TimelineEntry:
        return cls(
            at=t.at,
            actor=TimelineActor(role=t.actor_role, id=t.actor_id),
            action=t.action,
            from_=t.from_state,
            to=t.to_state,
            reason=t.reason,
            note=t.note,
            data=t.data,
        )


def _lines(order: PlacedOrder) -> list[OrderLine]:
    c = order.currency
    return [
        OrderLine(
            id=line.id,
            sku=line.sku,
            title=line.title,
            unit_price=money(line.unit_price, c),
            quantity=line.quantity,
            discount=money(line.discount, c),
            tax=money(line.tax, c),
            total=money(line.total, c),
            quantities=LineQuantities(
                ordered=line.qty.ordered,
                cancelled=line.qty.cancelled,
                shipped=line.qty.shipped,
                delivered=line.qty.delivered,
                returned=line.qty.returned,
                refunded=line.qty.refunded,
            ),
        )
        for line in order.lines
    ]


class Order(ResponseBody):
    """An order as its parties, support and the operator see it (`GET /orders/{id}`)."""

    id: int
    external_id: str | None = Field(description="the marketplace's own reference")
    status: OrderStatus
    buyer_id: int
    store_id: int
    store: StoreSummary
    currency: str
    country: str
    created_at: Moment
    lines: list[OrderLine]
    totals: OrderTotals
    payment: OrderPayment
    deadlines: OrderDeadlines
    policy: OrderPolicy
    shipments: list[Shipment]
    timeline: list[TimelineEntry] = Field(description="oldest first, as far as the caller may see")

    @classmethod
    def of(cls, d: order_queries.OrderDetail) -> Order:
        o = d.order
        return cls(
            id=o.id,
            external_id=o.external_id,
            status=d.status,
            buyer_id=o.buyer_id,
            store_id=o.store_id,
            store=StoreSummary(**d.store),
            currency=o.currency,
            country=o.country,
            created_at=o.created_at,
            lines=_lines(o),
            totals=OrderTotals.of(d.totals),
            payment=OrderPayment(
                method=o.payment.method,
                status=o.payment.status,
                amount_captured=money(o.payment.amount_captured, o.currency),
                captured_at=o.payment.captured_at,
                reference=o.payment.reference,
            ),
            deadlines=OrderDeadlines(
                pay_by=o.deadlines.pay_by,
                review_until=o.deadlines.review_until,
                ship_by=o.deadlines.ship_by,
                protection_ends_at=o.deadlines.protection_ends_at,
            ),
            policy=OrderPolicy(version=d.policy.version, **d.policy.policy.as_dict()),
            shipments=[Shipment.of(s) for s in d.shipments],
            timeline=[TimelineEntry.of(t) for t in d.timeline],
        )


class ShipmentWithOrder(Shipment):
    """A shipment just made, with the order it leaves from as it stands now."""

    order: Order


class OrderSummary(ResponseBody):
    """One order in a list: enough to show a row and open the order."""

    id: int
    external_id: str | None
    status: OrderStatus
    buyer_id: int
    store_id: int
    store_name: str
    currency: str
    total: Money
    item_count: int = Field(description="units ordered, over all lines")
    created_at: Moment
    ship_by: Moment | None

    @classmethod
    def of(cls, s: order_queries.OrderSummary) -> OrderSummary:
        return cls(
            id=s.id,
            external_id=s.external_id,
            status=s.status,
            buyer_id=s.buyer_id,
            store_id=s.store_id,
            store_name=s.store_name,
            currency=s.currency,
            total=money(s.total, s.currency),
            item_count=s.item_count,
            created_at=s.created_at,
            ship_by=s.ship_by,
        )


class OrderPage(ResponseBody):
    """Newest first; pass `next_cursor` back as `cursor` for the next page."""

    data: list[OrderSummary]
    next_cursor: int | None = Field(description="null on the last page")

    @classmethod
    def of(cls, page: order_queries.OrderPage) -> OrderPage:
        return cls(data=[OrderSummary.of(o) for o in page.items], next_cursor=page.next_cursor)
