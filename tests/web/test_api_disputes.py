"""§5 disputes in the API: every route through its happy path (open with evidence, the seller's
answer, proposals and acceptance, escalation, assignment, support's question and its answer,
the decision, the appeal to a different agent, withdrawal, evidence), malformed input as 422
naming the field, refusals as 409 with the rule and its facts (a window not open yet, one open
dispute per order, a late answer, the same agent on the appeal), another party's dispute read
as 404, and a retried open with its Idempotency-Key replayed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from recourse.container import Container
from recourse.domain.order import NewLine
from recourse.domain.roles import Role
from recourse.domain.shipment import CarrierEvent
from recourse.integrations.clock import FixedClock
from tests.factories import carrier_event, make_order, make_store, make_user, pay, ship_all
from tests.web.api_helpers import user_headers
from tests.web.test_api_files import png

BUYER = "rhea@example.com"
SELLER = "sol@example.com"
AGENT = "sue@example.com"
AGENT_2 = "stan@example.com"
OTHER_BUYER = "other@example.com"
OTHER_SELLER = "olga@example.com"
ADDRESS = "Maison Lune, Returns desk, Hauptstr. 1, 10115 Berlin"


def _world(c: Container, clock: FixedClock, *, deliver: bool = True) -> dict[str, int]:
    """A paid order of two lamps (2 x 2500 + 500 tax, shipping 500: 6000 captured), shipped and
    (unless told) delivered a day later; the store's seller, two agents and strangers."""
    store = make_store(c, return_address=ADDRESS)
    buyer = make_user(c, role=Role.buyer, email=BUYER)
    make_user(c, role=Role.seller, email=SELLER, store_ids=[store])
    make_user(c, role=Role.support, email=AGENT)
    make_user(c, role=Role.support, email=AGENT_2)
    make_user(c, role=Role.buyer, email=OTHER_BUYER)
    other_store = make_store(c)
    make_user(c, role=Role.seller, email=OTHER_SELLER, store_ids=[other_store])
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
    if deliver:
        carrier_event(c, shipment, CarrierEvent.delivered)
    return {"order": order, "shipment": shipment}


def _h(c: Container, email: str, **extra: str) -> dict[str, str]:
    return {**user_headers(c, email), **extra}


def _open(client: TestClient, c: Container, order: int, **body: Any) -> Any:
    payload = {
        "type": "not_as_described",
        "wanted": "full_refund",
        "description": "The shade arrived cracked.",
        **body,
    }
    return client.post(f"/api/v1/orders/{order}/disputes", json=payload, headers=_h(c, BUYER))


def _post(client: TestClient, c: Container, path: str, who: str, body: Any = None) -> Any:
    return client.post(
        f"/api/v1/disputes/{path}", json=body if body is not None else {}, headers=_h(c, who)
    )


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    return error


def test_open_with_a_photo_counter_escalate_ask_decide_appeal(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    w = _world(container, clock)
    upload = client.post(
        f"/api/v1/orders/{w['order']}/files",
        files=[("files", ("crack.png", png(), "image/png"))],
        headers=_h(container, BUYER),
    )
    assert upload.status_code == 201, upload.text
    file_id = upload.json()["files"][0]["id"]

    opened = _open(client, container, w["order"], file_ids=[file_id])
    assert opened.status_code == 201, opened.text
    d = opened.json()
    assert (d["type"], d["status"], d["wanted"], d["amount"]) == (
        "not_as_described",
        "awaiting_seller",
        "full_refund",
        None,
    )
    assert d["deadlines"]["respond_by"] is not None and d["due_at"] == d["deadlines"]["respond_by"]
    assert [f["id"] for f in d["files"]] == [file_id]
    assert [p["party"] for p in d["proposals"]] == ["buyer"]
    did = d["id"]

    countered = _post(
        client,
        container,
        f"{did}/respond",
        SELLER,
        {"action": "counter", "wanted": "partial_refund", "amount": 1500, "note": "A discount?"},
    )
    assert countered.status_code == 200, countered.text
    c = countered.json()
    assert c["status"] == "negotiating"
    assert c["proposals"][-1]["party"] == "seller"
    assert c["proposals"][-1]["amount"] == {
        "amount": 1500,
        "currency": "EUR",
        "formatted": "€15.00",
    }

    escalated = _post(client, container, f"{did}/escalate", BUYER)
    assert escalated.status_code == 200, escalated.text
    e = escalated.json()
    assert e["status"] == "escalated" and e["escalated_by"] == "buyer"
    assert e["deadlines"]["sla_due_at"] is not None

    assigned = _post(client, container, f"{did}/assign", AGENT)
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["assignee_id"] is not None

    due = (clock.now() + timedelta(days=2)).isoformat()
    asked = _post(
        client,
        container,
        f"{did}/request-info",
        AGENT,
        {"party": "buyer", "question": "A photo of the box?", "due_at": due},
    )
    assert asked.status_code == 200, asked.text
    request = asked.json()["info_requests"][0]
    assert (request["party"], request["question"], request["answer"]) == (
        "buyer",
        "A photo of the box?",
        None,
    )
    answered = _post(
        client,
        container,
        f"{did}/answer-info",
        BUYER,
        {"request_id": request["id"], "answer": "The box was fine."},
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["info_requests"][0]["answer"] == "The box was fine."

    decided = _post(
        client,
        container,
        f"{did}/decide",
        AGENT,
        {"outcome": "partial_refund", "amount": 2000, "rationale": "Cracked, still works."},
    )
    assert decided.status_code == 200, decided.text
    dd = decided.json()
    assert dd["status"] == "decided"
    assert dd["decision"]["outcome"] == "partial_refund"
    assert dd["decision"]["amount"]["amount"] == 2000
    assert dd["decision"]["rationale"] == "Cracked, still works."
    assert dd["deadlines"]["appeal_by"] is not None
    assert len(dd["refund_ids"]) == 1
    # the seller reads the same rationale
    seen = client.get(f"/api/v1/disputes/{did}", headers=_h(container, SELLER)).json()
    assert seen["decision"]["rationale"] == "Cracked, still works."

    appealed = _post(client, container, f"{did}/appeal", BUYER, {"reason": "It does not work."})
    assert appealed.status_code == 200, appealed.text
    assert appealed.json()["status"] == "appealed" and appealed.json()["appealed_by"] == "buyer"
    same = _post(
        client,
        container,
        f"{did}/decide",
        AGENT,
        {"outcome": "full_refund", "rationale": "Again."},
    )
    assert _error(same, 409)["code"] == "dispute_appeal_same_agent"
    assert _post(client, container, f"{did}/assign", AGENT_2).status_code == 200
    final = _post(
        client,
        container,
        f"{did}/decide",
        AGENT_2,
        {"outcome": "full_refund", "rationale": "The lamp does not light."},
    )
    assert final.status_code == 200, final.text
    f = final.json()
    assert (f["status"], f["resolution"]) == ("resolved", "appeal_decided")
    assert f["appeal_decision"]["outcome"] == "full_refund"
    assert len(f["refund_ids"]) == 2  # the difference only, on top of the first refund
    listed = client.get(f"/api/v1/orders/{w['order']}/disputes", headers=_h(container, BUYER))
    assert [x["id"] for x in listed.json()["data"]] == [did]


def test_the_seller_accepts_and_the_buyer_is_refunded(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    w = _world(container, clock)
    did = _open(client, container, w["order"], wanted="partial_refund", amount=1000).json()["id"]
    accepted = _post(client, container, f"{did}/respond", SELLER, {"action": "accept"})
    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    assert (body["status"], body["resolution"]) == ("resolved", "seller_accepted")
    assert len(body["refund_ids"]) == 1
    refund = client.get(f"/api/v1/refunds/{body['refund_ids'][0]}", headers=_h(container, BUYER))
    assert refund.json()["amount"]["amount"] == 1000


def test_the_buyer_accepts_the_sellers_counter_or_proposes_again(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    w = _world(container, clock)
    did = _open(client, container, w["order"]).json()["id"]
    counter = {"action": "counter", "wanted": "partial_refund", "amount": 800}
    assert _post(client, container, f"{did}/respond", SELLER, counter).status_code == 200
    proposed = _post(
        client,
        container,
        f"{did}/propose",
        BUYER,
        {"wanted": "partial_refund", "amount": 1200, "note": "Meet halfway?"},
    )
    assert proposed.status_code == 200, proposed.text
    assert proposed.json()["proposals"][-1]["amount"]["amount"] == 1200
    # the seller accepts the buyer's latest
    done = _post(client, container, f"{did}/accept", SELLER)
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["resolution"]) == ("resolved", "agreed")


def test_withdraw_and_add_evidence(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    w = _world(container, clock)
    did = _open(client, container, w["order"]).json()["id"]
    upload = client.post(
        f"/api/v1/orders/{w['order']}/files",
        files=[("files", ("label.png", png(), "image/png"))],
        headers=_h(container, SELLER),
    )
    file_id = upload.json()["files"][0]["id"]
    added = _post(client, container, f"{did}/evidence", SELLER, {"file_ids": [file_id]})
    assert added.status_code == 200, added.text
    assert file_id in [f["id"] for f in added.json()["files"]]
    withdrawn = _post(client, container, f"{did}/withdraw", BUYER)
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["status"] == "withdrawn"
    again = _post(client, container, f"{did}/withdraw", BUYER)
    assert _error(again, 409)["code"] == "dispute_not_at_step"


def test_malformed_input_is_422_naming_the_field(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    w = _world(container, clock)
    order = w["order"]
    assert _error(_open(client, container, order, type="lost"), 422)["field"] == "type"
    assert _error(_open(client, container, order, wanted="everything"), 422)["field"] == "wanted"
    assert _error(_open(client, container, order, description="   "), 422)["field"] == "description"
    partial = _open(client, container, order, wanted="partial_refund")
    assert _error(partial, 422)["field"] == "amount"
    assert _error(_open(client, container, order, amount=-1), 422)["field"] == "amount"
    did = _open(client, container, order).json()["id"]
    no_choice = _post(client, container, f"{did}/respond", SELLER, {"action": "counter"})
    assert _error(no_choice, 422)["field"] == "wanted"
    bad_action = _post(client, container, f"{did}/respond", SELLER, {"action": "maybe"})
    assert _error(bad_action, 422)["field"] == "action"
    assert _post(client, container, f"{did}/escalate", BUYER).status_code == 200
    no_rationale = _post(
        client, container, f"{did}/decide", AGENT, {"outcome": "no_refund", "rationale": ""}
    )
    assert _error(no_rationale, 422)["field"] == "rationale"
    naive = _post(
        client,
        container,
        f"{did}/request-info",
        AGENT,
        {"party": "buyer", "question": "Box?", "due_at": "2030-01-01T10:00:00"},
    )
    assert _error(naive, 422)["field"] == "due_at"
    past = _post(
        client,
        container,
        f"{did}/request-info",
        AGENT,
        {"party": "buyer", "question": "Box?", "due_at": "2000-01-01T10:00:00+00:00"},
    )
    assert _error(past, 409)["now"] == clock.now().isoformat()
    no_files = _post(client, container, f"{did}/evidence", BUYER, {"file_ids": []})
    assert _error(no_files, 422)["field"] == "file_ids"


def test_refusals_are_409_with_their_facts(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    shipped_at = clock.now()
    w = _world(container, clock, deliver=False)
    # shipped a day ago: not received opens 30 days after shipment
    early = _open(client, container, w["order"], type="not_received")
    error = _error(early, 409)
    assert error["code"] == "dispute_window_not_open"
    assert error["opens_at"] == (shipped_at + timedelta(days=30)).isoformat()
    assert error["closes_at"] is not None
    carrier_event(container, w["shipment"], CarrierEvent.delivered)
    did = _open(client, container, w["order"]).json()["id"]
    twice = _error(_open(client, container, w["order"]), 409)
    assert (twice["code"], twice["dispute_id"]) == ("dispute_already_open", did)
    too_much = _post(
        client,
        container,
        f"{did}/respond",
        SELLER,
        {"action": "counter", "wanted": "partial_refund", "amount": 999_999},
    )
    refused = _error(too_much, 409)
    assert refused["code"] == "dispute_amount_exceeds_refundable"
    assert refused["refundable"] == 6000
    clock.advance(timedelta(days=6))
    late = _error(_post(client, container, f"{did}/respond", SELLER, {"action": "accept"}), 409)
    assert late["code"] == "dispute_respond_by_passed"
    assert "respond_by" in late


def test_silence_reads_as_carried_out_without_the_worker(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    w = _world(container, clock)
    did = _open(client, container, w["order"]).json()["id"]
    clock.advance(timedelta(days=5, minutes=1))
    read = client.get(f"/api/v1/disputes/{did}", headers=_h(container, BUYER))
    assert read.status_code == 200, read.text
    assert (read.json()["status"], read.json()["resolution"]) == ("resolved", "seller_silent")
    assert len(read.json()["refund_ids"]) == 1


def test_another_partys_dispute_is_404(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    w = _world(container, clock)
    did = _open(client, container, w["order"]).json()["id"]
    for who in (OTHER_BUYER, OTHER_SELLER):
        assert client.get(f"/api/v1/disputes/{did}", headers=_h(container, who)).status_code == 404
        listed = client.get(f"/api/v1/orders/{w['order']}/disputes", headers=_h(container, who))
        assert listed.status_code == 404
        acted = _post(client, container, f"{did}/escalate", who)
        assert _error(acted, 404)["code"] == "not_found"
    opened = client.post(
        f"/api/v1/orders/{w['order']}/disputes",
        json={"type": "not_as_described", "wanted": "full_refund", "description": "Mine"},
        headers=_h(container, OTHER_BUYER),
    )
    assert opened.status_code == 404
    assert client.get("/api/v1/disputes/999999", headers=_h(container, BUYER)).status_code == 404


def test_a_retried_open_is_replayed_with_its_idempotency_key(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    w = _world(container, clock)
    body = {"type": "not_as_described", "wanted": "full_refund", "description": "Cracked."}
    headers = _h(container, BUYER, **{"Idempotency-Key": "d-1"})
    first = client.post(f"/api/v1/orders/{w['order']}/disputes", json=body, headers=headers)
    again = client.post(f"/api/v1/orders/{w['order']}/disputes", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers.get("idempotent-replayed") == "true"
    assert again.json()["id"] == first.json()["id"]
    other = client.post(
        f"/api/v1/orders/{w['order']}/disputes",
        json={**body, "description": "Different"},
        headers=headers,
    )
    assert _error(other, 409)["code"] == "idempotency_key_reused"
    did = first.json()["id"]
    esc_headers = _h(container, BUYER, **{"Idempotency-Key": "e-1"})
    one = client.post(f"/api/v1/disputes/{did}/escalate", json={}, headers=esc_headers)
    two = client.post(f"/api/v1/disputes/{did}/escalate", json={}, headers=esc_headers)
    assert one.status_code == two.status_code == 200
    assert two.headers.get("idempotent-replayed") == "true"


def test_support_acts_for_a_party_only_with_an_audit_note_and_only_support(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    w = _world(container, clock)
    did = _open(client, container, w["order"]).json()["id"]
    bare = _post(client, container, f"{did}/escalate", AGENT, {"on_behalf": "buyer"})
    assert _error(bare, 422)["field"] == "audit_note"
    not_support = _post(
        client,
        container,
        f"{did}/escalate",
        SELLER,
        {"on_behalf": "buyer", "audit_note": "Asked on the phone"},
    )
    assert _error(not_support, 403)["code"] == "forbidden"
    done = _post(
        client,
        container,
        f"{did}/escalate",
        AGENT,
        {"on_behalf": "buyer", "audit_note": "The buyer asked on the phone."},
    )
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["escalated_by"]) == ("escalated", "buyer")
