"""One API request, one transaction, for returns and disputes (issue 14): each POST that acts
on a return or a dispute claims its Idempotency-Key, finds its caller, settles what is due,
runs the use case and stores its answer in one transaction, with one hand-off to the thread
pool; the answer is the one a later read gives, and a replay sends the same bytes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from recourse.container import Container
from recourse.db import models as m
from recourse.domain.order import NewLine
from recourse.domain.roles import Role
from recourse.domain.shipment import CarrierEvent
from recourse.integrations.clock import FixedClock
from recourse.services import returns as returns_service
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
from tests.web.test_api_files import png
from tests.web.transactions import Seen

BUYER = "rhea@example.com"
SELLER = "sol@example.com"
AGENT = "sue@example.com"
ADDRESS = "Maison Lune, Returns desk, Hauptstr. 1, 10115 Berlin"


@pytest.fixture
def world(container: Container, clock: FixedClock) -> dict[str, Any]:
    """A paid order of two lamps, shipped and delivered a day later; its store's seller and
    a support agent."""
    store = make_store(container, return_address=ADDRESS)
    buyer = make_user(container, role=Role.buyer, email=BUYER)
    make_user(container, role=Role.seller, email=SELLER, store_ids=[store])
    make_user(container, role=Role.support, email=AGENT)
    order = make_order(
        container,
        buyer_id=buyer,
        store_id=store,
        shipping_fee=500,
        lines=[NewLine("SKU-1", "Desk lamp", 2500, 2, 0, 500)],
    )
    pay(container, order)
    shipment = ship_all(container, order)
    clock.advance(timedelta(days=1))
    carrier_event(container, shipment, CarrierEvent.delivered)
    return {
        "order": order,
        "line": get_order(container, order).lines[0].id,
        "buyer": user_headers(container, BUYER),
        "seller": user_headers(container, SELLER),
        "agent": user_headers(container, AGENT),
    }


def _keys(c: Container) -> dict[str, tuple[int | None, str | None]]:
    with c.read_session() as s:
        return {
            r.key: (r.status_code, r.response_body) for r in s.scalars(select(m.IdempotencyKeyRow))
        }


class Steps:
    """POSTs a step with an Idempotency-Key of its own and checks what issue 14 asks of it."""

    def __init__(self, client: TestClient, container: Container, seen: Seen) -> None:
        self.client, self.container, self.seen = client, container, seen
        self.count = 0

    def post(
        self, url: str, headers: dict[str, str], body: Any, read: str, status: int = 200
    ) -> Any:
        self.count += 1
        key = f"step-{self.count}"
        sent = {**headers, "Idempotency-Key": key}
        self.client.get("/healthz")
        self.seen.reset()
        done = self.client.post(url, json=body, headers=sent)
        assert done.status_code == status, done.text
        # one transaction: key, token, settling, use case and answer committed at once
        assert (self.seen.begins, self.seen.commits, self.seen.rollbacks) == (1, 1, 0), (
            url,
            self.seen.statements,
        )
        assert self.seen.hand_offs == 1, url
        assert "idempotent-replayed" not in done.headers
        assert _keys(self.container)[key] == (status, done.text)
        # the answer is what a read gives afterwards
        assert done.content == self.client.get(read, headers=headers).content, url
        # a replay runs nothing and sends the same bytes
        self.seen.reset()
        again = self.client.post(url, json=body, headers=sent)
        assert (again.status_code, again.content) == (status, done.content)
        assert again.headers["idempotent-replayed"] == "true"
        assert self.seen.commits == 0
        return done.json()


@pytest.fixture
def steps(client: TestClient, container: Container, seen: Seen) -> Steps:
    return Steps(client, container, seen)


def _return_body(w: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"lines": [{"line_id": w["line"], "quantity": 1}], "reason": "no_longer_needed", **extra}


def test_each_return_step_is_one_transaction_and_answers_what_a_read_gives(
    steps: Steps, world: dict[str, Any]
) -> None:
    w = world
    created = steps.client.post(
        f"/api/v1/orders/{w['order']}/returns",
        json=_return_body(w, description="Too bright"),
        headers={**w["buyer"], "Idempotency-Key": "made"},
    )
    assert created.status_code == 201, created.text
    rid = created.json()["id"]
    read = f"/api/v1/returns/{rid}"
    assert created.content == steps.client.get(read, headers=w["buyer"]).content
    offered = steps.post(f"{read}/offer", w["seller"], {"amount": 1000}, read)
    assert offered["status"] == "offered"
    declined = steps.post(f"{read}/decline-offer", w["buyer"], None, read)
    assert declined["status"] == "requested"
    approved = steps.post(f"{read}/approve", w["seller"], {}, read)
    assert approved["return_address"] == ADDRESS
    shipped = steps.post(
        f"{read}/ship", w["buyer"], {"carrier": "DHL", "tracking_number": "RET-1"}, read
    )
    assert shipped["status"] == "shipped"
    received = steps.post(f"{read}/receive", w["seller"], {"condition": "ok"}, read)
    assert received["status"] == "refunded"
    assert received["refund"]["amount"]["amount"] > 0


def test_a_return_request_is_one_transaction_and_a_withdrawal_too(
    steps: Steps, world: dict[str, Any], seen: Seen
) -> None:
    w = world
    steps.client.get("/healthz")
    seen.reset()
    created = steps.client.post(
        f"/api/v1/orders/{w['order']}/returns",
        json=_return_body(w),
        headers={**w["buyer"], "Idempotency-Key": "made"},
    )
    assert created.status_code == 201, created.text
    assert (seen.begins, seen.commits, seen.rollbacks) == (1, 1, 0), seen.statements
    assert seen.hand_offs == 1
    read = f"/api/v1/returns/{created.json()['id']}"
    assert created.content == steps.client.get(read, headers=w["buyer"]).content
    again = steps.client.post(
        f"/api/v1/orders/{w['order']}/returns",
        json=_return_body(w),
        headers={**w["buyer"], "Idempotency-Key": "made"},
    )
    assert (again.status_code, again.content) == (201, created.content)
    withdrawn = steps.post(f"{read}/withdraw", w["buyer"], None, read)
    assert withdrawn["status"] == "withdrawn"


def test_an_accepted_offer_and_a_decline_each_in_one_transaction(
    steps: Steps, world: dict[str, Any]
) -> None:
    w = world
    created = steps.client.post(
        f"/api/v1/orders/{w['order']}/returns", json=_return_body(w), headers=w["buyer"]
    )
    read = f"/api/v1/returns/{created.json()['id']}"
    steps.post(f"{read}/offer", w["seller"], {"amount": 1000}, read)
    accepted = steps.post(f"{read}/accept-offer", w["buyer"], None, read)
    assert accepted["refund"]["amount"]["amount"] == 1000
    other = steps.client.post(
        f"/api/v1/orders/{w['order']}/returns", json=_return_body(w), headers=w["buyer"]
    )
    assert other.status_code == 201, other.text
    read = f"/api/v1/returns/{other.json()['id']}"
    declined = steps.post(f"{read}/decline", w["seller"], {"reason": "Used."}, read)
    assert declined["status"] == "declined"


def test_a_step_after_a_passed_deadline_settles_it_in_the_same_transaction(
    steps: Steps, world: dict[str, Any], clock: FixedClock, container: Container
) -> None:
    """R2: the sellers' silence approves the return. The buyer's next step applies that first,
    in its own request's transaction; a seller's late answer is refused, and what its request
    settled rolls back with it (the next read settles it again, the same way)."""
    w = world
    created = steps.client.post(
        f"/api/v1/orders/{w['order']}/returns", json=_return_body(w), headers=w["buyer"]
    )
    rid = created.json()["id"]
    read = f"/api/v1/returns/{rid}"
    respond_by = datetime.fromisoformat(created.json()["deadlines"]["respond_by"])
    clock.advance(respond_by - clock.now() + timedelta(hours=1))
    late = steps.client.post(
        f"{read}/decline",
        json={"reason": "Too late?"},
        headers={**w["seller"], "Idempotency-Key": "late"},
    )
    assert late.status_code == 409, late.text
    assert _keys(container)["late"] == (409, late.text)
    with container.read_session() as s:
        assert s.get(m.ReturnRow, rid).status == "requested"  # rolled back with the refusal
    shipped = steps.post(
        f"{read}/ship", w["buyer"], {"carrier": "DHL", "tracking_number": "RET-2"}, read
    )
    assert shipped["status"] == "shipped"
    assert shipped["return_address"] == ADDRESS  # approved by the silence, then shipped


def _open(w: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "not_as_described",
        "wanted": "full_refund",
        "description": "The shade arrived cracked.",
    }


def test_each_dispute_step_is_one_transaction_and_answers_what_a_read_gives(
    steps: Steps, world: dict[str, Any], clock: FixedClock, seen: Seen
) -> None:
    w = world
    steps.client.get("/healthz")
    seen.reset()
    opened = steps.client.post(
        f"/api/v1/orders/{w['order']}/disputes",
        json=_open(w),
        headers={**w["buyer"], "Idempotency-Key": "opened"},
    )
    assert opened.status_code == 201, opened.text
    assert (seen.begins, seen.commits, seen.rollbacks) == (1, 1, 0), seen.statements
    assert seen.hand_offs == 1
    read = f"/api/v1/disputes/{opened.json()['id']}"
    assert opened.content == steps.client.get(read, headers=w["buyer"]).content
    again = steps.client.post(
        f"/api/v1/orders/{w['order']}/disputes",
        json=_open(w),
        headers={**w["buyer"], "Idempotency-Key": "opened"},
    )
    assert (again.status_code, again.content) == (201, opened.content)

    countered = steps.post(
        f"{read}/respond",
        w["seller"],
        {"action": "counter", "wanted": "partial_refund", "amount": 1500, "note": "A discount?"},
        read,
    )
    assert countered["status"] == "negotiating"
    proposed = steps.post(
        f"{read}/propose",
        w["buyer"],
        {"wanted": "partial_refund", "amount": 2500, "note": "Meet halfway?"},
        read,
    )
    assert proposed["proposals"][-1]["party"] == "buyer"
    escalated = steps.post(f"{read}/escalate", w["buyer"], None, read)
    assert escalated["status"] == "escalated"
    assigned = steps.post(f"{read}/assign", w["agent"], {}, read)
    assert assigned["assignee_id"] is not None
    due = (clock.now() + timedelta(days=2)).isoformat()
    asked = steps.post(
        f"{read}/request-info",
        w["agent"],
        {"party": "buyer", "question": "A photo of the box?", "due_at": due},
        read,
    )
    question = asked["info_requests"][0]["id"]
    answered = steps.post(
        f"{read}/answer-info", w["buyer"], {"request_id": question, "answer": "Fine."}, read
    )
    assert answered["info_requests"][0]["answer"] == "Fine."
    decided = steps.post(
        f"{read}/decide",
        w["agent"],
        {"outcome": "partial_refund", "amount": 2000, "rationale": "Cracked, still works."},
        read,
    )
    assert decided["status"] == "decided" and len(decided["refund_ids"]) == 1
    appealed = steps.post(f"{read}/appeal", w["buyer"], {"reason": "It does not work."}, read)
    assert appealed["status"] == "appealed"


def test_a_dispute_accepted_or_withdrawn_in_one_transaction(
    steps: Steps, world: dict[str, Any], container: Container
) -> None:
    w = world
    opened = steps.client.post(
        f"/api/v1/orders/{w['order']}/disputes", json=_open(w), headers=w["buyer"]
    )
    read = f"/api/v1/disputes/{opened.json()['id']}"
    steps.post(
        f"{read}/respond",
        w["seller"],
        {"action": "counter", "wanted": "partial_refund", "amount": 1500, "note": "A discount?"},
        read,
    )
    accepted = steps.post(f"{read}/accept", w["buyer"], None, read)
    assert accepted["refund_ids"]
    with container.read_session() as s:
        assert s.scalar(select(func.count()).select_from(m.RefundRow)) == 1


def test_a_refused_dispute_step_is_stored_and_leaves_nothing_else(
    steps: Steps, world: dict[str, Any], container: Container
) -> None:
    w = world
    opened = steps.client.post(
        f"/api/v1/orders/{w['order']}/disputes", json=_open(w), headers=w["buyer"]
    )
    read = f"/api/v1/disputes/{opened.json()['id']}"
    headers = {**w["agent"], "Idempotency-Key": "too-soon"}
    refused = steps.client.post(
        f"{read}/decide", json={"outcome": "no_refund", "rationale": "No."}, headers=headers
    )
    assert refused.status_code == 409, refused.text
    again = steps.client.post(
        f"{read}/decide", json={"outcome": "no_refund", "rationale": "No."}, headers=headers
    )
    assert (again.status_code, again.content) == (409, refused.content)
    assert again.headers["idempotent-replayed"] == "true"
    assert _keys(container)["too-soon"] == (409, refused.text)
    withdrawn = steps.post(f"{read}/withdraw", w["buyer"], None, read)
    assert withdrawn["status"] != "awaiting_seller"


def test_evidence_added_to_a_dispute_in_one_transaction(
    steps: Steps, world: dict[str, Any], container: Container
) -> None:
    """The files were uploaded before (a request of its own); attaching them is rows only."""
    w = world
    opened = steps.client.post(
        f"/api/v1/orders/{w['order']}/disputes", json=_open(w), headers=w["buyer"]
    )
    read = f"/api/v1/disputes/{opened.json()['id']}"
    upload = steps.client.post(
        f"/api/v1/orders/{w['order']}/files",
        files=[("files", ("crack.png", png(), "image/png"))],
        headers=w["buyer"],
    )
    assert upload.status_code == 201, upload.text
    file_id = upload.json()["files"][0]["id"]
    added = steps.post(f"{read}/evidence", w["buyer"], {"file_ids": [file_id]}, read)
    assert [f["id"] for f in added["files"]] == [file_id]


def test_a_database_failure_mid_request_stores_nothing_and_a_retry_runs(
    client: TestClient, container: Container, world: dict[str, Any], monkeypatch: Any
) -> None:
    """What a deadlock victim sees (PostgreSQL aborts one of two transactions waiting on each
    other): the request's transaction rolls back with its key's reservation, the answer is a
    500, never stored, and the same key sent again runs the step."""
    w = world
    created = client.post(
        f"/api/v1/orders/{w['order']}/returns", json=_return_body(w), headers=w["buyer"]
    )
    read = f"/api/v1/returns/{created.json()['id']}"
    real = returns_service.withdraw_return

    def deadlocked(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)  # the use case's writes, then the abort
        raise OperationalError("UPDATE …", {}, Exception("deadlock detected"))

    monkeypatch.setattr(returns_service, "withdraw_return", deadlocked)
    headers = {**w["buyer"], "Idempotency-Key": "victim"}
    with TestClient(client.app, raise_server_exceptions=False) as failing:
        lost = failing.post(f"{read}/withdraw", headers=headers)
    assert lost.status_code == 500
    assert "victim" not in _keys(container)
    assert client.get(read, headers=w["buyer"]).json()["status"] == "requested"
    monkeypatch.setattr(returns_service, "withdraw_return", real)
    retried = client.post(f"{read}/withdraw", headers=headers)
    assert retried.status_code == 200, retried.text
    assert retried.json()["status"] == "withdrawn"
    assert _keys(container)["victim"] == (200, retried.text)
