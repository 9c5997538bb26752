"""S1/S2 in the API: the carrier feed reports a parcel refused (`POST /shipments/{id}/events`)
and the order's returns show the `refused_delivery` return that opened by itself; the order
lists the parcel with its direction and the return it carries; the buyer gives a reason (its
fault decides the outbound shipping), once; the seller confirms the parcel is back and the
buyer is refunded at once; the carrier's `delivered_to_sender` starts `refund_by`; another
party reads and acts on none of it (404)."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from recourse.container import Container
from recourse.domain.order import NewLine
from recourse.domain.roles import Role
from recourse.integrations.clock import FixedClock
from tests.factories import get_order, make_order, make_store, make_user, pay, ship_all
from tests.web.api_helpers import operator_headers, user_headers

BUYER = "petra@example.com"
SELLER = "otto@example.com"
OTHER_BUYER = "someone@example.com"
OTHER_SELLER = "elsewhere@example.com"


def _shipped(c: Container, clock: FixedClock) -> dict[str, int]:
    store = make_store(c)
    buyer = make_user(c, role=Role.buyer, email=BUYER)
    make_user(c, role=Role.seller, email=SELLER, store_ids=[store])
    make_user(c, role=Role.seller, email=OTHER_SELLER, store_ids=[make_store(c)])
    make_user(c, role=Role.buyer, email=OTHER_BUYER)
    order = make_order(
        c,
        buyer_id=buyer,
        store_id=store,
        shipping_fee=500,
        lines=[NewLine("SKU-1", "Desk lamp", 2500, 2, 0, 500)],
    )
    pay(c, order)
    shipment = ship_all(c, order)
    clock.advance(timedelta(days=1))
    return {"order": order, "shipment": shipment, "line": get_order(c, order).lines[0].id}


def _report(client: TestClient, c: Container, shipment: int, event: str) -> None:
    answer = client.post(
        f"/api/v1/shipments/{shipment}/events", json={"type": event}, headers=operator_headers(c)
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == event


def _parcel_return(client: TestClient, c: Container, order: int) -> dict:  # type: ignore[type-arg]
    listed = client.get(f"/api/v1/orders/{order}/returns", headers=user_headers(c, BUYER))
    assert listed.status_code == 200, listed.text
    [ret] = listed.json()["data"]
    return ret  # type: ignore[no-any-return]


def test_a_refused_parcel_opens_its_return_and_the_sellers_confirmation_refunds(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    w = _shipped(container, clock)
    buyer, seller = user_headers(container, BUYER), user_headers(container, SELLER)

    _report(client, container, w["shipment"], "refused")

    ret = _parcel_return(client, container, w["order"])
    assert (ret["kind"], ret["status"]) == ("refused_delivery", "parcel_returning")
    assert ret["lines"] == [{"line_id": w["line"], "quantity": 2}]
    # no reason yet: the units' price and tax, not the outbound shipping
    assert ret["quote"]["total"]["amount"] == 5500
    order = client.get(f"/api/v1/orders/{w['order']}", headers=buyer).json()
    [parcel] = order["shipments"]
    assert (parcel["direction"], parcel["return_id"]) == ("outbound", ret["id"])
    assert parcel["status"] == "refused"

    received = client.post(
        f"/api/v1/returns/{ret['id']}/receive", json={"condition": "ok"}, headers=seller
    )

    assert received.status_code == 200, received.text
    done = received.json()
    assert done["status"] == "refunded"
    assert done["refund"]["amount"]["amount"] == 5500
    after = client.get(f"/api/v1/orders/{w['order']}", headers=buyer).json()
    assert after["status"] in {"completed", "closed"}
    assert [line["quantities"]["returned"] for line in after["lines"]] == [2]


def test_the_buyers_reason_puts_the_outbound_shipping_on_the_seller(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    w = _shipped(container, clock)
    buyer, seller = user_headers(container, BUYER), user_headers(container, SELLER)
    _report(client, container, w["shipment"], "returned_to_sender")
    rid = _parcel_return(client, container, w["order"])["id"]

    given = client.post(f"/api/v1/returns/{rid}/reason", json={"reason": "damaged"}, headers=buyer)

    assert given.status_code == 200, given.text
    assert (given.json()["reason"], given.json()["category"]) == ("damaged", "not_as_described")
    assert given.json()["quote"]["total"]["amount"] == 5500 + 500
    again = client.post(
        f"/api/v1/returns/{rid}/reason", json={"reason": "wrong_item"}, headers=buyer
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "parcel_return.reason_given"
    by_seller = client.post(
        f"/api/v1/returns/{rid}/reason", json={"reason": "damaged"}, headers=seller
    )
    assert by_seller.status_code == 403
    empty = client.post(f"/api/v1/returns/{rid}/reason", json={}, headers=buyer)
    assert empty.status_code == 422

    received = client.post(
        f"/api/v1/returns/{rid}/receive", json={"condition": "ok"}, headers=seller
    )
    assert received.json()["refund"]["amount"]["amount"] == 6000


def test_back_with_the_seller_the_refund_waits_for_refund_by(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    w = _shipped(container, clock)
    _report(client, container, w["shipment"], "refused")
    clock.advance(timedelta(days=2))

    _report(client, container, w["shipment"], "delivered_to_sender")

    ret = _parcel_return(client, container, w["order"])
    assert ret["status"] == "delivered"
    assert ret["deadlines"]["refund_by"] is not None
    assert ret["due_at"] == ret["deadlines"]["refund_by"]


def test_another_party_neither_reads_nor_acts_on_a_parcel_return(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    w = _shipped(container, clock)
    _report(client, container, w["shipment"], "refused")
    rid = _parcel_return(client, container, w["order"])["id"]
    other_buyer = user_headers(container, OTHER_BUYER)
    other_seller = user_headers(container, OTHER_SELLER)

    for headers in (other_buyer, other_seller):
        assert client.get(f"/api/v1/returns/{rid}", headers=headers).status_code == 404
        listed = client.get(f"/api/v1/orders/{w['order']}/returns", headers=headers)
        assert listed.status_code == 404
    reason = client.post(
        f"/api/v1/returns/{rid}/reason", json={"reason": "damaged"}, headers=other_buyer
    )
    assert reason.status_code == 404
    receive = client.post(
        f"/api/v1/returns/{rid}/receive", json={"condition": "ok"}, headers=other_seller
    )
    assert receive.status_code == 404
    assert _parcel_return(client, container, w["order"])["status"] == "parcel_returning"


def _paths(client: TestClient, c: Container, order: int, email: str) -> dict[str, dict]:  # type: ignore[type-arg]
    answer = client.get(f"/api/v1/orders/{order}/options", headers=user_headers(c, email))
    assert answer.status_code == 200, answer.text
    return {o["path"]: o for o in answer.json()["options"]}


def test_the_guide_follows_the_parcel_from_the_door_to_the_refund(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    w = _shipped(container, clock)
    buyer = user_headers(container, BUYER)

    going = _paths(client, container, w["order"], BUYER)
    assert going["refuse_delivery"]["open"] is True
    assert going["refuse_delivery"]["help_url"].endswith("/help/refusing-a-delivery")
    assert "give_reason" not in going
    assert "confirm_parcel_back" not in _paths(client, container, w["order"], SELLER)

    _report(client, container, w["shipment"], "refused")
    rid = _parcel_return(client, container, w["order"])["id"]

    back = _paths(client, container, w["order"], BUYER)
    assert back["refuse_delivery"]["blocker"]["code"] == "parcel.nothing_going_out"
    assert (back["give_reason"]["open"], back["give_reason"]["facts"]) == (True, {"return_id": rid})
    confirm = _paths(client, container, w["order"], SELLER)["confirm_parcel_back"]
    assert (confirm["open"], confirm["facts"]) == (True, {"return_id": rid})

    client.post(f"/api/v1/returns/{rid}/reason", json={"reason": "wrong_size"}, headers=buyer)

    given = _paths(client, container, w["order"], BUYER)["give_reason"]
    assert given["open"] is False
    assert given["blocker"]["code"] == "parcel_return.reason_given"
    assert given["blocker"]["message"] == "You already said why the parcel came back."
