"""M2: reminders before a deadline that decides against someone; mail over real SMTP."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from email.utils import getaddresses

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from sqlalchemy import select

from recourse.cli import _worker
from recourse.container import Container
from recourse.db import models as m
from recourse.integrations.clock import FixedClock
from recourse.integrations.mail import Recipient, SmtpMailer
from recourse.worker.deps import WorkerDeps
from recourse.worker.runner import Worker
from tests.factories import make_order, make_store, make_user, pay, ship_all


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
    SmtpMailer(f"smtp://127.0.0.1:{port}").send(message, to="ann@example.com")
    assert len(inbox.messages) == 1
    got = inbox.messages[0]
    assert got["Subject"] == "Your order #7 is on its way"
    assert got["Message-ID"] == "<outbox-1@recourse>"
    types = sorted(part.get_content_type() for part in got.walk() if not part.is_multipart())
    assert types == ["text/html", "text/plain"]


def _smtp_worker(c: Container, port: int) -> Worker:
    return Worker(
        WorkerDeps(
            engine=c.engine,
            uow_factory=c.uow,
            ctx=c.ctx,
            mailer=SmtpMailer(f"smtp://127.0.0.1:{port}"),
            renderer=c.renderer,
            read_session=c.read_session,
        ),
        name="smtp-worker",
    )


def test_mail_for_a_user_named_like_an_address_goes_to_their_stored_address_only(
    container: Container, smtp_server: tuple[int, _Inbox]
) -> None:
    """T3: the name is a display name, safely quoted; the envelope holds the stored address."""
    port, inbox = smtp_server
    buyer = make_user(container, email="eve@example.com", name='Eve <x@evil.test> "')
    order = make_order(container, buyer_id=buyer, store_id=make_store(container))
    pay(container, order)
    ship_all(container, order)

    _smtp_worker(container, port).run_once()

    assert [got["X-RcptTo"] for got in inbox.messages] == ["eve@example.com"]
    assert getaddresses([str(got["To"]) for got in inbox.messages]) == [
        ('Eve <x@evil.test> "', "eve@example.com")
    ]


def test_a_stored_name_with_a_line_break_still_gets_its_mail(
    container: Container, smtp_server: tuple[int, _Inbox]
) -> None:
    """A name stored before names were checked cannot make its owner's mail fail for ever."""
    port, inbox = smtp_server
    message = container.renderer.render(
        "order_shipped",
        Recipient(
            email="eve@example.com",
            name="Eve\r\nBcc: x@evil.test",
            timezone="Europe/Berlin",
            locale="en",
        ),
        {"order_id": 7, "carrier": "DHL", "tracking_number": "JJD1", "items": []},
        message_id="outbox-2",
    )

    SmtpMailer(f"smtp://127.0.0.1:{port}").send(message, to="eve@example.com")

    assert [got["X-RcptTo"] for got in inbox.messages] == ["eve@example.com"]
    assert [got["Bcc"] for got in inbox.messages] == [None]
    assert getaddresses([str(got["To"]) for got in inbox.messages]) == [
        ("Eve Bcc: x@evil.test", "eve@example.com")
    ]
