"""Orders: ingest, read, payment updates, shipments, carrier events (§2, §12)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query, status

from recourse.db.queries.orders import list_orders, order_detail, shipment_order_id
from recourse.domain.errors import InvalidInput, NotFound
from recourse.domain.order import NewLine, OrderStatus, PaymentMethod, PaymentStatus
from recourse.domain.roles import Actor
from recourse.domain.shipment import CarrierEvent, ShipmentLine
from recourse.services import orders, shipping
from recourse.web.api.fields import Id
from recourse.web.api.responses.orders import Order, OrderPage, Shipment, ShipmentWithOrder
from recourse.web.api.schemas import CarrierEventIn, OrderIn, PaymentIn, ShipmentIn
from recourse.web.deps import ApiActor, ContainerDep, OperatorActor, ReadSession
from recourse.web.routers import api_router
from recourse.web.settled import settle_listed, settle_order

router = api_router("orders")

# The tabs of the order lists (db.queries.TABS): each a set of statuses.
OrderTab = Literal["all", "to_pay", "to_ship", "shipped", "delivered", "completed", "cancelled"]


def _detail(s: ReadSession, c: ContainerDep, actor: Actor, order_id: int) -> Order:
    found = order_detail(s, actor, order_id, c.clock.now())
    if found is None:
        raise NotFound("order_not_found", order_id=order_id)
    return Order.of(found)


@router.post("/orders", status_code=status.HTTP_201_CREATED)
def ingest_order(body: OrderIn, actor: OperatorActor, c: ContainerDep, s: ReadSession) -> Order:
    """Ingest a placed order; it waits for payment until `deadlines.pay_by`."""
    order_id = orders.ingest_order(
        c.uow(),
        c.ctx,
        actor=actor,
        data=orders.OrderInput(
            buyer_id=body.buyer_id,
            store_id=body.store_id,
            currency=body.currency,
            shipping_fee=body.shipping_fee,
            payment_method=PaymentMethod(body.payment_method),
            country=body.country,
            external_id=body.external_id,
            lines=[
                NewLine(
                    sku=x.sku,
                    title=x.title,
                    unit_price=x.unit_price,
                    quantity=x.quantity,
                    discount=x.discount,
                    tax=x.tax,
                )
                for x in body.lines
            ],
        ),
    )
    return _detail(s, c, actor, order_id)


@router.get("/orders")
def get_orders(
    actor: ApiActor,
    c: ContainerDep,
    s: ReadSession,
    status_: Annotated[
        list[OrderStatus] | None, Query(alias="status", description="repeatable: any of these")
    ] = None,
    tab: OrderTab | None = None,
    store_id: Id | None = None,
    buyer_id: Id | None = None,
    cursor: Id | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> OrderPage:
    """Newest first, scoped to what the caller may see; `next_cursor` fetches the next page."""

    def read() -> OrderPage:
        return OrderPage.of(
            list_orders(
                s,
                actor,
                c.clock.now(),
                tab=tab or "all",
                statuses=tuple(str(value) for value in status_ or ()),
                store_id=store_id,
                buyer_id=buyer_id,
                cursor=cursor,
                limit=limit,
            )
        )

    page = read()
    return read() if settle_listed(c, s, [o.id for o in page.data]) else page


@router.get("/orders/{order_id}")
def get_order(order_id: Id, actor: ApiActor, c: ContainerDep, s: ReadSession) -> Order:
    settle_order(c, order_id)
    return _detail(s, c, actor, order_id)


@router.post("/orders/{order_id}/payment")
def payment(
    order_id: Id, body: PaymentIn, actor: OperatorActor, c: ContainerDep, s: ReadSession
) -> Order:
    """`captured` (with the exact amount and reference), `review` or `failed`."""
    orders.record_payment(
        c.uow(),
        c.ctx,
        actor=actor,
        order_id=order_id,
        status=PaymentStatus(body.status),
        amount=body.amount,
        reference=body.reference,
    )
    return _detail(s, c, actor, order_id)


@router.post("/orders/{order_id}/shipments", status_code=status.HTTP_201_CREATED)
def ship(
    order_id: Id, body: ShipmentIn, actor: ApiActor, c: ContainerDep, s: ReadSession
) -> ShipmentWithOrder:
    """Ship lines/quantities with carrier and tracking number (seller of the store, operator)."""
    shipment_id = shipping.ship_order(
        c.uow(),
        c.ctx,
        actor=actor,
        order_id=order_id,
        lines=[ShipmentLine(line_id=x.line_id, quantity=x.quantity) for x in body.lines],
        carrier=body.carrier,
        tracking_number=body.tracking_number,
    )
    order = _detail(s, c, actor, order_id)
    shipment = next(x for x in order.shipments if x.id == shipment_id)
    return ShipmentWithOrder(**dict(shipment), order=order)


@router.post("/shipments/{shipment_id}/events")
def carrier_event(
    shipment_id: Id, body: CarrierEventIn, actor: OperatorActor, c: ContainerDep, s: ReadSession
) -> Shipment:
    """The carrier feed: in_transit, delivered, refused, returned_to_sender, delivered_to_sender."""
    if body.at is not None and body.at.tzinfo is None:
        raise InvalidInput("at", "time_without_offset")
    shipping.record_carrier_event(
        c.uow(),
        c.ctx,
        actor=actor,
        shipment_id=shipment_id,
        event=CarrierEvent(body.type),
        at=body.at,
    )
    order_id = shipment_order_id(s, shipment_id)
    assert order_id is not None
    detail = order_detail(s, actor, order_id, c.clock.now())
    assert detail is not None
    return next(Shipment.of(x) for x in detail.shipments if x.id == shipment_id)
