"""H2 "Contact support" pages: the buyer's and seller's form, its errors by the field, the flash
back on the order page, support's queue and closing a ticket, and the order page's tickets."""

from __future__ import annotations

from fastapi.testclient import TestClient

from recourse.container import Container
from recourse.domain.roles import Role
from tests.factories import make_order, make_store, make_user, pay
from tests.web.test_pages import csrf_from, login


def _world(container: Container) -> dict[str, int]:
    store = make_store(container, name="Maison Lune")
    buyer = make_user(container, role=Role.buyer, email="ann@example.com", name="Ann")
    make_user(container, role=Role.seller, email="sam@example.com", store_ids=[store])
    make_user(container, role=Role.support, email="sue@example.com")
    make_user(container, role=Role.buyer, email="other@example.com")
    order = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order)
    return {"order": order}


def test_buyer_sends_a_message_and_support_closes_it(
    client: TestClient, container: Container
) -> None:
    order = _world(container)["order"]
    login(client, "ann@example.com")
    form = client.get(f"/orders/{order}/support")
    assert form.status_code == 200
    assert f"Contact support about order #{order}" in form.text
    assert '<label for="message">' in form.text and 'id="message-hint"' in form.text
    assert "Maison Lune" in form.text  # the order summary
    sent = client.post(
        f"/orders/{order}/support",
        data={"csrf_token": csrf_from(form), "message": "Where is my parcel?\nIt is late."},
    )
    assert (sent.status_code, sent.headers["location"]) == (303, f"/orders/{order}")
    assert "Your message is with support" in client.get(f"/orders/{order}").text

    login(client, "sue@example.com")
    queue = client.get("/support/tickets")
    assert queue.status_code == 200
    assert "Where is my parcel? It is late." in queue.text
    assert f'href="/support/orders/{order}#tickets"' in queue.text
    assert "Ann" in queue.text and "buyer" in queue.text and "0 minutes" in queue.text
    assert 'href="/support/tickets"' in queue.text  # in the nav
    page = client.get(f"/support/orders/{order}")
    assert 'id="tickets"' in page.text and "It is late." in page.text
    ticket_id = int(queue.text.split('action="/support/tickets/')[1].split("/")[0])
    closed = client.post(
        f"/support/tickets/{ticket_id}/close",
        data={"csrf_token": csrf_from(queue), "next": "/support/tickets"},
    )
    assert (closed.status_code, closed.headers["location"]) == (303, "/support/tickets")
    after = client.get("/support/tickets")
    assert f"Ticket #{ticket_id} closed." in after.text
    assert "No open tickets" in after.text
    assert "Where is my parcel?" in client.get("/support/tickets?status=closed").text
    again = client.post(
        f"/support/tickets/{ticket_id}/close", data={"csrf_token": csrf_from(after)}
    )
    assert again.status_code == 303
    assert "already closed" in client.get("/support/tickets").text


def test_seller_form_goes_back_to_the_seller_order_page(
    client: TestClient, container: Container
) -> None:
    order = _world(container)["order"]
    login(client, "sam@example.com")
    form = client.get(f"/seller/orders/{order}/support")
    assert form.status_code == 200
    sent = client.post(
        f"/seller/orders/{order}/support",
        data={"csrf_token": csrf_from(form), "message": "Address looks wrong"},
    )
    assert (sent.status_code, sent.headers["location"]) == (303, f"/seller/orders/{order}")


def test_errors_are_shown_by_the_field(client: TestClient, container: Container) -> None:
    order = _world(container)["order"]
    login(client, "ann@example.com")
    token = csrf_from(client.get(f"/orders/{order}/support"))
    for message, words in (("   ", "Write what you need help with."), ("x" * 4001, "4,000")):
        page = client.post(
            f"/orders/{order}/support", data={"csrf_token": token, "message": message}
        )
        assert page.status_code == 422
        assert 'aria-invalid="true"' in page.text and 'id="message-error"' in page.text
        assert words in page.text
    assert "x" * 4001 in page.text  # what was typed comes back
    refused = client.post(f"/orders/{order}/support", data={"message": "Hello"})
    assert refused.status_code == 422  # no CSRF token
    login(client, "sue@example.com")
    assert "No open tickets" in client.get("/support/tickets").text


def test_other_parties_get_not_found(client: TestClient, container: Container) -> None:
    order = _world(container)["order"]
    login(client, "other@example.com")
    assert client.get(f"/orders/{order}/support").status_code == 404
    login(client, "sue@example.com")
    assert client.get(f"/orders/{order}/support").status_code == 404
    assert client.get(f"/seller/orders/{order}/support").status_code == 404
    login(client, "ann@example.com")
    assert client.get("/support/tickets").status_code == 404
