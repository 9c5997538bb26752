"""M2/STYLE 11: a notification is stored as its kind and facts, and worded in the language of
whoever reads it; one stored with its text (before that) still reads as it was stored."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from recourse.container import Container
from recourse.db import models as m
from recourse.domain.roles import Role
from recourse.services import cancellations
from tests.factories import actor_of, make_order, make_store, make_user, pay
from tests.web.test_pages import login


def _notice_texts(html: str) -> list[tuple[str, str]]:
    """(title, body) of each notification on the page, newest first."""
    found = re.findall(
        r'<h2 class="notice-title">\s*(?:<form.*?<button[^>]*>|<a [^>]*>)?([^<]+).*?'
        r'<p class="notice-text">([^<]*)</p>',
        html,
        re.S,
    )
    return [(title.strip(), body.strip()) for title, body in found]


def _cancel_paid_order(container: Container, *, locale: str, email: str) -> int:
    store = make_store(container, name="Volt", buyer_cancel="instant")
    buyer = make_user(container, role=Role.buyer, email=email, locale=locale)
    order_id = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order_id)
    cancellations.cancel_order(
        container.uow(),
        container.ctx,
        actor=actor_of(container, buyer),
        order_id=order_id,
        reason="changed_mind",
    )
    return order_id


def test_the_notification_is_stored_as_its_kind_and_facts(container: Container) -> None:
    order_id = _cancel_paid_order(container, locale="en", email="ann@example.com")

    with container.read_session() as session:
        row = session.scalars(
            select(m.NotificationRow).where(m.NotificationRow.order_id == order_id)
        ).one()

    assert row.kind == "cancellation.completed"
    assert row.title is None and row.body is None
    assert row.params is not None
    assert row.params["order_id"] == order_id
    assert row.params["whole"] is True
    assert row.params["method"] == "card"
    assert set(row.params["refund"]) == {"amount", "currency"}


def test_an_english_buyer_reads_the_completed_cancellation_in_english(
    client: TestClient, container: Container
) -> None:
    order_id = _cancel_paid_order(container, locale="en", email="ann@example.com")
    login(client, "ann@example.com")

    page = client.get("/notifications").text

    assert _notice_texts(page) == [
        (f"Order #{order_id}: cancelled", "€59.74 will be refunded to your card.")
    ]
    assert "Mark all as read" in page


def test_a_spanish_buyer_reads_the_completed_cancellation_in_spanish(
    client: TestClient, container: Container
) -> None:
    order_id = _cancel_paid_order(container, locale="es", email="ana@example.com")
    login(client, "ana@example.com")

    page = client.get("/notifications").text

    assert _notice_texts(page) == [
        (f"Pedido #{order_id}: cancelado", "Te devolveremos 59,74\xa0€ en tu tarjeta.")
    ]
    assert "Marcar todas como leídas" in page


def test_a_notification_stored_with_its_text_still_reads_as_stored(
    client: TestClient, container: Container
) -> None:
    buyer = make_user(container, email="old@example.com", locale="es")
    with container.uow() as uow:
        uow.notifications.add(
            user_id=buyer,
            kind="refund.created",
            params=None,
            title="Refund of €12.50 on its way",
            body="We are refunding €12.50 for order #7 to your card.",
            link=None,
            order_id=None,
            dedupe_key="notification:old-style",
            created_at=container.clock.now(),
        )
        uow.commit()
    login(client, "old@example.com")

    page = client.get("/notifications").text

    assert _notice_texts(page) == [
        ("Refund of €12.50 on its way", "We are refunding €12.50 for order #7 to your card.")
    ]
