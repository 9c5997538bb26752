"""Operator ingest, reads, payment, shipments and carrier events through the JSON API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from recourse.container import Container
from recourse.db import models as m
from recourse.domain.roles import Role
from recourse.integrations.clock import FixedClock
from tests.factories import make_store, make_user
from tests.web.api_helpers import operator_headers, order_body, user_headers


@pytest.fixture
def world(container: Container) -> dict[str, object]:
    store = make_store(container, name="Lumen", country="DE")
    other_store = make_store(container, name="Other", country="FR")
    buyer = make_user(container, role=Role.buyer, email="ann@example.com")
    other_buyer = make_user(container, role=Role.buyer, email="bob@example.com")
    seller = make_user(container, role=Role.seller, email="sam@example.com", store_ids=[store])
    other_seller = make_user(
        container, role=Role.seller, email="oli@example.com", store_ids=[other_store]
    )
    return {
        "store": store,
        "other_store": other_store,
        "buyer": buyer,
        "other_buyer": other_buyer,
        "seller": seller,
        "other_seller": other_seller,
        "op": operator_headers(container),
        "ann": user_headers(container, "ann@example.com"),
        "bob": user_headers(container, "bob@example.com"),
        "sam": user_headers(container, "sam@example.com"),
        "oli": user_headers(container, "oli@example.com"),
    }


def _count(c: Container, model: type[m.Base]) -> int:
    with c.read_session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _ingest(client: TestClient, w: dict, **overrides: object) -> dict:
    response = client.post(
        "/api/v1/orders", json=order_body(w["buyer"], w["store"], **overrides), headers=w["op"]
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_ingested_order_has_totals_quantities_and_payment_deadline(
    client: TestClient, world: dict, clock: FixedClock
) -> None:
    order = _ingest(client, world)
    assert order["status"] == "awaiting_payment"
    assert order["totals"]["items"] == {"amount": 6197, "currency": "EUR", "formatted": "€61.97"}
    assert order["totals"]["total"]["amount"] == 6197 - 100 + 475 + 499
    assert order["lines"][0]["quantities"] == {
        "ordered": 2,
        "cancelled": 0,
        "shipped": 0,
        "delivered": 0,
        "returned": 0,
        "refunded": 0,
    }
    assert order["deadlines"]["pay_by"] == (clock.now() + timedelta(hours=72)).isoformat()
    assert [t["action"] for t in order["timeline"]] == ["order.placed"]


@pytest.mark.parametrize(
    ("currency", "unit_price", "formatted_total"),
    [("JPY", 1200, "¥2,400"), ("EUR", 1999, "€39.98"), ("KWD", 1250, "KWD2.500")],
)
def test_amounts_are_exact_to_the_currency_minor_unit(
    client: TestClient, world: dict, currency: str, unit_price: int, formatted_total: str
) -> None:
    order = _ingest(
        client,
        world,
        currency=currency,
        shipping_fee=0,
        lines=[{"sku": "X", "title": "Thing", "unit_price": unit_price, "quantity": 2}],
    )
    fetched = client.get(f"/api/v1/orders/{order['id']}", headers=world["ann"]).json()
    assert fetched["totals"]["total"] == {
        "amount": unit_price * 2,
        "currency": currency,
        "formatted": formatted_total,
    }


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {"lines": [{"sku": "A", "title": "A", "unit_price": 100, "quantity": -1}]},
            "lines[0].quantity",
        ),
        ({"currency": "XXY"}, "currency"),
        (
            {
                "lines": [
                    {"sku": "A", "title": "A", "unit_price": 100, "quantity": 1, "discount": 101}
                ]
            },
            "lines[0].discount",
        ),
        (
            {"lines": [{"sku": "A", "title": "A", "unit_price": 1.5, "quantity": 1}]},
            "lines[0].unit_price",
        ),
        ({"payment_method": "cash"}, "payment_method"),
        ({"lines": []}, "lines"),
        ({"shipping_fee": -1}, "shipping_fee"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
def test_malformed_ingest_answers_422_naming_the_field_and_writes_nothing(
    client: TestClient, container: Container, world: dict, overrides: dict, field: str
) -> None:
    before = (
        _count(container, m.OrderRow),
        _count(container, m.OrderLineRow),
        _count(container, m.OutboxRow),
        _count(container, m.TimelineRow),
    )
    response = client.post(
        "/api/v1/orders",
        json=order_body(world["buyer"], world["store"], **overrides),
        headers=world["op"],
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field
    after = (
        _count(container, m.OrderRow),
        _count(container, m.OrderLineRow),
        _count(container, m.OutboxRow),
        _count(container, m.TimelineRow),
    )
    assert after == before


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"buyer_id": 1,}', "Invalid JSON: Expecting property name"),
        (b"buyer_id=1&", "Invalid JSON: Expecting value at character 0"),
        (b'{"currency": "\xff\xfe"}', "Invalid JSON: not UTF-8 text"),
        (b"[" * 50_000 + b"]" * 50_000, "Invalid JSON: nested too deeply"),
    ],
    ids=["trailing comma", "a form", "not UTF-8", "nested too deeply"],
)
def test_malformed_json_answers_422_naming_the_body(
    client: TestClient, world: dict, body: bytes, message: str
) -> None:
    response = client.post(
        "/api/v1/orders",
        content=body,
        headers={**world["op"], "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("invalid", "body")
    assert error["errors"][0]["message"].startswith(message)


def test_a_body_over_the_limit_sent_in_chunks_answers_413(client: TestClient, world: dict) -> None:
    """Without a Content-Length the limit trips while the body is parsed."""

    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        yield from (b"x" * 100_000 for _ in range(11))
        yield b'", "country": "FR"}'

    response = client.post(
        "/api/v1/stores",
        content=chunks(),
        headers={**world["op"], "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"buyer_id": 999_999}, "buyer_id"), ({"store_id": 999_999}, "store_id")],
)
def test_an_order_naming_a_buyer_or_store_that_does_not_exist_is_404_naming_the_field(
    client: TestClient, container: Container, world: dict, overrides: dict, field: str
) -> None:
    before = _count(container, m.OrderRow)

    response = client.post(
        "/api/v1/orders",
        json=order_body(world["buyer"], world["store"], **overrides),
        headers=world["op"],
    )

    assert response.status_code == 404
    assert response.json()["error"]["field"] == field
    assert _count(container, m.OrderRow) == before


def test_seller_id_given_as_buyer_is_no_buyer(client: TestClient, world: dict) -> None:
    response = client.post(
        "/api/v1/orders", json=order_body(world["seller"], world["store"]), headers=world["op"]
    )
    assert response.status_code == 404
    assert response.json()["error"]["field"] == "buyer_id"


def test_anonymous_and_unknown_tokens_get_401(client: TestClient, world: dict) -> None:
    order = _ingest(client, world)
    assert client.get(f"/api/v1/orders/{order['id']}").status_code == 401
    bad = client.get(f"/api/v1/orders/{order['id']}", headers={"Authorization": "Bearer rk_nope"})
    assert bad.status_code == 401
    assert bad.json()["error"]["code"] == "unauthenticated"


def test_other_parties_get_404_for_an_order_they_do_not_own(
    client: TestClient, world: dict
) -> None:
    order = _ingest(client, world)
    url = f"/api/v1/orders/{order['id']}"
    assert client.get(url, headers=world["ann"]).status_code == 200
    assert client.get(url, headers=world["sam"]).status_code == 200
    assert client.get(url, headers=world["bob"]).status_code == 404
    assert client.get(url, headers=world["oli"]).status_code == 404
    ship = {
        "lines": [{"line_id": order["lines"][0]["id"], "quantity": 1}],
        "carrier": "DHL",
        "tracking_number": "1",
    }
    assert client.post(f"{url}/shipments", json=ship, headers=world["oli"]).status_code == 404
    assert client.post(f"{url}/shipments", json=ship, headers=world["bob"]).status_code == 404


def test_only_the_operator_ingests_and_reports_payments(client: TestClient, world: dict) -> None:
    order = _ingest(client, world)
    body = order_body(world["buyer"], world["store"])
    assert client.post("/api/v1/orders", json=body, headers=world["sam"]).status_code == 403
    pay = {"status": "captured", "amount": order["totals"]["total"]["amount"], "reference": "x"}
    url = f"/api/v1/orders/{order['id']}/payment"
    assert client.post(url, json=pay, headers=world["ann"]).status_code == 403


def test_lists_are_scoped_filtered_and_cursor_paginated(client: TestClient, world: dict) -> None:
    ids = [_ingest(client, world)["id"] for _ in range(5)]
    client.post(
        "/api/v1/orders",
        json=order_body(world["other_buyer"], world["other_store"]),
        headers=world["op"],
    )
    first = client.get("/api/v1/orders?limit=2", headers=world["ann"]).json()
    assert [o["id"] for o in first["data"]] == ids[::-1][:2]
    second = client.get(
        f"/api/v1/orders?limit=2&cursor={first['next_cursor']}", headers=world["ann"]
    ).json()
    third = client.get(
        f"/api/v1/orders?limit=2&cursor={second['next_cursor']}", headers=world["ann"]
    ).json()
    assert [o["id"] for o in second["data"] + third["data"]] == ids[::-1][2:]
    assert third["next_cursor"] is None
    everything = client.get("/api/v1/orders?limit=100", headers=world["op"]).json()["data"]
    assert len(everything) == 6
    by_store = client.get(
        f"/api/v1/orders?store_id={world['other_store']}", headers=world["op"]
    ).json()["data"]
    assert [o["store_id"] for o in by_store] == [world["other_store"]]
    assert client.get("/api/v1/orders?status=bogus", headers=world["op"]).status_code == 422


def test_pay_ship_deliver_and_complete_through_the_api(
    client: TestClient, world: dict, clock: FixedClock
) -> None:
    order = _ingest(client, world)
    url = f"/api/v1/orders/{order['id']}"
    total = order["totals"]["total"]["amount"]
    wrong = client.post(
        f"{url}/payment",
        json={"status": "captured", "amount": total - 1, "reference": "ch_1"},
        headers=world["op"],
    )
    assert wrong.status_code == 409
    assert wrong.json()["error"]["code"] == "amount_is_not_the_total"
    assert wrong.json()["error"]["order_total"] == total
    paid = client.post(
        f"{url}/payment",
        json={"status": "captured", "amount": total, "reference": "ch_1"},
        headers=world["op"],
    )
    assert paid.json()["status"] == "awaiting_shipment"
    assert paid.json()["deadlines"]["ship_by"] is not None
    lines = [{"line_id": x["id"], "quantity": x["quantities"]["ordered"]} for x in order["lines"]]
    shipment = client.post(
        f"{url}/shipments",
        headers=world["sam"],
        json={"lines": lines, "carrier": "DHL", "tracking_number": "JJD1"},
    )
    assert shipment.status_code == 201
    assert shipment.json()["order"]["status"] == "shipped"
    again = client.post(
        f"{url}/shipments",
        headers=world["sam"],
        json={"lines": lines[:1], "carrier": "DHL", "tracking_number": "JJD2"},
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "quantity_not_shippable"
    events = f"/api/v1/shipments/{shipment.json()['id']}/events"
    assert client.post(events, json={"type": "in_transit"}, headers=world["op"]).status_code == 200
    delivered = client.post(events, json={"type": "delivered"}, headers=world["op"])
    assert [e["type"] for e in delivered.json()["events"]] == ["in_transit", "delivered"]
    assert client.get(url, headers=world["ann"]).json()["status"] == "delivered"
    clock.advance(timedelta(days=60))
    assert client.get(url, headers=world["ann"]).json()["status"] == "completed"
    late = client.post(events, json={"type": "refused"}, headers=world["op"])
    assert late.status_code == 409


def test_policy_versions_are_kept_per_order(client: TestClient, world: dict) -> None:
    order = _ingest(client, world)
    url = f"/api/v1/orders/{order['id']}"
    client.post(
        f"{url}/payment",
        headers=world["op"],
        json={"status": "captured", "amount": order["totals"]["total"]["amount"], "reference": "r"},
    )
    changed = client.put(
        f"/api/v1/stores/{world['store']}/policy",
        headers=world["sam"],
        json={"buyer_cancel": "instant", "processing_days": 2},
    )
    assert changed.status_code == 200
    assert changed.json()["policy_version"] == 2
    assert client.get(url, headers=world["ann"]).json()["policy"]["version"] == 1
    foreign = client.put(
        f"/api/v1/stores/{world['store']}/policy", headers=world["oli"], json={"processing_days": 3}
    )
    assert foreign.status_code == 404
    invalid = client.put(
        f"/api/v1/stores/{world['store']}/policy",
        headers=world["sam"],
        json={"restocking_fee_percent": 150},
    )
    assert invalid.status_code == 422
    assert invalid.json()["error"]["field"] == "restocking_fee_percent"


def test_openapi_and_docs_are_served(client: TestClient) -> None:
    spec = client.get("/api/openapi.json")
    assert spec.status_code == 200
    assert "/api/v1/orders/{order_id}/shipments" in spec.json()["paths"]
    assert client.get("/api/docs").status_code == 200
