"""§10 through the API and the pages: with the worker down, a passed deadline still decides
what is read and what may be done; the worker catching up later changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from recourse.bootstrap import make_worker
from recourse.container import Container
from recourse.domain.roles import Role
from recourse.integrations.clock import FixedClock
from tests.factories import make_order, make_store, make_user, pay
from tests.web.api_helpers import user_headers
from tests.web.test_pages import login


@pytest.fixture
def world(container: Container) -> dict:
    store = make_store(container, name="Maison Lune", buyer_cancel="approval")
    buyer = make_user(container, role=Role.buyer, email="ann@example.com")
    make_user(container, role=Role.seller, email="sam@example.com", store_ids=[store])
    order = make_order(container, buyer_id=buyer, store_id=store)
    paid = pay(container, order)
    return {
        "order": order,
        "captured": paid.payment.amount_captured,
        "ship_by": paid.deadlines.ship_by,
        "lines": [{"line_id": x.id, "quantity": x.qty.ordered} for x in paid.lines],
        "ann": user_headers(container, "ann@example.com"),
        "sam": user_headers(container, "sam@example.com"),
    }


def _request(client: TestClient, container: Container, world: dict, clock: FixedClock) -> dict:
    clock.advance(timedelta(hours=2))
    request = client.post(
        f"/api/v1/orders/{world['order']}/cancellations",
        json={"reason": "found_cheaper"},
        headers=world["ann"],
    ).json()
    assert request["status"] == "pending_seller"
    make_worker(container).run_once()  # then the worker goes down
    return request


def _mails(container: Container, to: str, template: str) -> int:
    assert container.mailbox is not None
    return sum(1 for x in container.mailbox.list(to=to) if x["template"] == template)


def test_a_late_reject_answers_409_naming_respond_by_and_reads_show_the_approval(
    client: TestClient, container: Container, world: dict, clock: FixedClock
) -> None:
    request = _request(client, container, world, clock)
    clock.set(datetime.fromisoformat(request["respond_by"]) + timedelta(minutes=5))

    late = client.post(
        f"/api/v1/cancellations/{request['id']}/reject",
        json={"reason": "made_to_order"},
        headers=world["sam"],
    )
    seen = client.get(f"/api/v1/cancellations/{request['id']}", headers=world["ann"]).json()
    order = client.get(f"/api/v1/orders/{world['order']}", headers=world["ann"]).json()
    refunds = client.get(f"/api/v1/orders/{world['order']}/refunds", headers=world["ann"]).json()

    assert late.status_code == 409
    assert late.json()["error"]["code"] == "respond_by_passed"
    assert late.json()["error"]["respond_by"] == request["respond_by"]
    assert seen["status"] == "auto_approved"
    assert seen["refund"]["amount"]["amount"] == world["captured"]
    assert order["status"] == "cancelled"
    assert [r["amount"]["amount"] for r in refunds["data"]] == [world["captured"]]


def test_reads_alone_show_the_approval_before_the_worker_runs_and_it_then_changes_nothing(
    client: TestClient, container: Container, world: dict, clock: FixedClock
) -> None:
    request = _request(client, container, world, clock)
    clock.set(datetime.fromisoformat(request["respond_by"]))

    listed = client.get("/api/v1/orders", headers=world["ann"]).json()
    seen = client.get(f"/api/v1/cancellations/{request['id']}", headers=world["sam"]).json()
    make_worker(container).run_once()
    make_worker(container).run_once()
    after = client.get(f"/api/v1/orders/{world['order']}/cancellations", headers=world["ann"])
    refunds = client.get(f"/api/v1/orders/{world['order']}/refunds", headers=world["ann"])

    assert [o["status"] for o in listed["data"]] == ["cancelled"]
    assert seen["status"] == "auto_approved"
    assert seen["refund"] is not None
    assert [c["status"] for c in after.json()["data"]] == ["auto_approved"]
    assert len(refunds.json()["data"]) == 1
    assert _mails(container, "ann@example.com", "cancellation_completed") == 1
    assert _mails(container, "sam@example.com", "cancellation_seller_notice") == 1


def test_the_seller_page_shows_the_request_approved_automatically_without_the_worker(
    client: TestClient, container: Container, world: dict, clock: FixedClock
) -> None:
    request = _request(client, container, world, clock)
    clock.set(datetime.fromisoformat(request["respond_by"]) + timedelta(hours=1))
    login(client, "sam@example.com")

    page = client.get(f"/seller/orders/{world['order']}")

    assert page.status_code == 200
    assert "Approved automatically" in page.text
    assert f"/cancellations/{request['id']}/reject" not in page.text


def test_shipping_an_overdue_order_answers_409_and_the_order_reads_cancelled(
    client: TestClient, container: Container, world: dict, clock: FixedClock
) -> None:
    clock.set(world["ship_by"] + timedelta(days=3))  # the worker was down
    url = f"/api/v1/orders/{world['order']}"

    ship = client.post(
        f"{url}/shipments",
        json={"lines": world["lines"], "carrier": "DHL", "tracking_number": "JJD1"},
        headers=world["sam"],
    )
    order = client.get(url, headers=world["ann"]).json()
    refunds = client.get(f"{url}/refunds", headers=world["ann"]).json()
    make_worker(container).run_once()

    assert ship.status_code == 409
    assert ship.json()["error"]["code"] == "overdue_autocancelled"
    assert ship.json()["error"]["ship_by"] == world["ship_by"].isoformat()
    assert order["status"] == "cancelled"
    assert [r["amount"]["amount"] for r in refunds["data"]] == [world["captured"]]
    assert len(client.get(f"{url}/refunds", headers=world["ann"]).json()["data"]) == 1
    assert _mails(container, "ann@example.com", "cancellation_completed") == 1
