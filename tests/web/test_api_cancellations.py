"""§3 through the JSON API: quote, cancel or request, answer, and the explained 409."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from recourse.container import Container
from recourse.db.models import CancellationRow
from recourse.domain.roles import Role
from recourse.integrations.clock import FixedClock
from tests.factories import make_order, make_store, make_user, pay, ship_all
from tests.web.api_helpers import lose_stored_answers, operator_headers, user_headers


@pytest.fixture
def world(container: Container) -> dict:
    store = make_store(container, buyer_cancel="approval")
    buyer = make_user(container, role=Role.buyer, email="ann@example.com")
    make_user(container, role=Role.buyer, email="bob@example.com")
    make_user(container, role=Role.seller, email="sam@example.com", store_ids=[store])
    order = make_order(container, buyer_id=buyer, store_id=store)
    captured = pay(container, order).payment.amount_captured
    return {
        "store": store,
        "order": order,
        "captured": captured,
        "op": operator_headers(container),
        "ann": user_headers(container, "ann@example.com"),
        "bob": user_headers(container, "bob@example.com"),
        "sam": user_headers(container, "sam@example.com"),
    }


def test_quote_then_confirm_cancels_at_once_inside_the_grace_window(
    client: TestClient, world: dict
) -> None:
    url = f"/api/v1/orders/{world['order']}"
    quote = client.post(f"{url}/cancellation-quote", json={}, headers=world["ann"]).json()
    assert quote["eligible"] is True
    assert quote["mode"] == "instant"
    assert quote["quote"]["total"]["amount"] == world["captured"]
    assert "changed_mind" in [r["code"] for r in quote["reasons"]]
    done = client.post(
        f"{url}/cancellations",
        json={"reason": "changed_mind", "quote_id": quote["quote_id"]},
        headers={**world["ann"], "Idempotency-Key": "cancel-1"},
    )
    assert done.status_code == 201
    assert done.json()["status"] == "completed"
    assert done.json()["refund"]["amount"]["amount"] == world["captured"]
    assert client.get(url, headers=world["ann"]).json()["status"] == "cancelled"


def test_request_is_answered_by_the_seller_through_the_api(
    client: TestClient, world: dict, clock: FixedClock
) -> None:
    clock.advance(timedelta(hours=2))
    url = f"/api/v1/orders/{world['order']}"
    request = client.post(
        f"{url}/cancellations", json={"reason": "found_cheaper"}, headers=world["ann"]
    ).json()
    assert request["status"] == "pending_seller"
    assert request["respond_by"] == (clock.now() + timedelta(hours=48)).isoformat()
    again = client.post(
        f"{url}/cancellations", json={"reason": "found_cheaper"}, headers=world["ann"]
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "request_pending"
    bob = client.post(f"/api/v1/cancellations/{request['id']}/approve", headers=world["bob"])
    assert bob.status_code == 404
    missing = client.post(
        f"/api/v1/cancellations/{request['id']}/reject",
        json={"reason": "already_shipped"},
        headers=world["sam"],
    )
    assert missing.status_code == 422
    assert missing.json()["error"]["field"] == "carrier"
    approved = client.post(f"/api/v1/cancellations/{request['id']}/approve", headers=world["sam"])
    assert approved.json()["status"] == "approved"
    assert approved.json()["refund"]["amount"]["amount"] == world["captured"]
    metrics = client.get(f"/api/v1/stores/{world['store']}/metrics", headers=world["sam"])
    assert metrics.json()["cancelled_orders"] == 1
    assert metrics.json()["seller_fault_cancellations"] == 0


def test_operator_token_cannot_answer_a_request_for_the_seller(
    client: TestClient, world: dict, clock: FixedClock
) -> None:
    """§12: the seller answers; the operator sees the request (403, not 404) but may not."""
    clock.advance(timedelta(hours=2))
    request = client.post(
        f"/api/v1/orders/{world['order']}/cancellations",
        json={"reason": "found_cheaper"},
        headers=world["ann"],
    ).json()
    url = f"/api/v1/cancellations/{request['id']}"
    approve = client.post(f"{url}/approve", headers=world["op"])
    reject = client.post(f"{url}/reject", json={"reason": "made_to_order"}, headers=world["op"])
    assert (approve.status_code, reject.status_code) == (403, 403)
    assert client.get(url, headers=world["op"]).json()["status"] == "pending_seller"


def test_shipped_order_answers_409_with_the_code_and_the_alternatives(
    client: TestClient, container: Container, world: dict
) -> None:
    ship_all(container, world["order"])
    url = f"/api/v1/orders/{world['order']}"
    quote = client.post(f"{url}/cancellation-quote", json={}, headers=world["ann"]).json()
    assert quote["eligible"] is False
    assert quote["blocker"]["code"] == "already_shipped"
    response = client.post(
        f"{url}/cancellations", json={"reason": "changed_mind"}, headers=world["ann"]
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "already_shipped"
    assert error["alternatives"] == ["ask_seller", "refuse_delivery", "return_after_delivery"]


def test_a_reason_the_catalogue_does_not_offer_is_404_and_malformed_lines_422(
    client: TestClient, world: dict
) -> None:
    url = f"/api/v1/orders/{world['order']}/cancellations"
    unknown = client.post(url, json={"reason": "bored"}, headers=world["ann"])
    assert unknown.status_code == 404
    assert unknown.json()["error"]["field"] == "reason"
    bad = client.post(
        url, json={"reason": "changed_mind", "lines": [{"line_id": "x"}]}, headers=world["ann"]
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["field"].startswith("lines[0]")


def test_operator_adds_and_retires_reasons(client: TestClient, world: dict) -> None:
    created = client.post(
        "/api/v1/cancellation-reasons",
        json={
            "code": "gift_not_needed",
            "label": "It was a gift nobody wants",
            "actor": "buyer",
            "fault": "buyer",
        },
        headers=world["op"],
    )
    assert created.status_code == 201
    codes = [
        r["code"]
        for r in client.get("/api/v1/cancellation-reasons", headers=world["ann"]).json()["data"]
    ]
    assert "gift_not_needed" in codes
    client.post("/api/v1/cancellation-reasons/gift_not_needed/retire", headers=world["op"])
    retired = client.post(
        f"/api/v1/orders/{world['order']}/cancellations",
        json={"reason": "gift_not_needed"},
        headers=world["ann"],
    )
    assert retired.status_code == 404
    assert (
        client.post(
            "/api/v1/cancellation-reasons/changed_mind/retire", headers=world["ann"]
        ).status_code
        == 403
    )


def test_a_cancel_retried_after_its_answer_was_lost_in_a_crash_answers_the_same_cancellation(
    client: TestClient, world: dict, container: Container
) -> None:
    url = f"/api/v1/orders/{world['order']}/cancellations"
    headers = {**world["ann"], "Idempotency-Key": "cancel-once"}
    first = client.post(url, json={"reason": "changed_mind"}, headers=headers)
    assert first.status_code == 201
    lose_stored_answers(container)

    again = client.post(url, json={"reason": "changed_mind"}, headers=headers)
    other_key = client.post(
        url, json={"reason": "changed_mind"}, headers={**world["ann"], "Idempotency-Key": "new"}
    )

    assert (again.status_code, again.json()["id"]) == (201, first.json()["id"])
    assert other_key.status_code == 409  # another request: the order is already cancelled
    with container.read_session() as s:
        kept = s.scalars(
            select(CancellationRow.id).where(CancellationRow.order_id == world["order"])
        )
        assert list(kept) == [first.json()["id"]]
