"""C10 in the API: a seller rejects a cancellation claiming the parcel left, the carrier never
scans it; the buyer's `cancellation_refused` dispute carries the "no carrier scan" flag once
`no_scan_flag_hours` passed, and support forces the cancellation — 200 with the decided
dispute; 422 without a rationale, 403 for the parties, 404 for another party, 409 on a
dispute already decided or once the carrier scanned the parcel."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from recourse.container import Container
from recourse.domain.order import NewLine
from recourse.domain.roles import Role
from recourse.domain.shipment import CarrierEvent
from recourse.integrations.clock import FixedClock
from tests.factories import carrier_event, make_order, make_store, make_user, pay
from tests.web.api_helpers import user_headers

BUYER = "rhea@example.com"
SELLER = "sol@example.com"
AGENT = "sue@example.com"
OTHER_BUYER = "other@example.com"
OTHER_SELLER = "olga@example.com"
RATIONALE = "The tracking number was never scanned: the parcel never left."


def _world(client: TestClient, c: Container, clock: FixedClock) -> dict[str, Any]:
    """A paid order (2 lamps: 2 x 2500 + 500 tax, shipping 500: 6000); the buyer asks to
    cancel, the seller rejects it as already shipped with a tracking number; the buyer opens
    a `cancellation_refused` dispute and escalates it."""
    store = make_store(c)
    buyer = make_user(c, role=Role.buyer, email=BUYER)
    make_user(c, role=Role.seller, email=SELLER, store_ids=[store])
    make_user(c, role=Role.support, email=AGENT)
    make_user(c, role=Role.buyer, email=OTHER_BUYER)
    make_user(c, role=Role.seller, email=OTHER_SELLER, store_ids=[make_store(c)])
    order = make_order(
        c,
        buyer_id=buyer,
        store_id=store,
        shipping_fee=500,
        lines=[NewLine("SKU-1", "Desk lamp", 2500, 2, 0, 500)],
    )
    pay(c, order)
    clock.advance(timedelta(hours=2))
    asked = client.post(
        f"/api/v1/orders/{order}/cancellations",
        json={"reason": "changed_mind"},
        headers=user_headers(c, BUYER),
    )
    assert asked.status_code in (200, 201), asked.text
    cancellation = asked.json()["id"]
    rejected = client.post(
        f"/api/v1/cancellations/{cancellation}/reject",
        json={"reason": "already_shipped", "carrier": "DHL", "tracking_number": "JJD000390007"},
        headers=user_headers(c, SELLER),
    )
    assert rejected.status_code == 200, rejected.text
    opened = client.post(
        f"/api/v1/orders/{order}/disputes",
        json={
            "type": "cancellation_refused",
            "wanted": "full_refund",
            "description": "The tracking number shows nothing.",
            "cancellation_id": cancellation,
        },
        headers=user_headers(c, BUYER),
    )
    assert opened.status_code == 201, opened.text
    dispute = opened.json()["id"]
    escalated = _post(client, c, f"{dispute}/escalate", BUYER)
    assert escalated.status_code == 200, escalated.text
    return {"order": order, "dispute": dispute}


def _post(client: TestClient, c: Container, path: str, who: str, body: Any = None) -> Any:
    return client.post(
        f"/api/v1/disputes/{path}",
        json=body if body is not None else {},
        headers=user_headers(c, who),
    )


def _force(client: TestClient, c: Container, dispute: int, who: str = AGENT, **body: Any) -> Any:
    return _post(client, c, f"{dispute}/force-cancel", who, {"rationale": RATIONALE, **body})


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    return error


def test_the_flag_shows_and_support_forces_the_cancellation(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    w = _world(client, container, clock)
    read = client.get(f"/api/v1/disputes/{w['dispute']}", headers=user_headers(container, AGENT))
    assert read.json()["flags"] == []

    clock.advance(timedelta(hours=72))
    flagged = client.get(
        f"/api/v1/disputes/{w['dispute']}", headers=user_headers(container, AGENT)
    ).json()
    [flag] = flagged["flags"]
    assert (flag["kind"], flag["carrier"], flag["tracking_number"]) == (
        "no_carrier_scan",
        "DHL",
        "JJD000390007",
    )

    forced = _force(client, container, w["dispute"])

    assert forced.status_code == 200, forced.text
    d = forced.json()
    assert d["status"] == "decided"
    assert d["decision"]["outcome"] == "full_refund"
    assert d["decision"]["rationale"] == RATIONALE
    assert d["decision"]["charged_to_store"] is True
    assert d["flags"] == []  # the parcel is voided: nothing to flag
    order = client.get(
        f"/api/v1/orders/{w['order']}", headers=user_headers(container, BUYER)
    ).json()
    assert order["status"] == "cancelled"
    assert [s["status"] for s in order["shipments"]] == ["voided"]
    refunds = client.get(
        f"/api/v1/orders/{w['order']}/refunds", headers=user_headers(container, BUYER)
    ).json()["data"]
    assert [r["amount"]["amount"] for r in refunds] == [6000]
    # decided once: forcing again is a conflict
    assert _error(_force(client, container, w["dispute"]), 409)["code"] == "dispute_not_at_step"


def test_who_may_force_and_what_it_needs(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    w = _world(client, container, clock)
    dispute = w["dispute"]

    assert _error(_force(client, container, dispute, BUYER), 403)
    assert _error(_force(client, container, dispute, SELLER), 403)
    assert _error(_force(client, container, dispute, OTHER_BUYER), 404)
    assert _error(_force(client, container, dispute, OTHER_SELLER), 404)
    assert _error(_force(client, container, 999_999), 404)
    blank = _error(_force(client, container, dispute, rationale="   "), 422)
    assert "rationale" in str(blank)


def test_a_scanned_parcel_leaves_nothing_to_force(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    w = _world(client, container, clock)
    order = client.get(
        f"/api/v1/orders/{w['order']}", headers=user_headers(container, AGENT)
    ).json()
    carrier_event(container, order["shipments"][0]["id"], CarrierEvent.in_transit)

    error = _error(_force(client, container, w["dispute"]), 409)

    assert error["code"] == "dispute_nothing_to_cancel"
