"""M3 through HTTP: the webhook API (operator only) and support's webhooks page."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from standardwebhooks import Webhook

from recourse.bootstrap import build
from recourse.cli import _worker
from recourse.config import Settings
from recourse.container import Container
from recourse.domain.roles import Role
from recourse.integrations.clock import FixedClock
from recourse.services import events
from recourse.services.events import EVENT_TYPES
from recourse.web.app import create_app
from tests.factories import make_user
from tests.integration.test_webhooks import Receiver
from tests.web.api_helpers import operator_headers, user_headers
from tests.web.test_pages import csrf_from, signed_in

BASE = "/api/v1/webhook-endpoints"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    r.thread.start()
    yield r
    r.server.shutdown()
    r.server.server_close()


@pytest.fixture
def op(container: Container) -> dict[str, str]:
    return operator_headers(container)


def register(
    client: TestClient, op: dict[str, str], receiver: Receiver, path: str = "/hooks"
) -> dict[str, Any]:
    response = client.post(BASE, json={"url": receiver.url(path), "events": ["*"]}, headers=op)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    receiver.secrets[path] = body["secret"]
    return body


def publish(container: Container, n: int) -> list[str]:
    ids = []
    for i in range(n):
        with container.uow() as uow:
            ids.append(
                events.publish(
                    uow,
                    event_type="order.shipped",
                    data={"order_id": i + 1},
                    now=container.clock.now(),
                )
            )
            uow.commit()
    return ids


def test_operator_registers_an_endpoint_and_sees_the_whole_secret_only_once(
    client: TestClient, op: dict[str, str]
) -> None:
    response = client.post(
        BASE,
        json={
            "url": "https://shop.example/hooks",
            "events": ["refund.succeeded", "order.cancelled"],
            "description": "Restock and ledger",
        },
        headers=op,
    )
    created = response.json()
    later = client.get(f"{BASE}/{created['id']}", headers=op).json()
    listed = client.get(BASE, headers=op).json()

    assert response.status_code == 201
    assert created["secret"].startswith("whsec_")
    assert len(base64.b64decode(created["secret"].removeprefix("whsec_"))) >= 24
    assert created["events"] == ["refund.succeeded", "order.cancelled"]
    assert created["active"] is True
    assert created["created_at"] == "2026-03-02T09:00:00+00:00"
    assert later["secret"] == "whsec_****" + created["secret"][-4:]
    assert later["recent_deliveries"] == []
    assert [e["id"] for e in listed["data"]] == [created["id"]]
    assert listed["data"][0]["secret"] == later["secret"]
    assert listed["next_cursor"] is None


def test_unknown_event_type_is_422_naming_its_index_and_listing_the_catalogue(
    client: TestClient, op: dict[str, str]
) -> None:
    response = client.post(
        BASE,
        json={"url": "https://shop.example/hooks", "events": ["refund.created", "refund.lost"]},
        headers=op,
    )

    error = response.json()["error"]
    assert response.status_code == 422
    assert error["field"] == "events[1]"
    assert "refund.lost" in error["message"]
    assert set(EVENT_TYPES) <= set(error["allowed"])


@pytest.mark.parametrize(
    "url", ["ftp://shop.example/hooks", "shop.example/hooks", "https://", "http://a b/"]
)
def test_url_must_be_http_or_https(client: TestClient, op: dict[str, str], url: str) -> None:
    response = client.post(BASE, json={"url": url, "events": ["*"]}, headers=op)

    assert response.status_code == 422
    assert response.json()["error"]["field"] == "url"


@pytest.fixture
def strict(settings: Settings, clock: FixedClock) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """An install with the default rule (webhooks to public addresses only) and its operator."""
    c = build(
        settings.model_copy(update={"webhook_allow_private": False}), clock=clock, fast_hashing=True
    )
    with TestClient(create_app(c), follow_redirects=False) as test_client:
        yield test_client, operator_headers(c)
    c.dispose()


NOT_PUBLIC = [
    ("http://169.254.169.254/latest/meta-data/", "link_local"),
    ("http://127.0.0.1:5432/", "loopback"),
    ("http://[::ffff:127.0.0.1]/", "loopback"),
    ("http://[::ffff:7f00:1]:8080/", "loopback"),
    ("http://0x7f000001/", "loopback"),
    ("http://2130706433/", "loopback"),
    ("http://0177.0.0.1/", "loopback"),
    ("http://127.1/", "loopback"),
    ("http://127.0.0.1./hooks", "loopback"),
    ("http://[::1]/", "loopback"),
    ("http://localhost/", "loopback"),
    ("http://hooks.localhost:8080/", "loopback"),
    ("http://10.0.0.1/", "private"),
    ("http://172.16.0.1/", "private"),
    ("https://192.168.1.10/hooks", "private"),
    ("http://[fc00::1]/", "private"),
    ("http://[64:ff9b::a00:1]/", "private"),
    ("http://[2002:a00:1::1]/", "private"),
    ("http://[fe80::1]/", "link_local"),
    ("http://[fe80::1%25eth0]/", "link_local"),
    ("http://0.0.0.0/", "unspecified"),
    ("http://[::]/", "unspecified"),
    ("http://100.64.0.1/", "shared"),
    ("http://224.0.0.1/", "multicast"),
    ("http://[ff02::1]/", "multicast"),
    ("http://240.0.0.1/", "reserved"),
    ("http://192.0.2.1/", "reserved"),
    ("http://255.255.255.255/", "reserved"),
    ("https://user:pass@shop.example/hooks", "credentials"),
    ("https://token@shop.example/hooks", "credentials"),
    ("http://shop.example\\@127.0.0.1/", "credentials"),
    ("ftp://shop.example/hooks", "scheme"),
    ("file:///etc/passwd", "scheme"),
    ("gopher://127.0.0.1:6379/_INFO", "scheme"),
    ("http://%31%32%37.0.0.1/", "host"),
    ("http://999.0.0.1/", "host"),
]


@pytest.mark.parametrize(("url", "reason"), NOT_PUBLIC)
def test_endpoint_that_is_not_a_public_http_url_is_refused_naming_the_url(
    strict: tuple[TestClient, dict[str, str]], url: str, reason: str
) -> None:
    client, op = strict

    response = client.post(BASE, json={"url": url, "events": ["*"]}, headers=op)
    listed = client.get(BASE, headers=op).json()

    error = response.json()["error"]
    assert response.status_code == 422
    assert error["field"] == "url"
    assert error["reason"] == reason
    assert error["message"].endswith(".")
    assert listed["data"] == []


@pytest.mark.parametrize(("url", "reason"), NOT_PUBLIC)
def test_endpoint_cannot_be_moved_to_a_url_that_is_not_public_http(
    strict: tuple[TestClient, dict[str, str]], url: str, reason: str
) -> None:
    client, op = strict
    created = client.post(
        BASE, json={"url": "https://shop.example/hooks", "events": ["*"]}, headers=op
    ).json()

    response = client.patch(f"{BASE}/{created['id']}", json={"url": url}, headers=op)
    kept = client.get(f"{BASE}/{created['id']}", headers=op).json()

    assert response.status_code == 422
    assert response.json()["error"]["field"] == "url"
    assert response.json()["error"]["reason"] == reason
    assert kept["url"] == "https://shop.example/hooks"


def test_refusal_says_what_the_address_is_in_a_sentence(
    strict: tuple[TestClient, dict[str, str]],
) -> None:
    client, op = strict

    response = client.post(BASE, json={"url": "http://0x7f000001/", "events": ["*"]}, headers=op)

    assert response.json()["error"]["message"] == (
        "Webhooks go only to public addresses: 0x7f000001 is 127.0.0.1, a loopback address "
        "(this machine)."
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://shop.example/hooks",
        "https://not-registered-yet.shop.example:8443/hooks?tenant=7",
        "http://93.184.216.34/hooks",
        "https://[2606:4700::1111]/hooks",
        "https://[::ffff:93.184.216.34]/hooks",
        "https://bücher.example/hooks",
    ],
)
def test_endpoint_on_a_public_address_or_a_host_name_is_registered(
    strict: tuple[TestClient, dict[str, str]], url: str
) -> None:
    client, op = strict

    response = client.post(BASE, json={"url": url, "events": ["*"]}, headers=op)

    assert response.status_code == 201
    assert response.json()["url"] == url


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://user:pass@127.0.0.1:8000/hooks", "credentials"),
        ("ftp://127.0.0.1/hooks", "scheme"),
    ],
)
def test_allowing_private_addresses_still_refuses_credentials_and_other_schemes(
    client: TestClient, op: dict[str, str], url: str, reason: str
) -> None:
    local = client.post(
        BASE, json={"url": "http://127.0.0.1:8000/hooks", "events": ["*"]}, headers=op
    )

    response = client.post(BASE, json={"url": url, "events": ["*"]}, headers=op)

    assert local.status_code == 201
    assert response.status_code == 422
    assert response.json()["error"]["reason"] == reason


def test_events_are_required(client: TestClient, op: dict[str, str]) -> None:
    missing = client.post(BASE, json={"url": "https://shop.example/h"}, headers=op)
    empty = client.post(BASE, json={"url": "https://shop.example/h", "events": []}, headers=op)

    assert [missing.status_code, empty.status_code] == [422, 422]
    assert [missing.json()["error"]["field"], empty.json()["error"]["field"]] == [
        "events",
        "events",
    ]


def test_webhook_api_is_for_the_operator_token_only(
    client: TestClient, container: Container, op: dict[str, str]
) -> None:
    make_user(container, role=Role.support, email="agent@example.com")
    make_user(container, role=Role.buyer, email="ann@example.com")
    agent = user_headers(container, "agent@example.com")
    buyer = user_headers(container, "ann@example.com")
    body = {"url": "https://shop.example/hooks", "events": ["*"]}
    endpoint = client.post(BASE, json=body, headers=op).json()

    responses = [
        client.post(BASE, json=body),
        client.get(BASE),
        client.post(BASE, json=body, headers=agent),
        client.post(BASE, json=body, headers=buyer),
        client.get(BASE, headers=buyer),
        client.get(f"{BASE}/{endpoint['id']}", headers=agent),
        client.patch(f"{BASE}/{endpoint['id']}", json={"active": False}, headers=buyer),
        client.get(f"{BASE}/{endpoint['id']}/deliveries", headers=agent),
        client.post("/api/v1/webhook-deliveries/1/replay", headers=buyer),
    ]

    assert [r.status_code for r in responses] == [401, 401, 403, 403, 403, 403, 403, 403, 403]


def test_patch_changes_events_url_description_and_disables(
    client: TestClient, op: dict[str, str]
) -> None:
    created = client.post(
        BASE,
        json={"url": "https://shop.example/a", "events": ["*"], "description": "first"},
        headers=op,
    ).json()

    patched = client.patch(
        f"{BASE}/{created['id']}",
        json={
            "events": ["refund.failed"],
            "active": False,
            "url": "https://shop.example/b",
            "description": None,
        },
        headers=op,
    )
    bad = client.patch(f"{BASE}/{created['id']}", json={"events": ["nope"]}, headers=op)
    missing = client.patch(f"{BASE}/999", json={"active": True}, headers=op)

    assert patched.status_code == 200
    assert {k: patched.json()[k] for k in ("events", "active", "url", "description")} == {
        "events": ["refund.failed"],
        "active": False,
        "url": "https://shop.example/b",
        "description": None,
    }
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "events[0]"
    assert missing.status_code == 404


def test_event_types_lists_the_catalogue_with_descriptions(
    client: TestClient, op: dict[str, str]
) -> None:
    response = client.get("/api/v1/event-types", headers=op)

    assert response.status_code == 200
    assert response.json()["data"] == [
        {"type": name, "description": text} for name, text in EVENT_TYPES.items()
    ]


def test_deliveries_are_paginated_newest_first_with_their_attempts(
    client: TestClient, container: Container, op: dict[str, str], receiver: Receiver
) -> None:
    endpoint = register(client, op, receiver)
    published = publish(container, 3)
    _worker(container).run_once()

    first = client.get(f"{BASE}/{endpoint['id']}/deliveries?limit=2", headers=op).json()
    second = client.get(
        f"{BASE}/{endpoint['id']}/deliveries?limit=2&cursor={first['next_cursor']}", headers=op
    ).json()
    detail = client.get(f"{BASE}/{endpoint['id']}", headers=op).json()

    pages = first["data"] + second["data"]
    assert [d["event_id"] for d in pages] == list(reversed(published))
    assert second["next_cursor"] is None
    assert {d["status"] for d in pages} == {"delivered"}
    assert {d["event_type"] for d in pages} == {"order.shipped"}
    assert [len(d["attempts"]) for d in pages] == [1, 1, 1]
    attempt = pages[0]["attempts"][0]
    assert attempt["at"] == "2026-03-02T09:00:00+00:00"
    assert attempt["status_code"] == 200
    assert attempt["error"] is None
    assert attempt["duration_ms"] >= 0
    assert attempt["response_excerpt"] == "thanks"
    assert [d["id"] for d in detail["recent_deliveries"]] == [d["id"] for d in pages]


def test_replay_queues_a_fresh_attempt_now(
    client: TestClient, container: Container, op: dict[str, str], receiver: Receiver
) -> None:
    endpoint = register(client, op, receiver)
    publish(container, 1)
    worker = _worker(container)
    worker.run_once()
    delivery = client.get(f"{BASE}/{endpoint['id']}/deliveries", headers=op).json()["data"][0]

    replayed = client.post(f"/api/v1/webhook-deliveries/{delivery['id']}/replay", headers=op)
    worker.run_once()
    after = client.get(f"{BASE}/{endpoint['id']}/deliveries", headers=op).json()["data"][0]
    missing = client.post("/api/v1/webhook-deliveries/999/replay", headers=op)

    assert replayed.status_code == 202
    assert replayed.json()["status"] == "pending"
    assert after["status"] == "delivered"
    assert after["attempt_count"] == 2
    assert [r.headers["webhook-id"] for r in receiver.at("/hooks")] == [delivery["event_id"]] * 2
    assert [r.error for r in receiver.at("/hooks")] == [None, None]
    assert missing.status_code == 404


def test_created_secret_verifies_what_the_receiver_gets(
    client: TestClient, container: Container, op: dict[str, str], receiver: Receiver
) -> None:
    endpoint = register(client, op, receiver)
    publish(container, 1)
    _worker(container).run_once()

    got = receiver.at("/hooks")[0]

    assert Webhook(endpoint["secret"]).verify(got.body, got.headers) == got.payload


def test_support_page_shows_endpoints_deliveries_and_attempts_in_the_viewers_time_zone(
    client: TestClient, container: Container, op: dict[str, str], receiver: Receiver
) -> None:
    endpoint = register(client, op, receiver)
    event_id = publish(container, 1)[0]
    _worker(container).run_once()
    signed_in(client, container, role=Role.support, timezone="Asia/Tokyo")

    page = client.get("/support/webhooks")
    detail = client.get(f"/support/webhooks/endpoints/{endpoint['id']}")

    assert page.status_code == 200
    assert endpoint["url"] in page.text
    assert event_id in page.text
    assert "order.shipped" in page.text
    assert "Delivered" in page.text
    assert "HTTP 200" in page.text
    assert "02 Mar 2026, 18:00 JST" in page.text
    assert endpoint["secret"] not in page.text
    assert detail.status_code == 200
    assert event_id in detail.text


def test_webhooks_page_is_404_for_everyone_but_support(
    client: TestClient, container: Container
) -> None:
    signed_in(client, container, role=Role.buyer)

    responses = [
        client.get("/support/webhooks"),
        client.post("/support/webhooks/deliveries/1/replay", data={}),
    ]

    assert [r.status_code for r in responses] == [404, 404]


def test_support_replays_a_delivery_from_the_page(
    client: TestClient, container: Container, op: dict[str, str], receiver: Receiver
) -> None:
    register(client, op, receiver)
    event_id = publish(container, 1)[0]
    worker = _worker(container)
    worker.run_once()
    signed_in(client, container, role=Role.support)
    page = client.get("/support/webhooks")
    found = re.search(r'action="/support/webhooks/deliveries/(\d+)/replay"', page.text)
    assert found

    response = client.post(
        f"/support/webhooks/deliveries/{found.group(1)}/replay",
        data={"csrf_token": csrf_from(page), "next": "/support/webhooks"},
    )
    after = client.get("/support/webhooks").text
    worker.run_once()

    assert response.status_code == 303
    assert response.headers["location"] == "/support/webhooks"
    assert f"Event order.shipped ({event_id}) will be sent again now." in after
    assert [r.headers["webhook-id"] for r in receiver.at("/hooks")] == [event_id, event_id]


def test_replay_without_csrf_token_changes_nothing(
    client: TestClient, container: Container, op: dict[str, str], receiver: Receiver
) -> None:
    register(client, op, receiver)
    publish(container, 1)
    worker = _worker(container)
    worker.run_once()
    signed_in(client, container, role=Role.support)
    page = client.get("/support/webhooks")
    found = re.search(r'action="/support/webhooks/deliveries/(\d+)/replay"', page.text)
    assert found

    response = client.post(f"/support/webhooks/deliveries/{found.group(1)}/replay", data={})
    worker.run_once()

    assert response.status_code == 422
    assert len(receiver.at("/hooks")) == 1
