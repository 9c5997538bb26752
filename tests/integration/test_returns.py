"""§4 buyer returns on a real database, through the use cases: R1 eligibility with its dates,
R2 answers (approve, decline, one offer, accepted or declined), R3 shipping back, R4 receiving
and the refund (R5 amounts), withdrawal — and every deadline deciding while the worker is
down: a read settles it, a late action gets 409 with the deadline, the worker's late firing
changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from recourse.container import Container
from recourse.domain.order import NewLine
from recourse.domain.returns import Condition, ReturnLine, ReturnStatus
from recourse.domain.roles import Role
from recourse.domain.shipment import CarrierEvent
from recourse.integrations.clock import FixedClock
from recourse.services import returns
from tests.factories import (
    actor_of,
    carrier_event,
    get_order,
    make_order,
    make_store,
    make_user,
    pay,
    ship_all,
)
from tests.integration.support import run_worker

BUYER = "rhea@example.com"
SELLER = "sol@example.com"
ADDRESS = "Maison Lune, Returns desk, Hauptstr. 1, 10115 Berlin"


@pytest.fixture
def world(container: Container, clock: FixedClock) -> dict[str, int]:
    store = make_store(container, name="Maison Lune", restocking_fee_percent=10)
    with container.uow() as uow:
        uow.returns.set_store_return_address(store, ADDRESS)
        uow.commit()
    buyer = make_user(container, role=Role.buyer, email=BUYER, name="Rhea")
    seller = make_user(container, role=Role.seller, email=SELLER, store_ids=[store])
    order = make_order(
        container,
        buyer_id=buyer,
        store_id=store,
        shipping_fee=500,
        lines=[
            NewLine("SKU-1", "Desk lamp", 2500, 2, 0, 500),
            NewLine("SKU-2", "Bulb", 1000, 1, 0, 200),
        ],
    )
    pay(container, order)
    shipment = ship_all(container, order)
    clock.advance(timedelta(days=1))
    carrier_event(container, shipment, CarrierEvent.delivered)
    o = get_order(container, order)
    return {
        "store": store,
        "buyer": buyer,
        "seller": seller,
        "order": order,
        "lamp": o.lines[0].id,
        "bulb": o.lines[1].id,
    }


def _request(
    c: Container, w: dict[str, int], reason: str = "no_longer_needed", **kw: object
) -> int:
    return returns.request_return(
        c.uow(),
        c.ctx,
        actor=actor_of(c, w["buyer"]),
        order_id=w["order"],
        lines=kw.pop("lines", [ReturnLine(w["lamp"], 1)]),  # type: ignore[arg-type]
        reason=reason,
        description=kw.pop("description", "Too bright"),  # type: ignore[arg-type]
    )


def _get(c: Container, return_id: int) -> object:
    with c.uow() as uow:
        return uow.returns.get(return_id)


def test_smoke_full_path(container: Container, clock: FixedClock, world: dict[str, int]) -> None:
    c, w = container, world
    rid = _request(c, w)
    seller = actor_of(c, w["seller"])
    buyer = actor_of(c, w["buyer"])
    r = returns.approve_return(c.uow(), c.ctx, actor=seller, return_id=rid)
    assert r.status is ReturnStatus.approved and r.return_address == ADDRESS
    r = returns.ship_return(
        c.uow(), c.ctx, actor=buyer, return_id=rid, carrier="DHL", tracking_number="R1"
    )
    assert r.return_shipment_id is not None
    carrier_event(c, r.return_shipment_id, CarrierEvent.delivered)
    r2 = _get(c, rid)
    assert r2.status is ReturnStatus.delivered  # type: ignore[attr-defined]
    r = returns.receive_return(c.uow(), c.ctx, actor=seller, return_id=rid, condition=Condition.ok)
    assert r.status is ReturnStatus.refunded and r.refund_id is not None
    run_worker(c)
