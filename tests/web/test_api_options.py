"""H1 through the JSON API: GET /orders/{id}/options for buyer, seller and support — open or
closed, why in the reader's language, until when, the refund and its dates, the help article."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from recourse.container import Container
from recourse.domain.roles import Role
from recourse.integrations.clock import FixedClock
from tests.factories import get_order, make_order, make_store, make_user, pay, ship_all
from tests.web.api_helpers import operator_headers, user_headers


@pytest.fixture
def world(container: Container) -> dict:
    store = make_store(container, buyer_cancel="approval")
    buyer = make_user(container, role=Role.buyer, email="ann@example.com")
    make_user(container, role=Role.buyer, email="bob@example.com")
    make_user(container, role=Role.seller, email="sam@example.com", store_ids=[store])
    make_user(container, role=Role.support, email="sue@example.com")
    order = make_order(container, buyer_id=buyer, store_id=store)
    captured = pay(container, order).payment.amount_captured
    return {
        "order": order,
        "captured": captured,
        "url": f"/api/v1/orders/{order}/options",
        "op": operator_headers(container),
        "ann": user_headers(container, "ann@example.com"),
        "bob": user_headers(container, "bob@example.com"),
        "sam": user_headers(container, "sam@example.com"),
        "sue": user_headers(container, "sue@example.com"),
    }


def by_path(body: dict) -> dict[str, dict]:
    return {o["path"]: o for o in body["options"]}


def test_the_buyer_of_a_paid_order_can_cancel_and_sees_the_refund_and_its_dates(
    client: TestClient, world: dict, container: Container, clock: FixedClock
) -> None:
    clock.advance(timedelta(hours=2))
    answer = client.get(world["url"], headers=world["ann"])
    assert answer.status_code == 200
    paths = by_path(answer.json())
    assert list(paths)[:3] == ["cancel", "cancel_items", "withdraw_request"]
    cancel = paths["cancel"]
    order = get_order(container, world["order"])
    assert order.deadlines.ship_by is not None
    autocancel = order.deadlines.ship_by + timedelta(days=3)
    assert cancel["open"] is True
    assert cancel["blocker"] is None
    assert cancel["label"] == "Cancel the order"
    assert cancel["closes_at"] == autocancel.isoformat()
    assert cancel["facts"]["mode"] == "request"
    assert cancel["help_url"] == "/help/cancel-before-shipping"
    assert cancel["quote"]["total"]["amount"] == world["captured"]
    parts = cancel["quote"]["parts"]
    assert sum(p["amount"] for p in parts.values()) == world["captured"]
    assert cancel["expected"]["earliest"] <= cancel["expected"]["latest"]
    items = paths["cancel_items"]
    assert items["open"] is False
    assert items["blocker"]["code"] == "partial_cancel_not_allowed"
    assert items["blocker"]["message"] == "This store only cancels whole orders."
    assert items["alternatives"][0]["code"] == "cancel_whole_order"
    withdraw = paths["withdraw_request"]
    assert withdraw["blocker"]["code"] == "no_request_pending"
    assert withdraw["quote"] is None


def test_a_shipped_order_says_why_not_what_instead_and_where_to_read_more_in_spanish(
    client: TestClient, world: dict, container: Container
) -> None:
    ship_all(container, world["order"])
    body = client.get(world["url"], headers={**world["ann"], "Accept-Language": "es"}).json()
    cancel = by_path(body)["cancel"]
    assert cancel["open"] is False
    assert cancel["blocker"]["code"] == "already_shipped"
    assert cancel["blocker"]["facts"] == {}
    english = client.get(world["url"], headers=world["ann"]).json()
    message = by_path(english)["cancel"]["blocker"]["message"]
    assert message == "Everything in this order has shipped, so it can no longer be cancelled."
    assert cancel["blocker"]["message"] != message
    assert [a["code"] for a in cancel["alternatives"]] == [
        "ask_seller",
        "refuse_delivery",
        "return_after_delivery",
    ]
    assert cancel["alternatives"][0]["help_url"] == "/help/messages-and-stopping-a-parcel"
    assert cancel["help_url"] == "/help/cancel-before-shipping"
    assert cancel["opens_at"] is None
    assert cancel["quote"] is None


def test_the_seller_answers_a_pending_request_until_respond_by(
    client: TestClient, world: dict, clock: FixedClock
) -> None:
    clock.advance(timedelta(hours=2))
    order_url = f"/api/v1/orders/{world['order']}"
    request = client.post(
        f"{order_url}/cancellations", json={"reason": "found_cheaper"}, headers=world["ann"]
    ).json()
    paths = by_path(client.get(world["url"], headers=world["sam"]).json())
    assert list(paths)[:4] == ["approve_request", "reject_request", "ship", "cancel_as_seller"]
    assert paths["approve_request"]["open"] is True
    assert paths["approve_request"]["closes_at"] == request["respond_by"]
    assert paths["ship"]["blocker"]["code"] == "cancellation_pending"
    assert paths["cancel_as_seller"]["blocker"]["code"] == "request_pending"
    buyer = by_path(client.get(world["url"], headers=world["ann"]).json())
    assert buyer["withdraw_request"]["open"] is True
    assert buyer["withdraw_request"]["closes_at"] == request["respond_by"]
    assert buyer["cancel"]["blocker"]["code"] == "request_pending"
    # Silence approves the request at respond_by, worker or not: the order is cancelled.
    clock.advance(timedelta(hours=48))
    after = by_path(client.get(world["url"], headers=world["sam"]).json())
    assert after["approve_request"]["blocker"]["code"] == "no_request_pending"
    assert after["ship"]["blocker"]["code"] == "order_cancelled"


def test_support_refunds_what_is_refundable(client: TestClient, world: dict) -> None:
    body = client.get(world["url"], headers=world["sue"]).json()
    refund = by_path(body)["refund"]
    assert refund["open"] is True
    assert refund["facts"]["refundable"] == world["captured"]
    assert refund["help_url"] == "/help/refund-timing"


def test_an_unpaid_order_has_nothing_to_refund_and_nothing_to_ship_yet(
    client: TestClient, world: dict, container: Container
) -> None:
    buyer = make_user(container, role=Role.buyer, email="cat@example.com")
    order = make_order(
        container, buyer_id=buyer, store_id=get_order(container, world["order"]).store_id
    )
    url = f"/api/v1/orders/{order}/options"
    refund = by_path(client.get(url, headers=world["sue"]).json())["refund"]
    assert refund["blocker"]["code"] == "nothing_to_refund"
    assert refund["blocker"]["message"] == "Nothing can be refunded until the payment is captured."
    seller = by_path(client.get(url, headers=world["sam"]).json())
    assert seller["ship"]["blocker"]["code"] == "payment_not_captured"
    assert seller["cancel_as_seller"]["open"] is True
    pay_by = get_order(container, order).deadlines.pay_by
    assert pay_by is not None
    assert seller["cancel_as_seller"]["closes_at"] == pay_by.isoformat()


def test_someone_else_s_order_is_not_found_and_the_operator_has_no_paths(
    client: TestClient, world: dict
) -> None:
    assert client.get(world["url"], headers=world["bob"]).status_code == 404
    operator = client.get(world["url"], headers=world["op"])
    assert operator.status_code == 200
    assert operator.json()["options"] == []
    assert client.get(world["url"]).status_code == 401


def test_the_options_are_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    operation = paths["/api/v1/orders/{order_id}/options"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/OrderOptionsOut")
