"""T2 at connect time: the worker resolves an endpoint's host once, checks every address, and
connects to the address it checked, with the Host header, TLS server name and certificate check
of the name; redirects are not followed and only a short text excerpt of a reply is kept.

The certificates in tests/tls are for tests only: a CA and a certificate for `shop.test` it
signed, made with `openssl ecparam -name prime256v1` keys and `openssl req -x509 … -days 36500`
/ `openssl x509 -req … -extfile` (SAN DNS:shop.test, serverAuth)."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv6Address, ip_address
from pathlib import Path

import pytest

from recourse.bootstrap import build, make_worker
from recourse.config import Settings
from recourse.container import Container
from recourse.db.queries.webhooks import DeliveryView, deliveries_page
from recourse.domain.roles import Actor, Role
from recourse.integrations.clock import FixedClock
from recourse.integrations.resolver import SystemResolver
from recourse.services import events, webhooks
from recourse.services.ports import WebhookAttempt
from recourse.worker import webhooks as webhook_work
from tests.webhook_receiver import Receiver

OPERATOR = Actor(Role.operator)
TLS = Path(__file__).parent.parent / "tls"


@dataclass
class FakeDns:
    """The name service as whoever controls a domain runs it: the answers are theirs to pick."""

    answers: dict[str, list[str]]
    asked: list[tuple[str, int]] = field(default_factory=list)

    def resolve(self, host: str, port: int) -> list[IPv4Address | IPv6Address]:
        self.asked.append((host, port))
        return [ip_address(a) for a in self.answers[host]]


@pytest.fixture
def strict(settings: Settings, clock: FixedClock) -> Iterator[Container]:
    """The same database as `container`, run with the default rule: public addresses only
    (`container` allows private ones, as the tests that deliver to the local receiver need)."""
    c = build(
        settings.model_copy(update={"webhook_allow_private": False}), clock=clock, fast_hashing=True
    )
    yield c
    c.dispose()


def endpoint(c: Container, receiver: Receiver, url: str) -> int:
    created = webhooks.register_endpoint(c.uow(), c.ctx, actor=OPERATOR, url=url, events=["*"])
    receiver.secrets["/hooks"] = created.secret
    receiver.secrets["/elsewhere"] = created.secret
    return created.id


def publish(c: Container) -> str:
    with c.uow() as uow:
        event_id = events.publish(
            uow, event_type="order.shipped", data={"order_id": 1}, now=c.clock.now()
        )
        uow.commit()
    return event_id


def delivery(c: Container, endpoint_id: int) -> DeliveryView:
    with c.read_session() as s:
        return deliveries_page(s, endpoint_id, limit=1).items[0]


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:{port}/hooks",
        "http://127.0.0.1:{port}/hooks",
        "http://0x7f000001:{port}/hooks",
        "http://2130706433:{port}/hooks",
        "http://127.1:{port}/hooks",
        "http://[::ffff:127.0.0.1]:{port}/hooks",
    ],
)
def test_endpoint_on_this_machine_is_refused_at_connect_time_and_gets_nothing(
    container: Container, strict: Container, receiver: Receiver, url: str
) -> None:
    endpoint_id = endpoint(container, receiver, url.format(port=receiver.port))
    publish(container)

    make_worker(strict).run_once()

    refused = delivery(container, endpoint_id)
    assert receiver.at("/hooks") == []
    assert refused.status == "failed"
    assert [a.status_code for a in refused.attempt_log] == [None]
    assert str(refused.last_error).startswith("Not sent. Webhooks go only to public addresses: ")
    assert "a loopback address (this machine)" in str(refused.last_error)


def test_name_that_resolves_to_this_machine_when_sent_is_refused_and_gets_nothing(
    strict: Container, receiver: Receiver
) -> None:
    dns = FakeDns({"shop.example": ["127.0.0.1"]})
    endpoint_id = endpoint(strict, receiver, receiver.url("/hooks", host="shop.example"))
    publish(strict)
    worker = make_worker(strict)
    worker.deps.resolver = dns

    worker.run_once()

    refused = delivery(strict, endpoint_id)
    assert receiver.at("/hooks") == []
    assert dns.asked == [("shop.example", receiver.port)]
    assert refused.last_error == (
        "Not sent. Webhooks go only to public addresses: shop.example resolves to 127.0.0.1, "
        "a loopback address (this machine)."
    )


def test_name_with_any_address_that_is_not_public_is_refused(
    strict: Container, receiver: Receiver
) -> None:
    dns = FakeDns({"shop.example": ["93.184.216.34", "2606:4700::1111", "10.0.0.7"]})
    endpoint_id = endpoint(strict, receiver, "https://shop.example/hooks")
    publish(strict)
    worker = make_worker(strict)
    worker.deps.resolver = dns

    worker.run_once()

    assert delivery(strict, endpoint_id).last_error == (
        "Not sent. Webhooks go only to public addresses: shop.example resolves to 10.0.0.7, "
        "a private network address."
    )


def test_delivery_goes_to_the_address_resolved_once_with_the_host_header_of_the_name(
    container: Container, receiver: Receiver
) -> None:
    dns = FakeDns({"shop.example": ["127.0.0.1"]})
    endpoint_id = endpoint(container, receiver, receiver.url("/hooks", host="shop.example"))
    publish(container)
    worker = make_worker(container)
    worker.deps.resolver = dns

    worker.run_once()

    got = receiver.at("/hooks")
    assert delivery(container, endpoint_id).status == "delivered"
    assert dns.asked == [("shop.example", receiver.port)]
    assert [r.headers["host"] for r in got] == [f"shop.example:{receiver.port}"]
    assert [r.error for r in got] == [None]


def test_redirect_is_a_failed_attempt_and_is_not_followed(
    container: Container, receiver: Receiver
) -> None:
    endpoint_id = endpoint(container, receiver, receiver.url("/hooks"))
    receiver.status["/hooks"] = 307
    receiver.location["/hooks"] = receiver.url("/elsewhere")
    publish(container)

    make_worker(container).run_once()

    moved = delivery(container, endpoint_id)
    assert moved.status == "failed"
    assert [a.status_code for a in moved.attempt_log] == [307]
    assert moved.last_error == (
        "The endpoint answered HTTP 307, a redirect. Redirects are not followed: register the "
        "URL it points to."
    )
    assert len(receiver.at("/hooks")) == 1
    assert receiver.at("/elsewhere") == []


@pytest.mark.parametrize(
    ("kind", "body", "excerpt"),
    [
        ("text/plain; charset=utf-8", ("é" * 150 + "x" * 5000).encode(), "é" * 150 + "x" * 50),
        ("application/json", b'{"error": "' + b"z" * 900 + b'"}', '{"error": "' + "z" * 189),
        (
            "text/html; charset=latin-1",
            "Bäd\r\nreq\x00uest\x07\t!".encode("latin-1"),
            "Bäd\nrequest\t!",
        ),
        ("application/octet-stream", bytes(range(256)) * 4, None),
        ("image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, None),
    ],
)
def test_attempt_log_keeps_only_a_short_excerpt_of_a_text_reply(
    container: Container, receiver: Receiver, kind: str, body: bytes, excerpt: str | None
) -> None:
    endpoint_id = endpoint(container, receiver, receiver.url("/hooks"))
    receiver.status["/hooks"] = 500
    receiver.reply["/hooks"] = (kind, body)
    publish(container)

    make_worker(container).run_once()

    assert [a.response_excerpt for a in delivery(container, endpoint_id).attempt_log] == [excerpt]


@pytest.fixture
def tls_receiver() -> Iterator[Receiver]:
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(TLS / "shop.test.pem", TLS / "shop.test.key")
    r = Receiver(tls=server)
    r.thread.start()
    yield r
    r.server.shutdown()
    r.server.server_close()


def test_https_to_the_pinned_address_checks_the_certificate_of_the_name(
    tls_receiver: Receiver, clock: FixedClock
) -> None:
    secret = webhooks.new_secret()
    tls_receiver.secrets["/hooks"] = secret
    dns = FakeDns({"shop.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]})
    trusted = ssl.create_default_context(cafile=TLS / "ca.pem")

    def send(host: str) -> WebhookAttempt:
        out = webhooks.Outgoing(
            1, "evt_1", tls_receiver.url("/hooks", host=host), secret, {"id": "evt_1"}
        )
        return webhook_work.send(out, clock.now(), resolver=dns, allow_private=True, tls=trusted)

    right = send("shop.test")
    wrong = send("other.test")

    got = tls_receiver.at("/hooks")
    assert (right.status_code, right.error) == (200, None)
    assert [r.headers["host"] for r in got] == [f"shop.test:{tls_receiver.port}"]
    assert [r.error for r in got] == [None]
    assert wrong.status_code is None
    assert "certificate is not valid for 'other.test'" in str(wrong.error)


def test_stored_attempts_show_only_a_short_excerpt(container: Container) -> None:
    endpoint_id = webhooks.register_endpoint(
        container.uow(), container.ctx, actor=OPERATOR, url="https://shop.example/", events=["*"]
    ).id
    [delivery_id] = webhooks.fan_out(container.uow(), container.ctx, event_id=publish(container))
    with container.uow() as uow:
        uow.webhooks.add_attempt(
            delivery_id,
            WebhookAttempt(
                at=container.clock.now(),
                status_code=500,
                duration_ms=3,
                error="The endpoint answered HTTP 500.",
                response_excerpt="y" * 500,
            ),
        )
        uow.commit()

    shown = delivery(container, endpoint_id).attempt_log

    assert [a.response_excerpt for a in shown] == ["y" * 200]


def test_system_resolver_answers_the_addresses_a_name_has() -> None:
    found = SystemResolver().resolve("localhost", 80)

    assert found
    assert {address.is_loopback for address in found} == {True}
