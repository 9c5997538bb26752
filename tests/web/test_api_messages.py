"""M1/S1 in the API: the parties write and read the order's conversation (cursor pages, the
unread count, files named by id), support reads only, others get 404, the operator 403; the
buyer asks to stop a parcel going out and a seller answers once; Idempotency-Key replays."""

from __future__ import annotations

from fastapi.testclient import TestClient

from recourse.container import Container
from recourse.domain.roles import Role
from tests.factories import make_order, make_store, make_user, pay, ship_all
from tests.web.api_helpers import operator_headers, user_headers
from tests.web.test_api_files import png

BUYER, SELLER, OTHER, SUPPORT = (
    "ann@example.com",
    "sam@example.com",
    "other@example.com",
    "help@example.com",
)


def _order(container: Container) -> int:
    store = make_store(container)
    buyer = make_user(container, role=Role.buyer, email=BUYER, name="Ann")
    make_user(container, role=Role.seller, email=SELLER, store_ids=[store], name="Sam")
    make_user(container, role=Role.buyer, email=OTHER)
    make_user(container, role=Role.support, email=SUPPORT)
    order = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order)
    return order


def test_parties_write_read_and_page_the_conversation(
    client: TestClient, container: Container
) -> None:
    order = _order(container)
    url = f"/api/v1/orders/{order}/messages"
    buyer, seller = user_headers(container, BUYER), user_headers(container, SELLER)
    ids = []
    for text in ("one", "two", "three"):
        sent = client.post(url, json={"body": text}, headers=buyer)
        assert sent.status_code == 201, sent.text
        assert (sent.json()["author_role"], sent.json()["author_name"]) == ("buyer", "Ann")
        assert sent.json()["kind"] == "text" and sent.json()["files"] == []
        ids.append(sent.json()["id"])
    first = client.get(url, params={"limit": 2}, headers=seller).json()
    assert [m["body"] for m in first["data"]] == ["one", "two"]
    assert first["unread"] == 3 and first["intercept"] is None
    rest = client.get(url, params={"cursor": first["next_cursor"]}, headers=seller).json()
    assert [m["body"] for m in rest["data"]] == ["three"] and rest["next_cursor"] is None
    read = client.post(f"{url}/read", json={"up_to": ids[1]}, headers=seller)
    assert read.status_code == 200, read.text
    assert read.json() == {"order_id": order, "last_read_id": ids[1], "unread": 1}
    assert client.get(url, headers=buyer).json()["unread"] == 0


def test_files_uploaded_first_are_named_by_id(client: TestClient, container: Container) -> None:
    order = _order(container)
    buyer = user_headers(container, BUYER)
    up = client.post(
        f"/api/v1/orders/{order}/files",
        files=[("files", ("scratch.png", png(), "image/png"))],
        headers=buyer,
    )
    assert up.status_code == 201, up.text
    file_id = up.json()["files"][0]["id"]
    sent = client.post(
        f"/api/v1/orders/{order}/messages", json={"file_ids": [file_id]}, headers=buyer
    )
    assert sent.status_code == 201, sent.text
    [f] = sent.json()["files"]
    assert (f["id"], f["name"], f["media_type"]) == (file_id, "scratch.png", "image/png")
    assert f["url"] == f"/api/v1/files/{file_id}"
    empty = client.post(f"/api/v1/orders/{order}/messages", json={"body": " "}, headers=buyer)
    assert (empty.status_code, empty.json()["error"]["code"]) == (422, "invalid")


def test_who_may_read_and_write(client: TestClient, container: Container) -> None:
    order = _order(container)
    url = f"/api/v1/orders/{order}/messages"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=user_headers(container, OTHER)).status_code == 404
    assert client.get(url, headers=operator_headers(container)).status_code == 403
    support = user_headers(container, SUPPORT)
    assert client.get(url, headers=support).status_code == 200
    refused = client.post(url, json={"body": "hello"}, headers=support)
    assert refused.status_code == 403
    missing = client.get("/api/v1/orders/999999/messages", headers=user_headers(container, BUYER))
    assert missing.status_code == 404


def test_intercept_request_and_answer(client: TestClient, container: Container) -> None:
    order = _order(container)
    buyer, seller = user_headers(container, BUYER), user_headers(container, SELLER)
    url = f"/api/v1/orders/{order}/intercept"
    early = client.post(url, json={}, headers=buyer)
    assert (early.status_code, early.json()["error"]["code"]) == (409, "intercept_nothing_shipped")
    ship_all(container, order)
    assert client.post(url, json={}, headers=seller).status_code == 403
    asked = client.post(
        url, json={"note": "Wrong address"}, headers={**buyer, "Idempotency-Key": "k1"}
    )
    assert asked.status_code == 201, asked.text
    body = asked.json()
    assert body["status"] == "requested" and body["answer_message_id"] is None
    replay = client.post(
        url, json={"note": "Wrong address"}, headers={**buyer, "Idempotency-Key": "k1"}
    )
    assert replay.status_code == 201 and replay.json()["id"] == body["id"]
    waiting = client.post(url, json={}, headers=buyer)
    assert waiting.status_code == 409
    assert waiting.json()["error"]["request_id"] == body["id"]
    thread = client.get(f"/api/v1/orders/{order}/messages", headers=seller).json()
    assert thread["intercept"]["id"] == body["id"]
    assert thread["data"][0]["kind"] == "intercept_request"
    assert thread["data"][0]["body"] == "Wrong address"
    answer = f"{url}/{body['id']}/answer"
    assert client.post(answer, json={"outcome": "cannot"}, headers=buyer).status_code == 403
    bad = client.post(answer, json={"outcome": "maybe"}, headers=seller)
    assert bad.status_code == 422
    done = client.post(answer, json={"outcome": "cannot", "note": "At the depot"}, headers=seller)
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["note"]) == ("cannot", "At the depot")
    again = client.post(answer, json={"outcome": "intercepted"}, headers=seller)
    assert again.status_code == 409
    other = client.post(f"{url}/999999/answer", json={"outcome": "cannot"}, headers=seller)
    assert other.status_code == 404
