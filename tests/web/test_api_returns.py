"""§4 returns in the API: the quote before asking (R5), the request and every answer through
the routes, refusals as 409 with the rule and its date (a remorse return after the window, a
store that refuses remorse returns), malformed input as 422 naming the field, and another
party's return read as 404."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from recourse.container import Container
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

BUYER = "rhea@example.com"
SELLER = "sol@example.com"
ADDRESS = "Maison Lune, Returns desk, Hauptstr. 1, 10115 Berlin"


def _delivered(c: Container, clock: FixedClock, **policy: Any) -> dict[str, int]:
    store = make_store(c, return_address=ADDRESS, **policy)
    buyer = make_user(c, role=Role.buyer, email=BUYER)
    make_user(c, role=Role.seller, email=SELLER, store_ids=[store])
    other_store = make_store(c)
    make_user(c, role=Role.seller, email="other-seller@example.com", store_ids=[other_store])
    make_user(c, role=Role.buyer, email="other@example.com")
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
    carrier_event(c, shipment, CarrierEvent.delivered)
    return {"order": order, "line": get_order(c, order).lines[0].id}


def _body(w: dict[str, int], reason: str = "no_longer_needed", **extra: Any) -> dict[str, Any]:
    return {"lines": [{"line_id": w["line"], "quantity": 1}], "reason": reason, **extra}


def test_a_remorse_return_from_quote_to_refund(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    w = _delivered(container, clock, restocking_fee_percent=10)
    buyer, seller = user_headers(container, BUYER), user_headers(container, SELLER)
    quote = client.post(f"/api/v1/orders/{w['order']}/return-quote", json=_body(w), headers=buyer)
    assert quote.status_code == 200, quote.text
    q = quote.json()
    # R5: one lamp, 2500 and 250 tax, minus 10 % restocking (250) and the return shipping (500)
    assert (q["category"], q["quote"]["total"]["amount"]) == ("remorse", 2000)
    assert q["quote"]["fees"]["amount"] == -750
    made = client.post(
        f"/api/v1/orders/{w['order']}/returns",
        json=_body(w, description="Too bright"),
        headers={**buyer, "Idempotency-Key": "r-1"},
    )
    assert made.status_code == 201, made.text
    ret = made.json()
    assert ret["status"] == "requested" and ret["deadlines"]["respond_by"] is not None
    assert ret["lines"] == [{"line_id": w["line"], "quantity": 1}]
    rid = ret["id"]
    approved = client.post(f"/api/v1/returns/{rid}/approve", json={}, headers=seller)
    assert approved.status_code == 200, approved.text
    assert approved.json()["return_address"] == ADDRESS
    shipped = client.post(
        f"/api/v1/returns/{rid}/ship",
        json={"carrier": "DHL", "tracking_number": "RET-1"},
        headers=buyer,
    )
    assert shipped.json()["status"] == "shipped"
    received = client.post(
        f"/api/v1/returns/{rid}/receive", json={"condition": "ok"}, headers=seller
    )
    assert received.status_code == 200, received.text
    body = received.json()
    assert body["status"] == "refunded"
    assert body["refund"]["amount"]["amount"] == 2000
    listed = client.get(f"/api/v1/orders/{w['order']}/returns", headers=buyer).json()
    assert [r["id"] for r in listed["data"]] == [rid]


def test_a_remorse_return_after_the_window_names_its_end(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    w = _delivered(container, clock, return_window_days=14)
    delivered_at = clock.now()
    clock.advance(timedelta(days=14, minutes=1))
    late = client.post(
        f"/api/v1/orders/{w['order']}/returns",
        json=_body(w),
        headers=user_headers(container, BUYER),
    )
    assert late.status_code == 409
    error = late.json()["error"]
    assert error["code"] == "return_window_closed"
    assert error["window_ends_at"] == (delivered_at + timedelta(days=14)).isoformat()
    # not as described: still open until protection ends
    ok = client.post(
        f"/api/v1/orders/{w['order']}/returns",
        json=_body(w, "damaged", description="Cracked shade"),
        headers=user_headers(container, BUYER),
    )
    assert ok.status_code == 201, ok.text
    assert ok.json()["category"] == "not_as_described"


def test_a_store_that_takes_no_remorse_returns(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    w = _delivered(container, clock, accepts_remorse_returns=False)
    delivered_at = clock.now()
    refused = client.post(
        f"/api/v1/orders/{w['order']}/return-quote",
        json=_body(w, "wrong_size"),
        headers=user_headers(container, BUYER),
    )
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "remorse_not_accepted"
    # the window for a change of mind is none (it ended on delivery); what is wrong with
    # the item can be returned until protection ends
    assert error["window_days"] == 0
    assert error["window_ends_at"] == delivered_at.isoformat()
    assert error["protection_ends_at"] is not None
    assert error["protection_ends_at"] > error["window_ends_at"]


def test_malformed_input_names_the_field(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    w = _delivered(container, clock)
    buyer = user_headers(container, BUYER)
    url = f"/api/v1/orders/{w['order']}/returns"
    no_lines = client.post(url, json={"lines": [], "reason": "damaged"}, headers=buyer)
    assert no_lines.status_code == 422
    twice = client.post(
        url,
        json={
            "lines": [{"line_id": w["line"], "quantity": 1}, {"line_id": w["line"], "quantity": 1}],
            "reason": "wrong_size",
        },
        headers=buyer,
    )
    assert twice.status_code == 422
    assert twice.json()["error"]["field"] == "lines[1].line_id"
    no_description = client.post(url, json=_body(w, "damaged"), headers=buyer)
    assert no_description.status_code == 422
    assert no_description.json()["error"]["field"] == "description"
    unknown = client.post(url, json=_body(w, "changed_mind"), headers=buyer)
    assert unknown.status_code == 404  # a cancellation reason is not a return reason
    rid = client.post(url, json=_body(w), headers=buyer).json()["id"]
    seller = user_headers(container, SELLER)
    bad_offer = client.post(f"/api/v1/returns/{rid}/offer", json={"amount": 0}, headers=seller)
    assert bad_offer.status_code == 422
    too_much = client.post(f"/api/v1/returns/{rid}/offer", json={"amount": 99999}, headers=seller)
    assert too_much.status_code == 422
    assert too_much.json()["error"]["field"] == "amount"
    problem = client.post(
        f"/api/v1/returns/{rid}/receive", json={"condition": "bad"}, headers=seller
    )
    assert problem.status_code == 422


def test_another_party_gets_404_and_the_wrong_role_403(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    w = _delivered(container, clock)
    rid = client.post(
        f"/api/v1/orders/{w['order']}/returns",
        json=_body(w),
        headers=user_headers(container, BUYER),
    ).json()["id"]
    for email in ("other@example.com", "other-seller@example.com"):
        headers = user_headers(container, email)
        assert client.get(f"/api/v1/returns/{rid}", headers=headers).status_code == 404
        assert (
            client.post(f"/api/v1/returns/{rid}/approve", json={}, headers=headers).status_code
            == 404
        )
        assert client.post(f"/api/v1/returns/{rid}/withdraw", headers=headers).status_code == 404
    # the buyer may not answer, the seller may not withdraw
    buyer, seller = user_headers(container, BUYER), user_headers(container, SELLER)
    assert client.post(f"/api/v1/returns/{rid}/approve", json={}, headers=buyer).status_code == 403
    assert client.post(f"/api/v1/returns/{rid}/withdraw", headers=seller).status_code == 403
    assert (
        client.get(f"/api/v1/returns/{rid}", headers=operator_headers(container)).status_code == 200
    )


def test_an_offer_accepted_refunds_the_amount_and_a_late_answer_gets_the_deadline(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    w = _delivered(container, clock)
    buyer, seller = user_headers(container, BUYER), user_headers(container, SELLER)
    rid = client.post(
        f"/api/v1/orders/{w['order']}/returns",
        json=_body(w, "defective", description="Flickers"),
        headers=buyer,
    ).json()["id"]
    offered = client.post(f"/api/v1/returns/{rid}/offer", json={"amount": 800}, headers=seller)
    assert offered.status_code == 200, offered.text
    assert offered.json()["offer"]["amount"]["amount"] == 800
    again = client.post(f"/api/v1/returns/{rid}/offer", json={"amount": 700}, headers=seller)
    assert again.status_code == 409
    accepted = client.post(f"/api/v1/returns/{rid}/accept-offer", headers=buyer)
    assert accepted.json()["status"] == "offer_accepted"
    assert accepted.json()["refund"]["amount"]["amount"] == 800
    # a second return asked and left unanswered is approved by silence; a late answer is 409
    rid2 = client.post(
        f"/api/v1/orders/{w['order']}/returns",
        json=_body(w, "defective", description="Flickers too"),
        headers=buyer,
    ).json()["id"]
    respond_by = client.get(f"/api/v1/returns/{rid2}", headers=buyer).json()["deadlines"][
        "respond_by"
    ]
    clock.advance(timedelta(days=10))
    late = client.post(f"/api/v1/returns/{rid2}/decline", json={"reason": "No"}, headers=seller)
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "return_respond_by_passed"
    assert late.json()["error"]["respond_by"] == respond_by
    assert client.get(f"/api/v1/returns/{rid2}", headers=buyer).json()["status"] == "approved"


def test_a_retried_request_with_its_key_finds_the_same_return(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    w = _delivered(container, clock)
    headers = {**user_headers(container, BUYER), "Idempotency-Key": "ret-42"}
    url = f"/api/v1/orders/{w['order']}/returns"
    first = client.post(url, json=_body(w), headers=headers)
    again = client.post(url, json=_body(w), headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["id"] == again.json()["id"]
    listed = client.get(url, headers=user_headers(container, BUYER)).json()["data"]
    assert len(listed) == 1
