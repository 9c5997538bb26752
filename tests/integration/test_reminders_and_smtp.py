"""M2: reminders before a deadline that decides against someone; mail over real SMTP."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from sqlalchemy import select

from recourse.cli import _worker
from recourse.container import Container
from recourse.db import models as m
from recourse.integrations.clock import FixedClock
from recourse.integrations.mail import Recipient, SmtpMailer
from tests.factories import make_order, make_store, make_user, pay


def _notifications(c: Container, user_id: int) -> list[str]:
    with c.read_session() as s:
        return list(
            s.scalars(select(m.NotificationRow.kind).where(m.NotificationRow.user_id == user_id))
        )


def test_unpaid_buyer_is_reminded_a_day_before_the_order_cancels_itself(
    container: Container, clock: FixedClock
) -> None:
    buyer = make_user(container)
    make_order(container, buyer_id=buyer, store_id=make_store(container))
    worker = _worker(container)
    clock.advance(timedelta(hours=72 - 24) - timedelta(seconds=1))
    worker.run_once()
    assert _notifications(container, buyer) == []
    clock.advance(timedelta(seconds=1))
    worker.run_once()
    assert _notifications(container, buyer) == ["order.payment_reminder"]
    assert container.mailbox is not None
    assert [x["template"] for x in container.mailbox.list()] == ["payment_reminder"]


def test_a_paid_order_gets_no_reminder(container: Container, clock: FixedClock) -> None:
    buyer = make_user(container)
    pay(container, make_order(container, buyer_id=buyer, store_id=make_store(container)))
    clock.advance(timedelta(hours=60))
    _worker(container).run_once()
    assert _notifications(container, buyer) == []


class _Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[EmailMessage] = []

    def handle_message(self, message: EmailMessage) -> None:  # type: ignore[override]
        self.messages.append(message)


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, _Inbox]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox
    controller.stop()


def test_email_goes_out_over_smtp_in_html_and_plain_text(
    container: Container, smtp_server: tuple[int, _Inbox]
) -> None:
    port, inbox = smtp_server
    message = container.renderer.render(
        "order_shipped",
        Recipient(email="ann@example.com", name="Ann", timezone="Europe/Berlin", locale="en"),
        {
            "order_id": 7,
            "carrier": "DHL",
            "tracking_number": "JJD1",
            "items": [{"title": "Desk lamp", "quantity": 2}],
        },
        message_id="outbox-1",
    )
    SmtpMailer(f"smtp://127.0.0.1:{port}").send(message)
    assert len(inbox.messages) == 1
    got = inbox.messages[0]
    assert got["Subject"] == "Your order #7 is on its way"
    assert got["Message-ID"] == "<outbox-1@recourse>"
    types = sorted(part.get_content_type() for part in got.walk() if not part.is_multipart())
    assert types == ["text/html", "text/plain"]
