"""The demo's orders: who bought what and where each order stands today, and the use cases that
place, pay for and ship them and record the carrier's scans."""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from datetime import datetime

from recourse.demo_data.clock import History
from recourse.demo_data.marketplace import (
    OPERATOR,
    PEOPLE,
    STORES,
    VAT_PERCENT,
    Carrier,
    Person,
    StoreSpec,
)
from recourse.domain.order import NewLine, OrderStatus, PaymentMethod, PaymentStatus, order_totals
from recourse.domain.roles import Role
from recourse.domain.shipment import CarrierEvent, ShipmentLine
from recourse.services import orders, shipping

# Who bought what, and where each order stands today; ":variant" adds a twist to its story.
PLAN = """
    buyer  volt    awaiting_payment payment_review awaiting_shipment awaiting_shipment:overdue
    buyer  volt    shipped shipped:partial delivered delivered:two_parcels completed completed
    buyer  volt    cancelled cancelled:by_buyer
    buyer  lune    awaiting_shipment:requested cancelled:expired cancelled:by_seller
    buyer  lune    shipped delivered completed
    buyer  kanade  awaiting_shipment completed
    buyer  oud     delivered
    amelie lune    awaiting_payment:failed awaiting_shipment awaiting_shipment:overdue shipped
    amelie lune    delivered:two_parcels completed cancelled awaiting_shipment:requested
    amelie volt    delivered completed
    kenji  kanade  payment_review awaiting_shipment awaiting_shipment:overdue shipped delivered
    kenji  kanade  delivered completed cancelled:failed
    kenji  volt    shipped completed
    fatima oud     awaiting_payment awaiting_shipment shipped delivered delivered completed
    fatima oud     completed:two_parcels cancelled
    fatima lune    delivered completed
    lucas  volt    awaiting_payment:bank_transfer shipped cancelled
    lucas  kanade  delivered completed
    lucas  lune    completed
    jordan volt    awaiting_shipment:bank_transfer delivered completed
    jordan oud     shipped
    jordan kanade  delivered completed:bank_transfer
    noah   volt    awaiting_shipment delivered delivered completed completed
    noah   lune    shipped delivered
    lucia  volt    awaiting_shipment shipped delivered cancelled:by_buyer
    lucia  lune    awaiting_shipment:requested completed
    buyer  volt    shipped:ticket delivered:ticket_closed
    lucia  volt    shipped:ticket
    buyer  lune    completed:confirmed delivered:extension
    lucia  volt    completed:confirmed
    buyer  volt    delivered:return_requested delivered:return_delivered shipped:refused
    buyer  lune    delivered:return_offered delivered:return_offer_accepted
    amelie volt    delivered:return_approved
    amelie lune    delivered:return_problem
    kenji  kanade  delivered:return_declined
    kenji  volt    shipped:intercepted
    noah   lune    delivered:return_shipped
    noah   volt    shipped:refused_back
    lucia  lune    delivered:return_refunded
    fatima oud     closed:return_refunded_in_full delivered:return_unanswered
    jordan volt    delivered:return_closed
    jordan lune    closed:refused_refunded
    lucas  volt    delivered:return_withdrawn
    buyer  lune    shipped:conversation shipped:intercept_waiting
    lucia  volt    shipped:intercept_cannot
"""


@dataclass(eq=False)
class Order:
    """One planned order: what it holds, and the ids the use cases gave it along the way."""

    buyer: Person
    store: StoreSpec
    status: OrderStatus
    variant: str
    lines: list[NewLine]
    shipping_fee: int
    method: PaymentMethod
    id: int = 0
    ticket_id: int = 0
    line_ids: dict[str, int] = field(default_factory=dict)
    parcels: dict[int, int] = field(default_factory=dict)

    @property
    def abroad(self) -> bool:
        return self.buyer.country != self.store.country

    @property
    def carrier(self) -> Carrier:
        return self.store.carriers[1 if self.abroad else 0]


def plan(history: History) -> list[Order]:
    """Every order of PLAN, in the plan's order, with its lines, shipping fee and payment method."""
    by_key = {spec.key: spec for spec in STORES}
    buyers = {person.key: person for person in PEOPLE if person.role is Role.buyer}
    planned = []
    for row in PLAN.strip().splitlines():
        buyer_key, store_key, *statuses = row.split()
        for token in statuses:
            status, _, variant = token.partition(":")
            buyer, spec = buyers[buyer_key], by_key[store_key]
            planned.append(_planned_order(history, buyer, spec, OrderStatus(status), variant))
    return planned


def _planned_order(
    history: History, buyer: Person, spec: StoreSpec, status: OrderStatus, variant: str
) -> Order:
    rng = history.rng
    count = rng.choices((1, 2, 3, 4), weights=(45, 30, 18, 7))[0]
    # a return of one unit leaves the rest of the order with the buyer
    several = variant in ("partial", "two_parcels") or variant.startswith("return_")
    count = max(count, 2 if several else 1)
    vat = VAT_PERCENT.get(buyer.country, 0) if buyer.country in spec.vat_zone else 0
    lines = []
    for product in rng.sample(spec.products, count):
        quantity = rng.choice((1, 1, 1, 2, 3)) if product.price * 4 < spec.free_over else 1
        gross = product.price * quantity
        discount = gross * rng.choice((10, 15, 20)) // 100 if rng.random() < 0.25 else 0
        tax = ((gross - discount) * vat + 50) // 100
        lines.append(NewLine(product.sku, product.title, product.price, quantity, discount, tax))
    subtotal = sum(line.gross - line.discount for line in lines)
    if buyer.country != spec.country:
        fee = spec.fees[1]
    else:
        fee = 0 if subtotal >= spec.free_over else spec.fees[0]
    if variant == "bank_transfer":
        method = PaymentMethod.bank_transfer
    else:
        method = rng.choice((PaymentMethod.card,) * 3 + (PaymentMethod.wallet,))
    return Order(buyer, spec, status, variant, lines, fee, method)


def place(history: History, o: Order, *, fire_pay_by: bool = False) -> None:
    history.order_number += history.rng.randint(3, 40)
    o.id = orders.ingest_order(
        history.c.uow(),
        history.ctx,
        actor=OPERATOR,
        data=orders.OrderInput(
            buyer_id=history.users[o.buyer.key],
            store_id=history.store_ids[o.store.key],
            currency=o.store.currency,
            shipping_fee=o.shipping_fee,
            payment_method=o.method,
            lines=o.lines,
            external_id=f"MKT-{history.order_number}",
        ),
    )
    with history.c.uow() as uow:
        order = uow.orders.get(o.id)
    assert order is not None
    o.line_ids = {line.sku: line.id for line in order.lines}
    if fire_pay_by and order.deadlines.pay_by is not None:
        history.tick(order.deadlines.pay_by)


def pay(history: History, o: Order, status: PaymentStatus) -> None:
    total = order_totals(o.store.currency, o.lines, o.shipping_fee).total.minor
    orders.record_payment(
        history.c.uow(),
        history.ctx,
        actor=OPERATOR,
        order_id=o.id,
        status=status,
        amount=total if status is PaymentStatus.captured else None,
        reference="pi_" + "".join(history.rng.choices(string.ascii_letters + string.digits, k=24)),
    )


def ship(history: History, o: Order, n: int, skus: list[str], tracking: str) -> None:
    quantities = {line.sku: line.quantity for line in o.lines}
    o.parcels[n] = shipping.ship_order(
        history.c.uow(),
        history.ctx,
        actor=history.shippers[o.store.key],
        order_id=o.id,
        lines=[ShipmentLine(o.line_ids[sku], quantities[sku]) for sku in skus],
        carrier=o.carrier.name,
        tracking_number=tracking,
    )
    if n == 0 and o.status is OrderStatus.completed:
        with history.c.uow() as uow:
            order = uow.orders.get(o.id)
        assert order is not None and order.deadlines.protection_ends_at is not None
        history.tick(order.deadlines.protection_ends_at)


def scan(history: History, o: Order, n: int, event: CarrierEvent, happened: datetime) -> None:
    shipping.record_carrier_event(
        history.c.uow(),
        history.ctx,
        actor=OPERATOR,
        shipment_id=o.parcels[n],
        event=event,
        at=happened,
    )
