"""The demo mailbox: each person reads the email sent to them; support reads all of it."""

from __future__ import annotations

import re
from datetime import timedelta
from email.utils import format_datetime

from fastapi.testclient import TestClient

from recourse.bootstrap import Container, build
from recourse.cli import _worker
from recourse.config import Settings
from recourse.domain.roles import Role
from recourse.integrations.clock import FixedClock
from recourse.web.app import create_app
from tests.factories import make_order, make_store, make_user, pay, ship_all
from tests.web.test_pages import login, signed_in


def shipped_order_with_mail(container: Container, email: str) -> int:
    buyer = make_user(container, email=email)
    order = make_order(container, buyer_id=buyer, store_id=make_store(container))
    pay(container, order)
    ship_all(container, order)
    _worker(container).run_once()
    return order


def test_buyer_reads_the_shipment_email(client: TestClient, container: Container) -> None:
    order = shipped_order_with_mail(container, "ana@example.com")
    login(client, "ana@example.com")

    inbox = client.get("/mail")
    key = re.search(r'href="/mail/([^"]+)"', inbox.text)
    assert key
    message = client.get(f"/mail/{key.group(1)}")

    assert inbox.status_code == 200
    assert f"Your order #{order} is on its way" in inbox.text
    assert message.status_code == 200
    assert 'sandbox=""' in message.text
    assert "srcdoc=" in message.text
    assert f"JJD{order:010d}" in message.text
    assert "Plain-text version" in message.text


def test_nobody_reads_another_persons_mail(client: TestClient, container: Container) -> None:
    shipped_order_with_mail(container, "ana@example.com")
    login(client, "ana@example.com")
    key = re.search(r'href="/mail/([^"]+)"', client.get("/mail").text)
    assert key

    signed_in(client, container, email="na@example.com")
    inbox = client.get("/mail").text
    message = client.get(f"/mail/{key.group(1)}")

    assert "is on its way" not in inbox
    assert message.status_code == 404


def test_support_reads_everyones_mail(client: TestClient, container: Container) -> None:
    order = shipped_order_with_mail(container, "ana@example.com")
    signed_in(client, container, role=Role.support)

    inbox = client.get("/mail").text

    assert f"Your order #{order} is on its way" in inbox


def test_mailbox_needs_a_signed_in_user(client: TestClient) -> None:
    response = client.get("/mail")

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/mail"


def test_no_mailbox_when_email_goes_out_by_smtp(settings: Settings, clock: FixedClock) -> None:
    smtp = build(
        settings.model_copy(update={"smtp_url": "smtp://mail.invalid:2525"}),
        clock=clock,
        fast_hashing=True,
    )
    make_user(smtp, email="ana@example.com")
    with TestClient(create_app(smtp), follow_redirects=False) as client:
        login(client, "ana@example.com")
        response = client.get("/mail")
        orders = client.get("/orders").text
    smtp.dispose()

    assert response.status_code == 404
    assert 'href="/mail"' not in orders


def test_a_name_shaped_like_an_address_sends_no_mail_to_that_address(
    client: TestClient, container: Container
) -> None:
    """T3: Eve's mail is Eve's, whatever her name says; x@evil.test reads none of it."""
    buyer = make_user(container, email="eve@example.com", name='Eve <x@evil.test> "')
    order = make_order(container, buyer_id=buyer, store_id=make_store(container))
    pay(container, order)
    ship_all(container, order)
    _worker(container).run_once()

    signed_in(client, container, email="x@evil.test")
    other = client.get("/mail").text
    login(client, "eve@example.com")
    own = client.get("/mail").text

    assert "is on its way" not in other
    assert f"Your order #{order} is on its way" in own


def test_mail_is_dated_by_the_service_clock_not_the_wall_clock(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    clock.advance(timedelta(days=3, hours=5))
    shipped_order_with_mail(container, "ana@example.com")
    login(client, "ana@example.com")
    assert container.mailbox is not None
    sent = container.mailbox.list(to="ana@example.com")[0]

    inbox = client.get("/mail").text
    message = client.get(f"/mail/{sent['key']}").text

    assert sent["date"] == format_datetime(clock.now())
    assert f'<time datetime="{clock.now().isoformat()}">' in inbox
    assert f'<time datetime="{clock.now().isoformat()}">' in message
