"""Plain factory functions with keyword defaults; each goes through the real use cases."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from recourse.container import Container
from recourse.domain.order import NewLine, Order, PaymentMethod, PaymentStatus, order_totals
from recourse.domain.roles import Actor, Role
from recourse.domain.shipment import CarrierEvent, ShipmentLine
from recourse.services import accounts, orders, shipping, stores

OPERATOR = Actor(Role.operator)
PASSWORD = "correct horse battery"
_seq = itertools.count(1)


def make_store(
    c: Container,
    *,
    name: str | None = None,
    country: str = "DE",
    return_address: str | None = None,
    **policy: Any,
) -> int:
    return stores.create_store(
        c.uow(),
        c.ctx,
        actor=OPERATOR,
        name=name or f"Store {next(_seq)}",
        country=country,
        policy=policy or None,
        return_address=return_address,
    )


def make_user(
    c: Container,
    *,
    role: Role = Role.buyer,
    email: str | None = None,
    name: str | None = None,
    country: str = "DE",
    timezone: str = "Europe/Berlin",
    store_ids: Sequence[int] = (),
    password: str = PASSWORD,
    locale: str = "en",
) -> int:
    n = next(_seq)
    return accounts.create_user(
        c.uow(),
        c.ctx,
        c.hasher,
        actor=OPERATOR,
        data=accounts.UserInput(
            email=email or f"{role}{n}@example.com",
            name=name or f"{str(role).capitalize()} {n}",
            role=role,
            country=country,
            timezone=timezone,
            password=password,
            store_ids=tuple(store_ids),
            locale=locale,
        ),
    )


def actor_of(c: Container, user_id: int) -> Actor:
    user = accounts.actor_for_user(c.uow(), user_id)
    assert user is not None
    return user.actor()


def make_order(
    c: Container,
    *,
    buyer_id: int,
    store_id: int,
    currency: str = "EUR",
    shipping_fee: int = 499,
    payment_method: PaymentMethod = PaymentMethod.card,
    lines: Sequence[NewLine] | None = None,
    country: str | None = None,
) -> int:
    return orders.ingest_order(
        c.uow(),
        c.ctx,
        actor=OPERATOR,
        data=orders.OrderInput(
            buyer_id=buyer_id,
            store_id=store_id,
            currency=currency,
            shipping_fee=shipping_fee,
            payment_method=payment_method,
            lines=list(lines or [NewLine("SKU-1", "Desk lamp", 2500, 2, 0, 475)]),
            country=country,
        ),
    )


def pay(c: Container, order_id: int) -> Order:
    with c.uow() as uow:
        order = uow.orders.get(order_id)
    assert order is not None
    amount = order_totals(order.currency, order.lines, order.shipping_fee).total.minor
    return orders.record_payment(
        c.uow(),
        c.ctx,
        actor=OPERATOR,
        order_id=order_id,
        status=PaymentStatus.captured,
        amount=amount,
        reference=f"ch_{order_id}",
    )


def ship_all(c: Container, order_id: int, *, actor: Actor = OPERATOR) -> int:
    with c.uow() as uow:
        order = uow.orders.get(order_id)
    assert order is not None
    return shipping.ship_order(
        c.uow(),
        c.ctx,
        actor=actor,
        order_id=order_id,
        lines=[
            ShipmentLine(line.id, line.qty.unshipped) for line in order.lines if line.qty.unshipped
        ],
        carrier="DHL",
        tracking_number=f"JJD{order_id:010d}",
    )


def carrier_event(c: Container, shipment_id: int, event: CarrierEvent) -> None:
    shipping.record_carrier_event(
        c.uow(), c.ctx, actor=OPERATOR, shipment_id=shipment_id, event=event
    )


def get_order(c: Container, order_id: int) -> Order:
    with c.uow() as uow:
        order = uow.orders.get(order_id)
    assert order is not None
    return order
