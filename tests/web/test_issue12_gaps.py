"""§4 through the API, where the other tests stop short: R5's original shipping, refunded by a
not-as-described return only when every unit is back (observable once an earlier remorse return
kept its deductions, so the F2 cap does not hide it); a store that refuses remorse returns
answers the request itself with 409 and stores nothing; and the deadlines of R3, R4 and S2
read, with no worker, as what they decided: the return closed or refunded, the step no longer
offered, the late action told its deadline."""

from __future__ import annotations

import html
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from recourse.cli import _worker
from recourse.container import Container
from recourse.db.queries.refunds import refunds_of_order
from recourse.domain.order import NewLine
from recourse.domain.roles import Role
from recourse.domain.shipment import CarrierEvent
from recourse.integrations.clock import FixedClock
from tests.factories import (
    carrier_event,
    get_order,
    make_order,
    make_store,
    make_user,
    pay,
    ship_all,
)
from tests.web.api_helpers import operator_headers, user_headers
from tests.web.test_pages import login
from tests.web.test_pages_returns import _delivered as pages_delivered
from tests.web.test_pages_returns import _request as pages_request

BUYER = "rhea@example.com"
SELLER = "sol@example.com"
ADDRESS = "Maison Lune, Returns desk, Hauptstr. 1, 10115 Berlin"


def _delivered(c: Container, clock: FixedClock, **policy: Any) -> dict[str, int]:
    """Two lamps (2 x 25.00 + 5.00 tax), a bulb (10.00 + 2.00 tax), shipping 5.00: 72.00."""
    store = make_store(c, return_address=ADDRESS, **policy)
    buyer = make_user(c, role=Role.buyer, email=BUYER)
    make_user(c, role=Role.seller, email=SELLER, store_ids=[store])
    order = make_order(
        c,
        buyer_id=buyer,
        store_id=store,
        shipping_fee=500,
        lines=[
            NewLine("SKU-1", "Desk lamp", 2500, 2, 0, 500),
            NewLine("SKU-2", "Bulb", 1000, 1, 0, 200),
        ],
    )
    pay(c, order)
    shipment = ship_all(c, order)
    clock.advance(timedelta(days=1))
    carrier_event(c, shipment, CarrierEvent.delivered)
    lamp, bulb = (line.id for line in get_order(c, order).lines)
    return {"order": order, "shipment": shipment, "lamp": lamp, "bulb": bulb}


def _body(units: dict[int, int], reason: str, description: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "lines": [{"line_id": line, "quantity": qty} for line, qty in units.items()],
        "reason": reason,
    }
    if description is not None:
        body["description"] = description
    return body


def _amounts(quote: dict[str, Any]) -> tuple[int, int, int, int, int]:
    q = quote["quote"]
    items, tax, shipping, fees, total = (
        int(q[part]["amount"]) for part in ("items", "tax", "shipping", "fees", "total")
    )
    return items, tax, shipping, fees, total


def _return_and_refund(
    client: TestClient, c: Container, order: int, body: dict[str, Any], key: str
) -> dict[str, Any]:
    """Ask, approve, ship back, confirm receipt: the return as it ends."""
    buyer, seller = user_headers(c, BUYER), user_headers(c, SELLER)
    made = client.post(
        f"/api/v1/orders/{order}/returns", json=body, headers={**buyer, "Idempotency-Key": key}
    )
    assert made.status_code == 201, made.text
    rid = made.json()["id"]
    assert client.post(f"/api/v1/returns/{rid}/approve", json={}, headers=seller).status_code == 200
    shipped = client.post(
        f"/api/v1/returns/{rid}/ship",
        json={"carrier": "DHL", "tracking_number": f"RET-{key}"},
        headers=buyer,
    )
    assert shipped.status_code == 200, shipped.text
    received = client.post(
        f"/api/v1/returns/{rid}/receive", json={"condition": "ok"}, headers=seller
    )
    assert received.status_code == 200, received.text
    return received.json()  # type: ignore[no-any-return]


def _paths(client: TestClient, c: Container, order: int, email: str) -> dict[str, Any]:
    answer = client.get(f"/api/v1/orders/{order}/options", headers=user_headers(c, email))
    assert answer.status_code == 200, answer.text
    return {o["path"]: o for o in answer.json()["options"]}


# R5: the original shipping goes back with a not-as-described return only if every unit does


def test_not_as_described_refunds_the_original_shipping_only_when_every_unit_is_back(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    c = container
    w = _delivered(c, clock)
    buyer = user_headers(c, BUYER)
    # a remorse return of one lamp first: 2500 + 250, less the return shipping the buyer pays
    first = _return_and_refund(client, c, w["order"], _body({w["lamp"]: 1}, "wrong_size"), "r1")
    assert first["refund"]["amount"]["amount"] == 2250
    # 7200 - 2250 = 4950 left of the capture: room for both shippings on what remains
    quote_url = f"/api/v1/orders/{w['order']}/return-quote"
    part = client.post(quote_url, json=_body({w["bulb"]: 1}, "damaged"), headers=buyer)
    assert part.status_code == 200, part.text
    # the bulb alone leaves a lamp with the buyer: its price, tax and the return shipping
    assert _amounts(part.json()) == (1000, 200, 500, 0, 1700)
    every = client.post(
        quote_url, json=_body({w["lamp"]: 1, w["bulb"]: 1}, "damaged"), headers=buyer
    )
    assert every.status_code == 200, every.text
    # every unit back: the original shipping (500) joins the return shipping (500)
    assert _amounts(every.json()) == (3500, 450, 1000, 0, 4950)
    last = _return_and_refund(
        client,
        c,
        w["order"],
        _body({w["lamp"]: 1, w["bulb"]: 1}, "damaged", "Both arrived broken"),
        "r2",
    )
    assert last["refund"]["amount"]["amount"] == 4950
    with c.read_session() as s:
        refunds = refunds_of_order(s, w["order"])
    assert sorted(r.amount for r in refunds) == [2250, 4950]
    assert sum(r.amount for r in refunds) == get_order(c, w["order"]).payment.amount_captured


# R1: a store that refuses remorse returns refuses the request itself, not only its quote


def test_a_remorse_request_at_a_store_that_refuses_them_is_409_and_stores_nothing(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    c = container
    w = _delivered(c, clock, accepts_remorse_returns=False)
    buyer = user_headers(c, BUYER)
    refused = client.post(
        f"/api/v1/orders/{w['order']}/returns",
        json=_body({w["lamp"]: 1}, "no_longer_needed"),
        headers={**buyer, "Idempotency-Key": "remorse-1"},
    )
    assert refused.status_code == 409, refused.text
    error = refused.json()["error"]
    assert (error["code"], error["reason"]) == ("remorse_not_accepted", "no_longer_needed")
    assert "does not take back" in error["message"]
    listed = client.get(f"/api/v1/orders/{w['order']}/returns", headers=buyer)
    assert listed.json()["data"] == []
    # the guide offers only what is wrong with the item, until protection ends
    back = _paths(client, c, w["order"], BUYER)["return_items"]
    assert back["open"] is True
    assert back["facts"]["category"] == "not_as_described"
    assert back["facts"]["window_ends_at"] is None
    assert back["closes_at"] == back["facts"]["protection_ends_at"]


# §10 on R3, R4 and S2: a passed deadline reads as what it decided, with no worker


def test_a_passed_ship_by_reads_as_closed_and_no_longer_offers_shipping(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    c = container
    w = _delivered(c, clock)
    buyer, seller = user_headers(c, BUYER), user_headers(c, SELLER)
    rid = client.post(
        f"/api/v1/orders/{w['order']}/returns",
        json=_body({w["lamp"]: 1}, "wrong_size"),
        headers=buyer,
    ).json()["id"]
    approved = client.post(f"/api/v1/returns/{rid}/approve", json={}, headers=seller).json()
    ship_by = approved["deadlines"]["ship_by"]
    offered = _paths(client, c, w["order"], BUYER)["ship_return"]
    assert (offered["open"], offered["closes_at"]) == (True, ship_by)

    clock.set(datetime.fromisoformat(ship_by) + timedelta(minutes=1))
    read = client.get(f"/api/v1/returns/{rid}", headers=buyer).json()
    paths = _paths(client, c, w["order"], BUYER)

    assert read["status"] == "closed"
    assert read["refund"] is None
    assert "ship_return" not in paths or paths["ship_return"]["open"] is False
    late = client.post(
        f"/api/v1/returns/{rid}/ship",
        json={"carrier": "DHL", "tracking_number": "RET-LATE"},
        headers=buyer,
    )
    assert late.status_code == 409
    assert (late.json()["error"]["code"], late.json()["error"]["ship_by"]) == (
        "return_ship_by_passed",
        ship_by,
    )


def test_a_passed_refund_by_reads_as_refunded_and_no_longer_asks_the_seller(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    c = container
    w = _delivered(c, clock)
    buyer, seller = user_headers(c, BUYER), user_headers(c, SELLER)
    rid = client.post(
        f"/api/v1/orders/{w['order']}/returns",
        json=_body({w["lamp"]: 1}, "wrong_size"),
        headers=buyer,
    ).json()["id"]
    client.post(f"/api/v1/returns/{rid}/approve", json={}, headers=seller)
    shipped = client.post(
        f"/api/v1/returns/{rid}/ship",
        json={"carrier": "DHL", "tracking_number": "RET-1"},
        headers=buyer,
    ).json()
    parcel = shipped["return_shipment_id"]
    answer = client.post(
        f"/api/v1/shipments/{parcel}/events",
        json={"type": "delivered"},
        headers=operator_headers(c),
    )
    assert answer.status_code == 200, answer.text
    delivered = client.get(f"/api/v1/returns/{rid}", headers=seller).json()
    refund_by = delivered["deadlines"]["refund_by"]
    asked = _paths(client, c, w["order"], SELLER)["receive_return"]
    assert (asked["open"], asked["closes_at"]) == (True, refund_by)

    clock.set(datetime.fromisoformat(refund_by) + timedelta(minutes=1))
    read = client.get(f"/api/v1/returns/{rid}", headers=buyer).json()
    paths = _paths(client, c, w["order"], SELLER)

    assert read["status"] == "refunded"
    assert read["refund"]["amount"]["amount"] == 2250
    assert "receive_return" not in paths or paths["receive_return"]["open"] is False
    late = client.post(f"/api/v1/returns/{rid}/receive", json={"condition": "ok"}, headers=seller)
    assert late.status_code == 409
    assert (late.json()["error"]["code"], late.json()["error"]["refund_by"]) == (
        "return_refund_by_passed",
        refund_by,
    )


def test_a_parcel_back_past_its_refund_day_reads_as_refunded_with_no_worker(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    c = container
    store = make_store(c)
    buyer_id = make_user(c, role=Role.buyer, email=BUYER)
    make_user(c, role=Role.seller, email=SELLER, store_ids=[store])
    order = make_order(
        c,
        buyer_id=buyer_id,
        store_id=store,
        shipping_fee=500,
        lines=[NewLine("SKU-1", "Desk lamp", 2500, 2, 0, 500)],
    )
    pay(c, order)
    shipment = ship_all(c, order)
    clock.advance(timedelta(days=1))
    for event in ("refused", "delivered_to_sender"):
        answer = client.post(
            f"/api/v1/shipments/{shipment}/events",
            json={"type": event},
            headers=operator_headers(c),
        )
        assert answer.status_code == 200, answer.text
    buyer = user_headers(c, BUYER)
    [ret] = client.get(f"/api/v1/orders/{order}/returns", headers=buyer).json()["data"]
    refund_by = ret["deadlines"]["refund_by"]
    confirm = _paths(client, c, order, SELLER)["confirm_parcel_back"]
    assert confirm["open"] is True

    clock.set(datetime.fromisoformat(refund_by) + timedelta(minutes=1))
    read = client.get(f"/api/v1/returns/{ret['id']}", headers=buyer).json()
    paths = _paths(client, c, order, SELLER)

    assert read["status"] == "refunded"
    # the units' price and tax; no reason given, so the outbound shipping stays paid
    assert read["refund"]["amount"]["amount"] == 5500
    assert "confirm_parcel_back" not in paths or paths["confirm_parcel_back"]["open"] is False


# the returns journey's last step: the buyer reads the return's and the refund's email


def test_after_a_return_the_buyers_mailbox_holds_the_approval_and_the_refund(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    c = container
    w = _delivered(c, clock)
    done = _return_and_refund(
        client, c, w["order"], _body({w["lamp"]: 1}, "damaged", "Cracked shade"), "mail"
    )
    assert done["status"] == "refunded"
    _worker(c).run_once()
    assert login(client, BUYER).status_code == 303

    inbox = html.unescape(client.get("/mail").text)

    order = w["order"]
    assert f"Order #{order}: your return is approved — send it by" in inbox
    assert f"Refund of €32.50 for order #{order} is on its way" in inbox
    # the seller's own email stays in the seller's mailbox
    assert "the buyer asks to return items" not in inbox


# §10 on the pages: past respond_by the seller's page no longer offers an answer


def test_past_respond_by_the_pages_show_the_approval_with_no_worker(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    order = pages_delivered(container, return_address="Maison Lune\n1 Rue X\nParis")
    return_id = pages_request(client, container, order, "damaged")
    login(client, "sam@example.com")
    seller_url = f"/seller/orders/{order}/returns/{return_id}"
    asked = client.get(seller_url).text
    assert "Approve the return" in asked and "Decline the return" in asked

    # three business days of silence, and no worker has run
    clock.advance(timedelta(days=8))
    answered = client.get(seller_url).text
    login(client, "ann@example.com")
    buyer = client.get(f"/orders/{order}/returns/{return_id}").text

    assert "Approve the return" not in answered and "Decline the return" not in answered
    assert "1 Rue X" in buyer
    assert 'name="tracking_number"' in buyer
