"""H1 with §4 (issue 12's "done when"), through `GET /api/v1/orders/{id}/options` as the buyer
and the seller: a delivered order offers its return open, with what it would refund and until
when; a shipped order offers to ask the seller to stop the parcel and to refuse it at the door;
and a read never shows a passed deadline as still actionable — with no worker running, the
seller's answer closes at `respond_by` and the return reads approved."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
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
from tests.web.api_helpers import user_headers

BUYER = "ines@example.com"
SELLER = "oskar@example.com"
ADDRESS = "Returns desk, Hauptstraße 1, 10115 Berlin"
WINDOW_DAYS = 21


@pytest.fixture
def order(container: Container) -> int:
    """A paid order of two lamps at a store that takes remorse returns for 21 days."""
    store = make_store(
        container,
        return_address=ADDRESS,
        return_window_days=WINDOW_DAYS,
        restocking_fee_percent=10,
    )
    buyer = make_user(container, role=Role.buyer, email=BUYER)
    make_user(container, role=Role.seller, email=SELLER, store_ids=[store])
    order_id = make_order(
        container,
        buyer_id=buyer,
        store_id=store,
        shipping_fee=500,
        lines=[NewLine("LAMP-1", "Desk lamp", 2500, 2, 0, 500)],
    )
    pay(container, order_id)
    return order_id


@pytest.fixture
def heads(container: Container, order: int) -> dict[str, dict[str, str]]:
    """The buyer's and the seller's API tokens."""
    return {"buyer": user_headers(container, BUYER), "seller": user_headers(container, SELLER)}


def _paths(client: TestClient, order_id: int, headers: dict[str, str]) -> dict[str, Any]:
    answer = client.get(f"/api/v1/orders/{order_id}/options", headers=headers)
    assert answer.status_code == 200, answer.text
    return {o["path"]: o for o in answer.json()["options"]}


def _delivered(container: Container, clock: FixedClock, order_id: int) -> datetime:
    shipment = ship_all(container, order_id)
    clock.advance(timedelta(days=2))
    carrier_event(container, shipment, CarrierEvent.delivered)
    return clock.now()


def test_a_delivered_order_offers_its_return_with_the_refund_and_the_window_end(
    client: TestClient,
    container: Container,
    clock: FixedClock,
    order: int,
    heads: dict[str, dict[str, str]],
) -> None:
    delivered_at = _delivered(container, clock, order)
    clock.advance(timedelta(days=3))

    paths = _paths(client, order, heads["buyer"])

    back = paths["return_items"]
    assert back["open"] is True, back
    assert back["blocker"] is None
    # R1: a remorse return is open until the store's window after delivery ends
    assert back["facts"]["category"] == "remorse"
    assert back["closes_at"] == (delivered_at + timedelta(days=WINDOW_DAYS)).isoformat()
    # C6/R5: what sending both lamps back would refund, before the buyer asks: 5000 and 500
    # tax, minus 10 % restocking of the price (500) and the return shipping the buyer pays (500)
    assert (back["quote"]["total"]["amount"], back["quote"]["total"]["currency"]) == (4500, "EUR")
    line = get_order(container, order).lines[0].id
    asked = client.post(
        f"/api/v1/orders/{order}/return-quote",
        json={"lines": [{"line_id": line, "quantity": 2}], "reason": "no_longer_needed"},
        headers=heads["buyer"],
    )
    assert asked.json()["quote"]["total"] == back["quote"]["total"]
    assert back["help_url"] == "/help/returning-an-item"


def test_a_shipped_order_offers_to_stop_the_parcel_and_to_refuse_it(
    client: TestClient, container: Container, order: int, heads: dict[str, dict[str, str]]
) -> None:
    ship_all(container, order)

    paths = _paths(client, order, heads["buyer"])

    assert paths["ask_intercept"]["open"] is True, paths["ask_intercept"]
    assert paths["refuse_delivery"]["open"] is True, paths["refuse_delivery"]
    assert paths["return_items"]["open"] is False
    assert paths["return_items"]["blocker"]["code"] == "return_nothing_delivered"


def test_a_passed_respond_by_reads_as_approved_with_no_worker(
    client: TestClient,
    container: Container,
    clock: FixedClock,
    order: int,
    heads: dict[str, dict[str, str]],
) -> None:
    _delivered(container, clock, order)
    line = get_order(container, order).lines[0].id
    made = client.post(
        f"/api/v1/orders/{order}/returns",
        json={
            "lines": [{"line_id": line, "quantity": 1}],
            "reason": "no_longer_needed",
            "description": "Too bright for the desk",
        },
        headers={**heads["buyer"], "Idempotency-Key": "options-return-1"},
    )
    assert made.status_code == 201, made.text
    ret = made.json()
    respond_by = ret["deadlines"]["respond_by"]

    before = _paths(client, order, heads["seller"])
    assert before["answer_return"]["open"] is True, before["answer_return"]
    assert before["answer_return"]["closes_at"] == respond_by

    # Past respond_by, and nobody has run the worker: the read decides what silence decided.
    clock.set(datetime.fromisoformat(respond_by) + timedelta(minutes=1))
    seller = _paths(client, order, heads["seller"])
    buyer = _paths(client, order, heads["buyer"])
    read = client.get(f"/api/v1/returns/{ret['id']}", headers=heads["buyer"]).json()

    assert seller["answer_return"]["open"] is False
    assert seller["answer_return"]["blocker"]["code"] == "return_answered"
    assert seller["answer_return"]["facts"]["status"] == "approved"
    assert read["status"] == "approved"
    assert read["return_address"] == ADDRESS
    assert buyer["ship_return"]["open"] is True, buyer["ship_return"]
    assert buyer["ship_return"]["closes_at"] == read["deadlines"]["ship_by"]


def test_a_lapsed_offer_reads_as_back_with_the_seller_with_no_worker(
    client: TestClient,
    container: Container,
    clock: FixedClock,
    order: int,
    heads: dict[str, dict[str, str]],
) -> None:
    _delivered(container, clock, order)
    line = get_order(container, order).lines[0].id
    ret = client.post(
        f"/api/v1/orders/{order}/returns",
        json={
            "lines": [{"line_id": line, "quantity": 1}],
            "reason": "damaged",
            "description": "The shade is dented",
        },
        headers={**heads["buyer"], "Idempotency-Key": "options-return-2"},
    ).json()
    offered = client.post(
        f"/api/v1/returns/{ret['id']}/offer", json={"amount": 800}, headers=heads["seller"]
    )
    assert offered.status_code == 200, offered.text
    answer_by = offered.json()["deadlines"]["offer_answer_by"]
    assert _paths(client, order, heads["buyer"])["answer_offer"]["closes_at"] == answer_by

    # R2: the buyer's silence past offer_answer_by puts it back to the seller, who answers
    # anew and may not offer again; no worker has run.
    clock.set(datetime.fromisoformat(answer_by) + timedelta(minutes=1))
    buyer = _paths(client, order, heads["buyer"])
    seller = _paths(client, order, heads["seller"])
    read = client.get(f"/api/v1/returns/{ret['id']}", headers=heads["seller"]).json()

    assert "answer_offer" not in buyer
    assert read["status"] == "requested"
    assert seller["answer_return"]["open"] is True
    assert seller["answer_return"]["closes_at"] == read["deadlines"]["respond_by"]
    assert datetime.fromisoformat(read["deadlines"]["respond_by"]) > clock.now()
    again = client.post(
        f"/api/v1/returns/{ret['id']}/offer", json={"amount": 500}, headers=heads["seller"]
    )
    assert again.status_code == 409, again.text
