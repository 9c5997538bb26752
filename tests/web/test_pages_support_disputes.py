"""Support's dispute console (D5/D6): the queue of escalated and appealed disputes ordered by
SLA with its filters and assignment, the case page with the order's whole story in one
timeline and the evidence, requests for information, decisions carried out through the refund
ledger, acting for a party only with an audit note, and nobody else reaching any of it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from recourse.bootstrap import Container
from recourse.db import models as m
from recourse.domain.order import NewLine
from recourse.domain.roles import Role
from recourse.domain.shipment import CarrierEvent
from recourse.integrations.clock import FixedClock
from recourse.services import disputes, evidence
from tests.factories import (
    actor_of,
    carrier_event,
    make_order,
    make_store,
    make_user,
    pay,
    ship_all,
)
from tests.web.test_api_files import png
from tests.web.test_pages import csrf_from, login

DELIVERED = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
QUEUE_ROW = re.compile(r'<th scope="row" data-label="Dispute"><a href="/support/disputes/(\d+)"')


def delivered_order(c: Container, clock: FixedClock, store: int, buyer: int) -> int:
    order = make_order(
        c,
        buyer_id=buyer,
        store_id=store,
        shipping_fee=500,
        lines=[NewLine("SKU-1", "Desk lamp", 2500, 2, 0, 500)],
    )
    pay(c, order)
    shipment = ship_all(c, order)
    clock.set(max(clock.now(), DELIVERED))
    carrier_event(c, shipment, CarrierEvent.delivered)
    return order


@pytest.fixture
def w(container: Container, clock: FixedClock) -> dict[str, Any]:
    store = make_store(container, name="Maison Lune", return_address="Hauptstr. 1, Berlin")
    other_store = make_store(container, name="Volt")
    buyer = make_user(container, email="rhea@example.com", name="Rhea")
    seller = make_user(
        container, role=Role.seller, email="sol@example.com", store_ids=[store, other_store]
    )
    agent = make_user(container, role=Role.support, email="ada@example.com", name="Ada")
    other = make_user(container, role=Role.support, email="grace@example.com", name="Grace")
    clock.set(DELIVERED - timedelta(days=3))
    return {
        "store": store,
        "other_store": other_store,
        "buyer": buyer,
        "seller": seller,
        "agent": agent,
        "other": other,
        "order": delivered_order(container, clock, store, buyer),
    }


def open_dispute(c: Container, w: dict[str, Any], order: int, **kw: Any) -> int:
    args: dict[str, Any] = {
        "type": "not_as_described",
        "wanted": "full_refund",
        "amount": None,
        "description": "The lamp flickers and the shade is cracked.",
    }
    args.update(kw)
    return disputes.open_dispute(
        c.uow(), c.ctx, actor=actor_of(c, w["buyer"]), order_id=order, **args
    )


def escalated(c: Container, w: dict[str, Any], order: int | None = None, **kw: Any) -> int:
    dispute_id = open_dispute(c, w, order or w["order"], **kw)
    disputes.escalate(c.uow(), c.ctx, actor=actor_of(c, w["buyer"]), dispute_id=dispute_id)
    return dispute_id


def as_agent(client: TestClient, email: str = "ada@example.com") -> str:
    login(client, email)
    return csrf_from(client.get("/support/disputes"))


def queue_ids(html: str) -> list[int]:
    return [int(n) for n in QUEUE_ROW.findall(html)]


def refunds_of(c: Container, order: int) -> list[tuple[int, str]]:
    with c.read_session() as s:
        rows = s.scalars(select(m.RefundRow).where(m.RefundRow.order_id == order))
        return [(r.amount, r.cause) for r in rows]


# The queue


def test_the_queue_lists_disputes_waiting_for_support_soonest_sla_first(
    client: TestClient, container: Container, clock: FixedClock, w: dict[str, Any]
) -> None:
    first = escalated(container, w)
    clock.advance(timedelta(hours=2))
    second_order = delivered_order(container, clock, w["other_store"], w["buyer"])
    second = escalated(container, w, second_order)
    clock.advance(timedelta(hours=1))
    third_order = delivered_order(container, clock, w["store"], w["buyer"])
    open_dispute(container, w, third_order)  # with the seller: not support's yet
    as_agent(client)

    page = client.get("/support/disputes").text

    assert queue_ids(page) == [first, second]
    assert "Overdue" not in page


def test_an_overdue_dispute_is_marked(
    client: TestClient, container: Container, clock: FixedClock, w: dict[str, Any]
) -> None:
    escalated(container, w)
    clock.advance(timedelta(days=30))
    as_agent(client)

    page = client.get("/support/disputes").text

    assert 'class="badge badge-overdue block">Overdue' in page


def test_negotiation_running_out_puts_a_dispute_in_the_queue_with_the_worker_down(
    client: TestClient, container: Container, clock: FixedClock, w: dict[str, Any]
) -> None:
    dispute_id = open_dispute(container, w, w["order"])
    disputes.respond(
        container.uow(),
        container.ctx,
        actor=actor_of(container, w["seller"]),
        dispute_id=dispute_id,
        action="counter",
        wanted="partial_refund",
        amount=1000,
        note="A partial refund for the shade.",
    )
    clock.advance(timedelta(days=60))
    as_agent(client)

    page = client.get("/support/disputes").text

    assert queue_ids(page) == [dispute_id]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"type": "not_received"}, []),
        ({"type": "not_as_described"}, ["a", "b"]),
        ({"store": "other_store"}, ["b"]),
        ({"assignee": "mine"}, ["a"]),
        ({"assignee": "unassigned"}, ["b"]),
        ({"assignee": "other"}, []),
        ({"age": "2"}, ["a"]),
        ({"amount": "60.00"}, ["a", "b"]),
        ({"amount": "1000"}, []),
        ({"status": "awaiting_seller"}, ["c"]),
        ({"status": "open"}, ["a", "b", "c"]),
    ],
)
def test_the_queue_filters(
    client: TestClient,
    container: Container,
    clock: FixedClock,
    w: dict[str, Any],
    query: dict[str, str],
    expected: list[str],
) -> None:
    a = escalated(container, w)
    disputes.assign(
        container.uow(), container.ctx, actor=actor_of(container, w["agent"]), dispute_id=a
    )
    clock.advance(timedelta(days=3))
    b = escalated(container, w, delivered_order(container, clock, w["other_store"], w["buyer"]))
    c = open_dispute(container, w, delivered_order(container, clock, w["store"], w["buyer"]))
    ids = {"a": a, "b": b, "c": c}
    params = {k: str(w[v]) if v in ("other_store", "other") else v for k, v in query.items()}
    as_agent(client)

    page = client.get("/support/disputes", params=params)

    assert page.status_code == 200
    assert queue_ids(page.text) == [ids[x] for x in expected]


def test_an_agent_takes_a_dispute_from_the_queue_or_gives_it_to_another(
    client: TestClient, container: Container, clock: FixedClock, w: dict[str, Any]
) -> None:
    mine = escalated(container, w)
    theirs = escalated(container, w, delivered_order(container, clock, w["store"], w["buyer"]))
    token = as_agent(client)

    took = client.post(
        f"/support/disputes/{mine}/assign",
        data={
            "csrf_token": token,
            "assignee_id": "me",
            "next": "/support/disputes?assignee=unassigned",
        },
    )
    gave = client.post(
        f"/support/disputes/{theirs}/assign",
        data={"csrf_token": token, "assignee_id": str(w["other"]), "next": "/support/disputes"},
    )
    mine_now = client.get("/support/disputes?assignee=mine").text
    graces = client.get(f"/support/disputes?assignee={w['other']}").text

    assert took.status_code == gave.status_code == 303
    assert took.headers["location"] == "/support/disputes?assignee=unassigned"
    assert queue_ids(mine_now) == [mine]
    assert queue_ids(graces) == [theirs]
    assert "Grace" in graces


def test_support_header_counts_unassigned_disputes(
    client: TestClient, container: Container, w: dict[str, Any]
) -> None:
    escalated(container, w)
    as_agent(client)

    page = client.get("/support/orders").text

    assert re.search(r'href="/support/disputes">Disputes <span class="unread-count">1<span', page)


# The case page


def test_the_case_page_shows_everything_in_one_timeline_and_the_evidence(
    client: TestClient, container: Container, clock: FixedClock, w: dict[str, Any]
) -> None:
    buyer = actor_of(container, w["buyer"])
    photo = evidence.upload(
        container.uow(),
        container.ctx,
        actor=buyer,
        order_id=w["order"],
        files=[("shade.png", png())],
    )
    dispute_id = open_dispute(container, w, w["order"], file_ids=[photo[0].id])
    clock.advance(timedelta(hours=1))
    disputes.respond(
        container.uow(),
        container.ctx,
        actor=actor_of(container, w["seller"]),
        dispute_id=dispute_id,
        action="counter",
        wanted="partial_refund",
        amount=1000,
        note="Ten euros for the shade.",
    )
    clock.advance(timedelta(hours=1))
    disputes.escalate(container.uow(), container.ctx, actor=buyer, dispute_id=dispute_id)
    as_agent(client)

    page = client.get(f"/support/disputes/{dispute_id}")

    assert page.status_code == 200
    html = page.text
    timeline = html[html.index('id="timeline-title"') :]
    order_placed = timeline.index("Order placed")
    paid = timeline.index("Payment of")
    opened = timeline.index(f"Opened dispute #{dispute_id}")
    countered = timeline.index(f"Answered dispute #{dispute_id} with a counter-proposal")
    went = timeline.index(f"Dispute #{dispute_id} went to support")
    assert order_placed < paid < opened < countered < went
    assert "Ten euros for the shade." in html
    assert f'<img class="file-thumb" src="/files/{photo[0].id}" alt="Photo: shade.png"' in html
    proposals = html[html.index('id="proposals-title"') : html.index('id="request-info"')]
    assert "€10.00" in proposals and "Full refund" in proposals


def test_the_case_timeline_holds_messages_and_refunds_with_trace_numbers(
    client: TestClient, container: Container, clock: FixedClock, w: dict[str, Any]
) -> None:
    from recourse.services import conversation

    dispute_id = escalated(container, w)
    conversation.post_message(
        container.uow(),
        container.ctx,
        actor=actor_of(container, w["buyer"]),
        order_id=w["order"],
        body="Here is what I see when I switch it on.",
    )
    agent = actor_of(container, w["agent"])
    disputes.decide(
        container.uow(),
        container.ctx,
        actor=agent,
        dispute_id=dispute_id,
        outcome="partial_refund",
        amount=1500,
        rationale="The photo shows the crack.",
    )
    with container.uow() as uow:
        row = uow.session.scalars(select(m.RefundRow)).one()
        row.trace_number = "ARN-55"
        uow.commit()
    as_agent(client)

    html = client.get(f"/support/disputes/{dispute_id}").text

    assert "Here is what I see when I switch it on." in html
    assert re.search(r"Refund #\d+ of €15.00 \(Dispute decision\)", html)
    assert "<code>ARN-55</code>" in html
    assert "The photo shows the crack." in html


# Forms


def test_support_decides_a_partial_refund_and_it_is_carried_out(
    client: TestClient, container: Container, w: dict[str, Any]
) -> None:
    dispute_id = escalated(container, w)
    token = as_agent(client)

    response = client.post(
        f"/support/disputes/{dispute_id}/decide",
        data={
            "csrf_token": token,
            "outcome": "partial_refund",
            "amount": "12.50",
            "rationale": "The shade is cracked; the lamp works.",
            "charged_to_store": "1",
        },
    )
    page = client.get(f"/support/disputes/{dispute_id}").text

    assert response.status_code == 303
    assert response.headers["location"] == f"/support/disputes/{dispute_id}"
    assert refunds_of(container, w["order"]) == [(1250, "dispute")]
    assert "The decision was recorded and carried out." in page
    assert "The shade is cracked; the lamp works." in page
    assert 'id="decide"' not in page  # decided: no second decision


@pytest.mark.parametrize(
    ("form", "field", "sentence"),
    [
        ({"outcome": "partial_refund", "amount": "1.234", "rationale": "x"}, "amount", "decimals"),
        ({"outcome": "full_refund", "rationale": " "}, "rationale", "Write the rationale"),
        ({"outcome": "", "rationale": "Because."}, "outcome", ""),
    ],
)
def test_a_decision_with_a_mistake_comes_back_with_the_error_next_to_its_field(
    client: TestClient,
    container: Container,
    w: dict[str, Any],
    form: dict[str, str],
    field: str,
    sentence: str,
) -> None:
    dispute_id = escalated(container, w)
    token = as_agent(client)

    response = client.post(
        f"/support/disputes/{dispute_id}/decide", data={"csrf_token": token, **form}
    )

    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert sentence in response.text
    assert refunds_of(container, w["order"]) == []


def test_support_requests_information_from_the_seller(
    client: TestClient, container: Container, clock: FixedClock, w: dict[str, Any]
) -> None:
    dispute_id = escalated(container, w)
    token = as_agent(client)
    due = (clock.now() + timedelta(days=2)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M")

    response = client.post(
        f"/support/disputes/{dispute_id}/request-info",
        data={
            "csrf_token": token,
            "party": "seller",
            "question": "Send the packing photo.",
            "due_at": due,
        },
    )
    late = client.post(
        f"/support/disputes/{dispute_id}/request-info",
        data={"csrf_token": token, "party": "buyer", "question": "Q?", "due_at": "2020-01-01"},
    )
    page = client.get(f"/support/disputes/{dispute_id}").text

    assert response.status_code == 303
    assert "Support asked the seller" in page
    assert "Send the packing photo." in page
    assert late.status_code == 422
    assert 'id="due_at-error"' in late.text
    with container.uow() as uow:
        d = uow.disputes.get(dispute_id)
    assert d is not None and [r.party for r in d.info_requests] == ["seller"]


def test_acting_for_a_party_needs_an_audit_note_and_names_the_agent(
    client: TestClient, container: Container, w: dict[str, Any]
) -> None:
    dispute_id = open_dispute(container, w, w["order"])
    token = as_agent(client)

    without = client.post(
        f"/support/disputes/{dispute_id}/on-behalf",
        data={"csrf_token": token, "party": "buyer", "step": "escalate", "audit_note": ""},
    )
    done = client.post(
        f"/support/disputes/{dispute_id}/on-behalf",
        data={
            "csrf_token": token,
            "party": "buyer",
            "step": "escalate",
            "audit_note": "Buyer called on 4 March and asked us to decide.",
        },
    )
    as_agent(client, "grace@example.com")
    page = client.get(f"/support/disputes/{dispute_id}").text

    assert without.status_code == 422
    assert 'id="audit_note-error"' in without.text
    assert done.status_code == 303
    assert "Support acted on behalf of the buyer. Audit note: Buyer called on 4 March" in page
    assert "Ada (support #" in page
    with container.uow() as uow:
        d = uow.disputes.get(dispute_id)
    assert d is not None and d.status == "escalated"


def test_the_agent_who_decided_cannot_decide_the_appeal(
    client: TestClient, container: Container, w: dict[str, Any]
) -> None:
    dispute_id = escalated(container, w)
    disputes.decide(
        container.uow(),
        container.ctx,
        actor=actor_of(container, w["agent"]),
        dispute_id=dispute_id,
        outcome="no_refund",
        rationale="Works as described.",
    )
    disputes.appeal(
        container.uow(),
        container.ctx,
        actor=actor_of(container, w["buyer"]),
        dispute_id=dispute_id,
        reason="It does not.",
    )
    token = as_agent(client)

    page = client.get(f"/support/disputes/{dispute_id}").text
    tried = client.post(
        f"/support/disputes/{dispute_id}/assign", data={"csrf_token": token, "assignee_id": "me"}
    )

    assert 'id="decide"' not in page
    assert tried.status_code == 409


# Nobody else


@pytest.mark.parametrize("who", ["rhea@example.com", "sol@example.com"])
def test_parties_get_404_on_the_console(
    client: TestClient, container: Container, w: dict[str, Any], who: str
) -> None:
    dispute_id = escalated(container, w)
    login(client, who)
    token = csrf_from(client.get("/notifications"))

    responses = [
        client.get("/support/disputes"),
        client.get(f"/support/disputes/{dispute_id}"),
        client.post(
            f"/support/disputes/{dispute_id}/decide",
            data={"csrf_token": token, "outcome": "full_refund", "rationale": "Mine."},
        ),
        client.post(f"/support/disputes/{dispute_id}/assign", data={"csrf_token": token}),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert refunds_of(container, w["order"]) == []


def test_an_unknown_dispute_is_404(
    client: TestClient, container: Container, w: dict[str, Any]
) -> None:
    as_agent(client)

    assert client.get("/support/disputes/999999").status_code == 404


def test_support_records_a_sides_answer_with_an_audit_note(
    client: TestClient, container: Container, clock: FixedClock, w: dict[str, Any]
) -> None:
    dispute_id = escalated(container, w)
    asked = disputes.request_info(
        container.uow(),
        container.ctx,
        actor=actor_of(container, w["agent"]),
        dispute_id=dispute_id,
        party="seller",
        question="When was it packed?",
        due_at=clock.now() + timedelta(days=2),
    )
    request_id = asked.info_requests[0].id
    token = as_agent(client)
    form = {"csrf_token": token, "request_id": str(request_id), "party": "seller"}

    without = client.post(
        f"/support/disputes/{dispute_id}/answer-info",
        data={**form, "answer": "On 1 March.", "audit_note": ""},
    )
    done = client.post(
        f"/support/disputes/{dispute_id}/answer-info",
        data={**form, "answer": "On 1 March.", "audit_note": "The seller phoned."},
    )
    page = client.get(f"/support/disputes/{dispute_id}").text

    assert without.status_code == 422
    assert 'id="audit_note-error"' in without.text
    assert done.status_code == 303
    assert "On 1 March." in page
    assert "Audit note: The seller phoned." in page


def test_support_forces_a_refused_cancellation_from_the_case_page(
    client: TestClient, container: Container, clock: FixedClock, w: dict[str, Any]
) -> None:
    from tests.web.api_helpers import user_headers

    order = make_order(
        container,
        buyer_id=w["buyer"],
        store_id=w["store"],
        shipping_fee=500,
        lines=[NewLine("SKU-1", "Desk lamp", 2500, 2, 0, 500)],
    )
    pay(container, order)
    clock.advance(timedelta(hours=2))
    asked = client.post(
        f"/api/v1/orders/{order}/cancellations",
        json={"reason": "changed_mind"},
        headers=user_headers(container, "rhea@example.com"),
    )
    cancellation = asked.json()["id"]
    client.post(
        f"/api/v1/cancellations/{cancellation}/reject",
        json={"reason": "already_shipped", "carrier": "DHL", "tracking_number": "JJD000390007"},
        headers=user_headers(container, "sol@example.com"),
    )
    dispute_id = escalated(
        container,
        w,
        order,
        type="cancellation_refused",
        description="The tracking number shows nothing.",
        cancellation_id=cancellation,
    )
    clock.advance(timedelta(days=4))
    token = as_agent(client)

    page = client.get(f"/support/disputes/{dispute_id}").text
    without = client.post(
        f"/support/disputes/{dispute_id}/force-cancellation",
        data={"csrf_token": token, "force_rationale": ""},
    )
    forced = client.post(
        f"/support/disputes/{dispute_id}/force-cancellation",
        data={"csrf_token": token, "force_rationale": "The parcel was never scanned."},
    )
    after = client.get(f"/support/disputes/{dispute_id}").text

    assert "No carrier scan since" in page
    assert f'action="/support/disputes/{dispute_id}/force-cancellation"' in page
    assert without.status_code == 422
    assert 'id="rationale-error"' in without.text
    assert forced.status_code == 303
    assert "The cancellation was forced and the refund is on its way." in after
    assert refunds_of(container, order) == [(6000, "cancellation")]  # the whole order
    with container.uow() as uow:
        d = uow.disputes.get(dispute_id)
    assert d is not None and d.status == "decided"


def test_the_force_form_is_only_on_an_escalated_refused_cancellation(
    client: TestClient, container: Container, w: dict[str, Any]
) -> None:
    dispute_id = escalated(container, w)
    as_agent(client)

    page = client.get(f"/support/disputes/{dispute_id}").text

    assert "force-cancellation" not in page


def test_the_amount_filter_reads_one_currency(
    client: TestClient, container: Container, clock: FixedClock, w: dict[str, Any]
) -> None:
    euros = escalated(container, w)  # €60.00 captured
    yen_order = make_order(
        container,
        buyer_id=w["buyer"],
        store_id=w["store"],
        currency="JPY",
        shipping_fee=500,
        lines=[NewLine("SKU-1", "Desk lamp", 2500, 2, 0, 500)],
    )
    pay(container, yen_order)
    shipment = ship_all(container, yen_order)
    carrier_event(container, shipment, CarrierEvent.delivered)
    yen = escalated(container, w, yen_order)  # ¥6,000 captured
    as_agent(client)

    in_yen = client.get("/support/disputes", params={"amount": "1000", "currency": "JPY"}).text
    in_euros = client.get("/support/disputes", params={"amount": "50", "currency": "EUR"}).text
    too_much = client.get("/support/disputes", params={"amount": "61", "currency": "EUR"}).text

    assert queue_ids(in_yen) == [yen]
    assert queue_ids(in_euros) == [euros]
    assert queue_ids(too_much) == []
    assert '<option value="JPY" selected>JPY</option>' in in_yen
