"""Refunds and platform settings through the JSON API."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

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


def test_refund_in_the_wrong_currency_answers_422_naming_the_refundable_amount(
    client: TestClient, world: dict
) -> None:
    response = _refund(client, world, 100, currency="USD")
    assert response.status_code == 422
    error = response.json()["error"]
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
        json={"amount": 100, "reason": "please"},
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
