"""§2 confirm receipt in the API: the buyer's token completes the order (typed answer); the
conflicts are 409 with their code and facts; others' tokens are refused or not found."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from recourse.container import Container
from recourse.domain.roles import Role
from recourse.integrations.clock import FixedClock
from tests.factories import get_order, make_order, make_store, make_user, pay, ship_all
from tests.web.api_helpers import operator_headers, user_headers


def _order(container: Container) -> int:
    store = make_store(container)
    buyer = make_user(container, role=Role.buyer, email="ann@example.com")
    make_user(container, role=Role.seller, email="sam@example.com", store_ids=[store])
    make_user(container, role=Role.buyer, email="other@example.com")
    order = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order)
    return order


def test_confirm_receipt(client: TestClient, container: Container, clock: FixedClock) -> None:
    order = _order(container)
    url = f"/api/v1/orders/{order}/confirm-receipt"
    buyer = user_headers(container, "ann@example.com")
    early = client.post(url, headers=buyer)
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "receipt_not_possible"
    assert early.json()["error"]["status"] == "awaiting_shipment"
    ship_all(container, order)
    assert client.post(url, headers=user_headers(container, "other@example.com")).status_code == 404
    assert client.post(url, headers=user_headers(container, "sam@example.com")).status_code == 403
    assert client.post(url, headers=operator_headers(container)).status_code == 403
    done = client.post(url, headers=buyer)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "completed"
    assert done.json()["order_id"] == order
    assert done.json()["completed_at"].startswith(clock.now().strftime("%Y-%m-%dT%H:%M"))
    read = client.get(f"/api/v1/orders/{order}", headers=buyer).json()
    assert read["status"] == "completed"
    again = client.post(url, headers=buyer)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "receipt_not_possible")


def test_protection_ended(client: TestClient, container: Container, clock: FixedClock) -> None:
    order = _order(container)
    ship_all(container, order)
    ends = get_order(container, order).deadlines.protection_ends_at
    assert ends is not None
    clock.set(ends + timedelta(hours=2))
    late = client.post(
        f"/api/v1/orders/{order}/confirm-receipt",
        headers=user_headers(container, "ann@example.com"),
    )
    assert late.status_code == 409
    error = late.json()["error"]
    assert error["code"] == "protection_ended"
    assert error["protection_ends_at"] == ends.isoformat()


def test_the_options_name_confirm_receipt(client: TestClient, container: Container) -> None:
    order = _order(container)
    ship_all(container, order)
    found = client.get(
        f"/api/v1/orders/{order}/options", headers=user_headers(container, "ann@example.com")
    ).json()
    paths = {o["path"]: o for o in found["options"]}
    assert paths["confirm_receipt"]["open"] is True
    assert paths["confirm_receipt"]["help_url"] == "/help/confirm-receipt-and-protection"
    assert paths["confirm_receipt"]["closes_at"] is not None
