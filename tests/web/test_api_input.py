"""Input both databases hold, refused by the request schema with the field's own path: numbers
within the columns they land in (and sums within theirs), text without control characters,
country and currency codes that name real places and real money.

Each case once went to the database: SQLite stored a quantity PostgreSQL's 32-bit column
refused, and a NUL in a title came back as "A number in the request is too large"."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from recourse.container import Container
from recourse.db import models as m
from recourse.domain.roles import Role
from tests.factories import make_store, make_user
from tests.web.api_helpers import operator_headers, order_body

PAST_32_BITS = 2**31
BEYOND_64_BITS = 2**63
LARGEST_AMOUNT = 10**12


@pytest.fixture
def world(container: Container) -> dict[str, Any]:
    return {
        "store": make_store(container, country="DE"),
        "buyer": make_user(container, role=Role.buyer, email="ann@example.com"),
        "op": operator_headers(container),
    }


def line(**changes: Any) -> dict[str, Any]:
    return {"sku": "MUG-1", "title": "Mug", "unit_price": 1200, "quantity": 1, **changes}


def rows_written(c: Container) -> tuple[int, ...]:
    with c.read_session() as s:
        return tuple(
            int(s.scalar(select(func.count()).select_from(model)) or 0)
            for model in (m.OrderRow, m.OrderLineRow, m.TimelineRow, m.OutboxRow)
        )


def ingest(client: TestClient, w: dict[str, Any], **overrides: Any) -> Any:
    """Sent as ASCII JSON, escapes and all, so a lone surrogate arrives as `\\ud800`."""
    return client.post(
        "/api/v1/orders",
        content=json.dumps(order_body(w["buyer"], w["store"], **overrides)),
        headers={**w["op"], "Content-Type": "application/json"},
    )


NUMBERS = [
    pytest.param({"lines": [line(quantity=PAST_32_BITS)]}, "lines[0].quantity", id="quantity 2^31"),
    pytest.param({"lines": [line(quantity=10_001)]}, "lines[0].quantity", id="quantity 10 001"),
    pytest.param(
        {"lines": [line(unit_price=LARGEST_AMOUNT + 1)]}, "lines[0].unit_price", id="unit price"
    ),
    pytest.param(
        {"lines": [line(unit_price=LARGEST_AMOUNT, quantity=2, discount=LARGEST_AMOUNT + 1)]},
        "lines[0].discount",
        id="discount",
    ),
    pytest.param({"lines": [line(tax=LARGEST_AMOUNT + 1)]}, "lines[0].tax", id="tax"),
    pytest.param({"shipping_fee": LARGEST_AMOUNT + 1}, "shipping_fee", id="shipping fee"),
    pytest.param(
        {"lines": [line(unit_price=LARGEST_AMOUNT, quantity=2)], "shipping_fee": 0},
        "lines",
        id="an order total past the largest amount",
    ),
    pytest.param(
        {
            "lines": [line(sku=f"S-{i}", unit_price=LARGEST_AMOUNT // 4) for i in range(4)],
            "shipping_fee": 1,
        },
        "lines",
        id="lines that add up past the largest amount",
    ),
    pytest.param({"buyer_id": BEYOND_64_BITS}, "buyer_id", id="buyer id 2^63"),
    pytest.param({"store_id": BEYOND_64_BITS}, "store_id", id="store id 2^63"),
    pytest.param({"store_id": -BEYOND_64_BITS - 1}, "store_id", id="store id -2^63-1"),
]

TEXT = [
    pytest.param({"lines": [line(title="Mug\x00")]}, "lines[0].title", id="NUL in a title"),
    pytest.param({"lines": [line(title="Mug\x07")]}, "lines[0].title", id="bell in a title"),
    pytest.param({"lines": [line(title="Mug\nBig")]}, "lines[0].title", id="newline in a title"),
    pytest.param({"lines": [line(title="Mug\x85")]}, "lines[0].title", id="C1 control in a title"),
    pytest.param({"lines": [line(title="Mug\ud800")]}, "lines[0].title", id="lone surrogate"),
    pytest.param({"lines": [line(sku="MUG\x00")]}, "lines[0].sku", id="NUL in a SKU"),
    pytest.param({"external_id": "A-1\x1b"}, "external_id", id="escape in an external id"),
]

CODES = [
    pytest.param({"country": "ZZ"}, "country", id="country ZZ (unknown region)"),
    pytest.param({"country": "EU"}, "country", id="country EU (not a country)"),
    pytest.param({"country": "QO"}, "country", id="country QO (outlying Oceania)"),
    pytest.param({"country": "XA"}, "country", id="country XA (pseudo-locale)"),
    pytest.param({"country": "de"}, "country", id="country in lower case"),
    pytest.param({"currency": "XXX"}, "currency", id="currency XXX (no currency)"),
    pytest.param({"currency": "XTS"}, "currency", id="currency XTS (testing)"),
    pytest.param({"currency": "XAU"}, "currency", id="currency XAU (gold)"),
    pytest.param({"currency": "XDR"}, "currency", id="currency XDR (SDR)"),
    pytest.param({"currency": "XBA"}, "currency", id="currency XBA (bond unit)"),
    pytest.param({"currency": "XSU"}, "currency", id="currency XSU (sucre)"),
    pytest.param({"currency": "DEM"}, "currency", id="currency DEM (historic)"),
    pytest.param({"currency": "BOV"}, "currency", id="currency BOV (fund code)"),
    pytest.param({"currency": "eur"}, "currency", id="currency in lower case"),
]


@pytest.mark.parametrize(("overrides", "field"), NUMBERS + TEXT + CODES)
def test_order_input_outside_what_both_databases_hold_answers_422_naming_the_field(
    client: TestClient, container: Container, world: dict[str, Any], overrides: dict, field: str
) -> None:
    before = rows_written(container)

    response = ingest(client, world, **overrides)

    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field
    assert rows_written(container) == before


def test_the_largest_order_is_stored_and_read_back_exactly(
    client: TestClient, world: dict[str, Any]
) -> None:
    largest = [line(unit_price=LARGEST_AMOUNT // 10_000, quantity=10_000)]

    created = ingest(client, world, lines=largest, shipping_fee=0)
    read = client.get(f"/api/v1/orders/{created.json()['id']}", headers=world["op"]).json()

    assert created.status_code == 201, created.text
    assert (read["lines"][0]["quantity"], read["totals"]["total"]["amount"]) == (
        10_000,
        LARGEST_AMOUNT,
    )


@pytest.mark.parametrize(
    ("country", "currency"),
    [("DE", "EUR"), ("XK", "EUR"), ("CI", "XOF"), ("AG", "XCD"), ("JP", "JPY"), ("KW", "KWD")],
)
def test_real_countries_and_currencies_are_accepted(
    client: TestClient, world: dict[str, Any], country: str, currency: str
) -> None:
    response = ingest(client, world, country=country, currency=currency)

    assert response.status_code == 201, response.text
    assert (response.json()["country"], response.json()["currency"]) == (country, currency)


def test_titles_in_any_script_are_accepted(client: TestClient, world: dict[str, Any]) -> None:
    title = "Tasse „Ålesund“ ☕ 日本の湯呑み — 𝄞"

    response = ingest(client, world, lines=[line(title=title)])

    assert response.status_code == 201, response.text
    assert response.json()["lines"][0]["title"] == title


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (f"/api/v1/stores/{BEYOND_64_BITS}", "store_id"),
        (f"/api/v1/users/{BEYOND_64_BITS}", "user_id"),
        (f"/api/v1/orders/{BEYOND_64_BITS}", "order_id"),
        (f"/api/v1/orders/{-BEYOND_64_BITS - 1}", "order_id"),
        (f"/api/v1/orders/{BEYOND_64_BITS}/refunds", "order_id"),
        (f"/api/v1/orders/{BEYOND_64_BITS}/cancellations", "order_id"),
        (f"/api/v1/refunds/{BEYOND_64_BITS}", "refund_id"),
        (f"/api/v1/cancellations/{BEYOND_64_BITS}", "cancellation_id"),
        (f"/api/v1/webhook-endpoints/{BEYOND_64_BITS}", "endpoint_id"),
        (f"/api/v1/webhook-endpoints/{BEYOND_64_BITS}/deliveries", "endpoint_id"),
        (f"/api/v1/orders?cursor={BEYOND_64_BITS}", "cursor"),
        (f"/api/v1/orders?store_id={BEYOND_64_BITS}", "store_id"),
        (f"/api/v1/orders?buyer_id={BEYOND_64_BITS}", "buyer_id"),
        (f"/api/v1/refunds?cursor={BEYOND_64_BITS}", "cursor"),
        (f"/api/v1/webhook-endpoints?cursor={BEYOND_64_BITS}", "cursor"),
    ],
)
def test_ids_in_paths_and_queries_past_64_bits_answer_422_naming_the_parameter(
    client: TestClient, world: dict[str, Any], path: str, field: str
) -> None:
    response = client.get(path, headers=world["op"])

    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (f"/api/v1/orders/{BEYOND_64_BITS}/payment", {"status": "review"}, "order_id"),
        (f"/api/v1/shipments/{BEYOND_64_BITS}/events", {"type": "delivered"}, "shipment_id"),
        (f"/api/v1/cancellations/{BEYOND_64_BITS}/withdraw", None, "cancellation_id"),
        (f"/api/v1/webhook-deliveries/{BEYOND_64_BITS}/replay", None, "delivery_id"),
    ],
)
def test_ids_past_64_bits_in_the_path_of_a_change_answer_422_naming_the_parameter(
    client: TestClient, world: dict[str, Any], path: str, body: Any, field: str
) -> None:
    response = client.post(path, json=body, headers=world["op"])

    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Lumen\x00", "country": "DE"}, "name"),
        ({"name": "Lumen", "country": "ZZ"}, "country"),
        ({"name": "Lumen", "country": "de"}, "country"),
    ],
    ids=["NUL in a store name", "country ZZ", "country in lower case"],
)
def test_store_input_answers_422_naming_the_field(
    client: TestClient, container: Container, world: dict[str, Any], body: dict, field: str
) -> None:
    response = client.post("/api/v1/stores", json=body, headers=world["op"])

    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"country": "ZZ"}, "country"),
        ({"timezone": "Europe/Berlin\x00"}, "timezone"),
        ({"store_ids": [BEYOND_64_BITS]}, "store_ids[0]"),
    ],
    ids=["country ZZ", "NUL in a time zone", "a store id past 64 bits"],
)
def test_user_input_answers_422_naming_the_field(
    client: TestClient, world: dict[str, Any], changes: dict, field: str
) -> None:
    body = {"email": "sam@example.com", "name": "Sam", "role": "buyer", "country": "DE", **changes}

    response = client.post("/api/v1/users", json=body, headers=world["op"])

    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("payment", {"status": "captured", "amount": LARGEST_AMOUNT + 1}, "amount"),
        ("payment", {"status": "captured", "amount": 1, "reference": "ch\x00"}, "reference"),
        (
            "shipments",
            {
                "lines": [{"line_id": 1, "quantity": PAST_32_BITS}],
                "carrier": "DHL",
                "tracking_number": "1",
            },
            "lines[0].quantity",
        ),
        (
            "shipments",
            {
                "lines": [{"line_id": BEYOND_64_BITS, "quantity": 1}],
                "carrier": "DHL",
                "tracking_number": "1",
            },
            "lines[0].line_id",
        ),
        (
            "shipments",
            {
                "lines": [{"line_id": 1, "quantity": 1}],
                "carrier": "DHL\r\n",
                "tracking_number": "1",
            },
            "carrier",
        ),
    ],
    ids=["captured amount", "NUL in a reference", "quantity 2^31", "line id 2^63", "CRLF carrier"],
)
def test_payment_and_shipment_input_answers_422_naming_the_field(
    client: TestClient, world: dict[str, Any], path: str, body: dict, field: str
) -> None:
    order = ingest(client, world).json()
    response = client.post(f"/api/v1/orders/{order['id']}/{path}", json=body, headers=world["op"])

    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field


def test_the_api_documents_the_codes_and_bounds_it_accepts(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    schemas = spec["components"]["schemas"]
    order, line_in = schemas["OrderIn"]["properties"], schemas["LineIn"]["properties"]
    countries = order["country"]["anyOf"][0]["enum"]
    read = spec["paths"]["/api/v1/orders/{order_id}"]["get"]["parameters"]
    order_id = next(p for p in read if p["name"] == "order_id")

    assert (len(countries), "XK" in countries, "ZZ" in countries) == (250, True, False)
    assert {"EUR", "JPY", "XOF"} <= set(order["currency"]["enum"])
    assert not {"XXX", "XTS", "XAU", "XDR", "DEM"} & set(order["currency"]["enum"])
    assert (line_in["quantity"]["minimum"], line_in["quantity"]["maximum"]) == (1, 10_000)
    assert line_in["unit_price"]["maximum"] == LARGEST_AMOUNT
    assert order_id["schema"]["maximum"] == 2**53 - 1
    assert "pattern" in line_in["title"]


def test_half_a_surrogate_pair_in_a_setting_name_answers_422_not_a_server_error(
    container: Container, world: dict[str, Any]
) -> None:
    from recourse.web.app import create_app

    client = TestClient(create_app(container), raise_server_exceptions=False)

    response = client.put(
        "/api/v1/platform-policy",
        content='{"protection_days\\ud800": 90}',
        headers={**world["op"], "Content-Type": "application/json"},
    )

    assert response.status_code == 422, response.text
