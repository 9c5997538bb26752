"""Refunds and platform settings through the JSON API."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from recourse.container import Container
from recourse.db.models import RefundRow
from recourse.domain.roles import Role
from tests.factories import make_order, make_store, make_user, pay
from tests.web.api_helpers import lose_stored_answers, operator_headers, user_headers


@pytest.fixture
def world(container: Container) -> dict:
    store = make_store(container)
    buyer = make_user(container, role=Role.buyer, email="ann@example.com")
    make_user(container, role=Role.buyer, email="bob@example.com")
    make_user(container, role=Role.support, email="sue@example.com")
    order = make_order(container, buyer_id=buyer, store_id=store)
    captured = pay(container, order).payment.amount_captured
    return {
        "order": order,
        "captured": captured,
        "op": operator_headers(container),
        "ann": user_headers(container, "ann@example.com"),
        "bob": user_headers(container, "bob@example.com"),
        "sue": user_headers(container, "sue@example.com"),
    }


def _refund(client: TestClient, w: dict, amount: int, **extra: object):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/orders/{w['order']}/refunds",
        json={"amount": amount, "reason": "goodwill", **extra},
        headers=w["sue"],
    )


def test_support_refund_shows_breakdown_method_and_expected_dates(
    client: TestClient, world: dict
) -> None:
    response = _refund(client, world, 1000)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "pending"
    assert body["amount"] == {"amount": 1000, "currency": "EUR", "formatted": "€10.00"}
    assert body["breakdown"]["items"]["amount"] == 1000
    assert body["method"] == "card"
    # Monday 2 March 2026: card refunds take 3 to 20 business days.
    assert body["expected_by"] == {"earliest": "2026-03-05", "latest": "2026-03-30"}


def test_over_refund_answers_409_naming_the_refundable_amount(
    client: TestClient, world: dict
) -> None:
    _refund(client, world, world["captured"] - 100)
    response = _refund(client, world, 101)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "refund_exceeds_captured"
    assert error["refundable"] == 100


def test_refund_in_another_currency_than_the_orders_is_409_naming_the_refundable_amount(
    client: TestClient, world: dict
) -> None:
    response = _refund(client, world, 100, currency="USD")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "currency_is_not_the_orders"
    assert error["field"] == "currency"
    assert error["refundable"] == world["captured"]


def test_float_amounts_are_refused(client: TestClient, world: dict) -> None:
    response = _refund(client, world, 10.5)  # type: ignore[arg-type]
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "amount"


def test_buyers_see_their_refunds_and_nobody_else_does(client: TestClient, world: dict) -> None:
    refund_id = _refund(client, world, 500).json()["id"]
    assert client.get(f"/api/v1/refunds/{refund_id}", headers=world["ann"]).status_code == 200
    assert client.get(f"/api/v1/refunds/{refund_id}", headers=world["bob"]).status_code == 404
    listed = client.get(f"/api/v1/orders/{world['order']}/refunds", headers=world["ann"]).json()
    assert [r["id"] for r in listed["data"]] == [refund_id]
    other = client.get(f"/api/v1/orders/{world['order']}/refunds", headers=world["bob"])
    assert other.status_code == 404
    assert client.get("/api/v1/refunds", headers=world["bob"]).json()["data"] == []


def test_buyers_cannot_issue_refunds(client: TestClient, world: dict) -> None:
    response = client.post(
        f"/api/v1/orders/{world['order']}/refunds",
        json={"amount": 100, "reason": "goodwill"},
        headers=world["ann"],
    )
    assert response.status_code == 403


def test_operator_edits_settlement_profiles_and_platform_windows(
    client: TestClient, world: dict
) -> None:
    changed = client.put(
        "/api/v1/settlement-profiles/card",
        json={"min_business_days": 2, "max_business_days": 15},
        headers=world["op"],
    )
    assert changed.json() == {"method": "card", "min_business_days": 2, "max_business_days": 15}
    assert _refund(client, world, 100).json()["expected_by"]["latest"] == "2026-03-23"
    bad = client.put(
        "/api/v1/settlement-profiles/card",
        json={"min_business_days": 5, "max_business_days": 4},
        headers=world["op"],
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "max_business_days"
    window = client.put(
        "/api/v1/platform-policy", json={"protection_days": 90}, headers=world["op"]
    )
    assert window.json()["protection_days"] == 90
    unknown = client.put("/api/v1/platform-policy", json={"nope": 1}, headers=world["op"])
    assert unknown.status_code == 422
    assert unknown.json()["error"]["field"] == "nope"
    assert (
        client.put("/api/v1/platform-policy", json={"appeal_days": 3}, headers=world["sue"])
    ).status_code == 403


def test_a_refund_retried_after_its_answer_was_lost_in_a_crash_is_not_made_twice(
    client: TestClient, world: dict, container: Container
) -> None:
    headers = {**world["sue"], "Idempotency-Key": "refund-once"}
    body = {"amount": 100, "reason": "goodwill"}
    first = client.post(f"/api/v1/orders/{world['order']}/refunds", json=body, headers=headers)
    assert first.status_code == 201
    lose_stored_answers(container)

    again = client.post(f"/api/v1/orders/{world['order']}/refunds", json=body, headers=headers)

    assert again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    with container.read_session() as s:
        amounts = s.scalars(select(RefundRow.amount).where(RefundRow.order_id == world["order"]))
        assert list(amounts) == [100]


REFUND_REASONS = [
    "goodwill",
    "item_not_received",
    "damaged_or_defective",
    "not_as_described",
    "price_adjustment",
    "duplicate_charge",
    "late_delivery",
    "other",
]


@pytest.mark.parametrize("reason", REFUND_REASONS)
def test_support_refunds_with_any_reason_of_the_catalogue(
    client: TestClient, world: dict, reason: str
) -> None:
    response = _refund(client, world, 100, reason=reason, note="Agreed on the phone.")

    assert response.status_code == 201, response.text
    assert response.json()["reason"] == reason


@pytest.mark.parametrize(
    "reason",
    ["please", "Goodwill", "goodwill ", "goodwill\x00", "", "x" * 64],
    ids=["free text", "capitalised", "trailing space", "NUL", "empty", "64 characters"],
)
def test_a_refund_reason_outside_the_catalogue_answers_422_naming_reason(
    client: TestClient, world: dict, container: Container, reason: str
) -> None:
    response = _refund(client, world, 100, reason=reason)

    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == "reason"
    with container.read_session() as s:
        assert list(s.scalars(select(RefundRow.id))) == []


@pytest.mark.parametrize("note", [None, "", "   \n\t"], ids=["no note", "empty", "blank"])
def test_the_reason_other_needs_a_note(
    client: TestClient, world: dict, container: Container, note: str | None
) -> None:
    response = _refund(client, world, 100, reason="other", note=note)

    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == "note"
    with container.read_session() as s:
        assert list(s.scalars(select(RefundRow.id))) == []


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"amount": 10**12 + 1}, "amount"),
        ({"amount": 2**63}, "amount"),
        ({"note": "Sorry\x00"}, "note"),
        ({"note": "\x1b[31mred"}, "note"),
        ({"note": "x" * 2001}, "note"),
        ({"currency": "XTS"}, "currency"),
        ({"currency": "eur"}, "currency"),
    ],
    ids=[
        "past the largest amount",
        "past 64 bits",
        "NUL in the note",
        "escape in the note",
        "a note past 2000 characters",
        "a testing currency",
        "a currency in lower case",
    ],
)
def test_refund_input_outside_what_is_stored_answers_422_naming_the_field(
    client: TestClient, world: dict, container: Container, extra: dict, field: str
) -> None:
    response = client.post(
        f"/api/v1/orders/{world['order']}/refunds",
        json={"amount": 100, "reason": "goodwill", **extra},
        headers=world["sue"],
    )

    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field
    with container.read_session() as s:
        assert list(s.scalars(select(RefundRow.id))) == []


def test_a_note_keeps_its_lines_and_tabs(
    client: TestClient, world: dict, container: Container
) -> None:
    note = "Buyer called twice.\n\tParcel photo in the thread.\r\nOK'd by Ana."

    response = _refund(client, world, 100, note=note)

    assert response.status_code == 201, response.text
    with container.read_session() as s:
        assert s.scalar(select(RefundRow.note)) == note


def test_the_api_documents_refund_reasons_as_an_enum(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    body = spec["paths"]["/api/v1/orders/{order_id}/refunds"]["post"]["requestBody"]
    schemas = spec["components"]["schemas"]
    refund_in = schemas[body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]]
    reason = schemas[refund_in["properties"]["reason"]["$ref"].rsplit("/", 1)[-1]]

    assert reason["enum"] == REFUND_REASONS


def test_a_refund_recorded_with_a_free_text_reason_still_reads(
    client: TestClient, world: dict, container: Container
) -> None:
    refund_id = _refund(client, world, 100).json()["id"]
    with container.engine.begin() as conn:
        conn.execute(update(RefundRow).values(reason="Customer was upset about the delay"))

    one = client.get(f"/api/v1/refunds/{refund_id}", headers=world["sue"])
    listed = client.get(f"/api/v1/orders/{world['order']}/refunds", headers=world["ann"])

    assert one.status_code == 200, one.text
    assert one.json()["reason"] == "Customer was upset about the delay"
    assert [r["reason"] for r in listed.json()["data"]] == ["Customer was upset about the delay"]


def test_a_refund_a_cancellation_caused_names_the_cancellation_and_splits_what_was_left(
    client: TestClient, world: dict
) -> None:
    manual = _refund(client, world, world["captured"] - 100).json()
    done = client.post(
        f"/api/v1/orders/{world['order']}/cancellations",
        json={"reason": "changed_mind"},
        headers=world["ann"],
    ).json()
    assert done["status"] == "completed"
    refund_id = done["refund"]["id"]
    found = client.get(f"/api/v1/refunds/{refund_id}", headers=world["ann"]).json()
    assert found["cause"] == "cancellation"
    assert found["cancellation_id"] == done["id"]
    assert found["amount"]["amount"] == 100
    parts = [found["breakdown"][k]["amount"] for k in ("items", "tax", "shipping", "fees")]
    assert sum(parts) == 100
    assert min(parts) >= 0
    listed = client.get(f"/api/v1/orders/{world['order']}/refunds", headers=world["ann"]).json()
    by_id = {r["id"]: r["cancellation_id"] for r in listed["data"]}
    assert by_id == {manual["id"]: None, refund_id: done["id"]}
