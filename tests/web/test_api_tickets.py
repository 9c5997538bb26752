"""H2 "Contact support" in the API: opening a ticket with a buyer's or seller's token, the
double submit, and support's queue."""

from __future__ import annotations

from fastapi.testclient import TestClient

from recourse.container import Container
from recourse.domain.roles import Role
from tests.factories import make_order, make_store, make_user, pay
from tests.web.api_helpers import operator_headers, user_headers


def _order(container: Container) -> int:
    store = make_store(container)
    buyer = make_user(container, role=Role.buyer, email="ann@example.com")
    make_user(container, role=Role.seller, email="sam@example.com", store_ids=[store])
    make_user(container, role=Role.support, email="sue@example.com")
    make_user(container, role=Role.buyer, email="other@example.com")
    order = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order)
    return order


def test_open_then_list(client: TestClient, container: Container) -> None:
    order = _order(container)
    buyer = user_headers(container, "ann@example.com")
    url = f"/api/v1/orders/{order}/support-tickets"
    created = client.post(url, json={"message": " Where is it? "}, headers=buyer)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["message"] == "Where is it?"
    assert (body["order_id"], body["opener_role"], body["status"]) == (order, "buyer", "open")
    again = client.post(url, json={"message": "Where is it?"}, headers=buyer)
    assert (again.status_code, again.json()["id"]) == (200, body["id"])
    seller = client.post(
        url, json={"message": "Hi"}, headers=user_headers(container, "sam@example.com")
    )
    assert seller.status_code == 201 and seller.json()["opener_role"] == "seller"

    for headers in (user_headers(container, "sue@example.com"), operator_headers(container)):
        listed = client.get("/api/v1/support-tickets?status=open", headers=headers)
        assert listed.status_code == 200
        assert [t["id"] for t in listed.json()["data"]] == [body["id"], seller.json()["id"]]
    assert client.get("/api/v1/support-tickets", headers=buyer).status_code == 403


def test_refusals(client: TestClient, container: Container) -> None:
    order = _order(container)
    url = f"/api/v1/orders/{order}/support-tickets"
    buyer = user_headers(container, "ann@example.com")
    blank = client.post(url, json={"message": "   "}, headers=buyer)
    assert blank.status_code == 422
    long = client.post(url, json={"message": "x" * 4001}, headers=buyer)
    assert long.status_code == 422 and "4,000" in long.text
    control = client.post(url, json={"message": "a\x07b"}, headers=buyer)
    assert control.status_code == 422
    other = client.post(
        url, json={"message": "Hi"}, headers=user_headers(container, "other@example.com")
    )
    assert other.status_code == 404
    support = client.post(
        url, json={"message": "Hi"}, headers=user_headers(container, "sue@example.com")
    )
    assert support.status_code == 403
    assert client.post(url, json={"message": "Hi"}).status_code == 401
