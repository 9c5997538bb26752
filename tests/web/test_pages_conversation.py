"""M1/S1 pages: the buyer writes with a photo (multipart, CSRF), the seller sees the unread count
on the order page, opens the thread (which reads it) and answers; the buyer asks to stop a
parcel and the seller answers from the page; support reads only; another party gets 404."""

from __future__ import annotations

from fastapi.testclient import TestClient

from recourse.container import Container
from recourse.domain.roles import Role
from tests.factories import make_order, make_store, make_user, pay, ship_all
from tests.web.test_api_files import png
from tests.web.test_pages import csrf_from, login


def _world(container: Container) -> int:
    store = make_store(container, name="Maison Lune")
    buyer = make_user(container, role=Role.buyer, email="ann@example.com", name="Ann")
    make_user(container, role=Role.seller, email="sam@example.com", store_ids=[store], name="Sam")
    make_user(container, role=Role.buyer, email="other@example.com")
    make_user(container, role=Role.support, email="help@example.com")
    order = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order)
    return order


def test_buyer_writes_with_a_photo_and_the_seller_reads_and_answers(
    client: TestClient, container: Container
) -> None:
    order = _world(container)
    login(client, "ann@example.com")
    page = client.get(f"/orders/{order}/messages")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text
    assert '<label for="body">' in page.text and 'name="files"' in page.text
    sent = client.post(
        f"/orders/{order}/messages",
        data={"csrf_token": csrf_from(page), "body": "Is it scratched?"},
        files=[("files", ("photo.png", png(), "image/png"))],
    )
    assert sent.status_code == 303, sent.text
    thread = client.get(f"/orders/{order}/messages")
    assert "Is it scratched?" in thread.text and 'alt="photo.png"' in thread.text

    login(client, "sam@example.com")
    order_page = client.get(f"/seller/orders/{order}")
    assert "Messages (1 new)" in order_page.text
    seller_thread = client.get(f"/seller/orders/{order}/messages")
    assert "Is it scratched?" in seller_thread.text and "New" in seller_thread.text
    assert "Messages (1 new)" not in client.get(f"/seller/orders/{order}").text
    reply = client.post(
        f"/seller/orders/{order}/messages",
        data={"csrf_token": csrf_from(seller_thread), "body": "No, it is fine."},
    )
    assert reply.status_code == 303

    login(client, "ann@example.com")
    assert "Messages (1 new)" in client.get(f"/orders/{order}").text


def test_an_empty_message_is_refused_next_to_the_form(
    client: TestClient, container: Container
) -> None:
    order = _world(container)
    login(client, "ann@example.com")
    page = client.get(f"/orders/{order}/messages")
    empty = client.post(
        f"/orders/{order}/messages", data={"csrf_token": csrf_from(page), "body": "  "}
    )
    assert empty.status_code == 422
    assert "Write a message or attach a file." in empty.text


def test_intercept_from_the_pages(client: TestClient, container: Container) -> None:
    order = _world(container)
    login(client, "ann@example.com")
    before = client.get(f"/orders/{order}/messages")
    assert "Nothing has shipped yet" in before.text
    ship_all(container, order)
    page = client.get(f"/orders/{order}/messages")
    asked = client.post(
        f"/orders/{order}/messages/intercept",
        data={"csrf_token": csrf_from(page), "note": "Please stop it"},
    )
    assert asked.status_code == 303
    assert (
        "You asked the seller to stop the parcel." in client.get(f"/orders/{order}/messages").text
    )

    login(client, "sam@example.com")
    seller = client.get(f"/seller/orders/{order}/messages")
    assert "The buyer asks you to stop the parcel" in seller.text
    action = seller.text.split('action="', 3)
    answer_url = next(a.split('"')[0] for a in action[1:] if "/answer" in a.split('"')[0])
    done = client.post(answer_url, data={"csrf_token": csrf_from(seller), "outcome": "cannot"})
    assert done.status_code == 303
    login(client, "ann@example.com")
    after = client.get(f"/orders/{order}/messages")
    assert "The parcel could not be stopped." in after.text


def test_support_reads_only_and_others_get_404(client: TestClient, container: Container) -> None:
    order = _world(container)
    login(client, "help@example.com")
    page = client.get(f"/support/orders/{order}/messages")
    assert page.status_code == 200
    assert 'name="body"' not in page.text
    login(client, "other@example.com")
    assert client.get(f"/orders/{order}/messages").status_code == 404
