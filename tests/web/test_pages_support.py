"""Support's pages: every order, the full timeline, and undelivered messages."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from recourse.bootstrap import Container
from recourse.cli import _worker
from recourse.domain.roles import Actor, Role
from recourse.domain.timeline import TimelineEntry
from recourse.integrations.clock import FixedClock
from tests.factories import make_order, make_store, make_user, pay
from tests.web.test_pages import csrf_from, login, signed_in
from tests.web.test_pages_buyer import order_links, tab_count


def note_for_support_only(container: Container, order: int, clock: FixedClock) -> None:
    agent = make_user(container, role=Role.support)
    with container.uow() as uow:
        uow.timeline.add(
            TimelineEntry(
                order_id=order,
                at=clock.now(),
                actor=Actor(Role.support, agent),
                action="support.noted",
                note="Buyer called; checked the address.",
                visible_to_buyer=False,
                visible_to_seller=False,
            )
        )
        uow.commit()


def dead_letter(container: Container) -> None:
    """An email whose template does not exist, given up after its only attempt."""
    recipient = make_user(container)
    with container.uow() as uow:
        uow.outbox.add(
            "email",
            {"template": "no_such_template", "to_user_id": recipient, "context": {}},
            available_at=container.clock.now(),
            dedupe_key="broken",
        )
        uow.commit()
    worker = _worker(container)
    worker.deps.max_attempts = 1
    worker.run_once()


def test_support_sees_every_order(client: TestClient, container: Container) -> None:
    one, two = make_store(container), make_store(container)
    first = make_order(container, buyer_id=make_user(container), store_id=one)
    second = make_order(container, buyer_id=make_user(container), store_id=two)
    signed_in(client, container, role=Role.support)

    page = client.get("/support/orders").text
    detail = client.get(f"/support/orders/{first}")

    assert order_links(page, "/support/orders") == [second, first]
    assert tab_count(page, "All") == 2
    assert detail.status_code == 200


def test_support_filters_by_buyer_and_store(client: TestClient, container: Container) -> None:
    one, two = make_store(container), make_store(container)
    ana, ben = make_user(container), make_user(container)
    a1 = make_order(container, buyer_id=ana, store_id=one)
    make_order(container, buyer_id=ben, store_id=one)
    a2 = make_order(container, buyer_id=ana, store_id=two)
    pay(container, a2)
    signed_in(client, container, role=Role.support)

    by_buyer = client.get(f"/support/orders?buyer={ana}").text
    by_both = client.get(f"/support/orders?buyer={ana}&store={one}").text
    empty_filters = client.get("/support/orders?buyer=&store=")

    assert order_links(by_buyer, "/support/orders") == [a2, a1]
    assert [tab_count(by_buyer, "All"), tab_count(by_buyer, "To ship")] == [2, 1]
    assert order_links(by_both, "/support/orders") == [a1]
    assert empty_filters.status_code == 200


def test_support_sees_timeline_entries_hidden_from_the_parties(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    buyer = make_user(container, email="ana@example.com")
    order = make_order(container, buyer_id=buyer, store_id=make_store(container))
    note_for_support_only(container, order, clock)

    signed_in(client, container, role=Role.support)
    support_page = client.get(f"/support/orders/{order}").text
    login(client, "ana@example.com")
    buyer_page = client.get(f"/orders/{order}").text

    assert "Buyer called; checked the address." in support_page
    assert "Hidden from buyer and seller" in support_page
    assert "Buyer called" not in buyer_page


def test_others_get_404_on_support_pages(client: TestClient, container: Container) -> None:
    store = make_store(container)
    order = make_order(container, buyer_id=make_user(container), store_id=store)
    signed_in(client, container, role=Role.seller, store_ids=[store])

    responses = [
        client.get("/support/orders"),
        client.get(f"/support/orders/{order}"),
        client.get("/support/outbox"),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]


def test_support_retries_a_dead_letter(client: TestClient, container: Container) -> None:
    dead_letter(container)
    signed_in(client, container, role=Role.support)
    page = client.get("/support/outbox")
    message_id = re.search(r'action="/support/outbox/(\d+)/retry"', page.text)
    assert message_id

    response = client.post(
        f"/support/outbox/{message_id.group(1)}/retry", data={"csrf_token": csrf_from(page)}
    )
    after = client.get("/support/outbox").text

    assert "no_such_template" in page.text
    assert "TemplateNotFound" in page.text
    assert response.status_code == 303
    assert f"Message {message_id.group(1)} will be delivered again." in after
    assert "no_such_template" not in after


def test_retry_without_csrf_token_changes_nothing(client: TestClient, container: Container) -> None:
    dead_letter(container)
    signed_in(client, container, role=Role.support)
    page = client.get("/support/outbox")
    message_id = re.search(r'action="/support/outbox/(\d+)/retry"', page.text)
    assert message_id

    response = client.post(f"/support/outbox/{message_id.group(1)}/retry", data={})

    assert response.status_code == 422
    assert "no_such_template" in client.get("/support/outbox").text
