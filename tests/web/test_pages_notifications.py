"""Notifications (M2): the unread badge on every page, the list, opening and marking read."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

from fastapi.testclient import TestClient

from recourse.bootstrap import Container
from recourse.domain.roles import Role
from recourse.integrations.clock import FixedClock
from recourse.services import refunds
from recourse.services.notify import notify_user
from tests.factories import actor_of, make_order, make_store, make_user, pay
from tests.web.test_pages import csrf_from, login, signed_in

BADGE = re.compile(r'<span class="unread-count">(\d+)<span class="visually-hidden"> unread</span>')
_keys = itertools.count(1)


def notify(container: Container, user_id: int, title: str, link: str | None = None) -> None:
    with container.uow() as uow:
        notify_user(
            uow,
            user_id=user_id,
            kind="test",
            title=title,
            body=f"About {title.lower()}.",
            order_id=None,
            link=link,
            now=container.clock.now(),
            dedupe_key=f"test:{next(_keys)}",
        )
        uow.commit()


def badge(html: str) -> int:
    found = BADGE.search(html)
    return int(found.group(1)) if found else 0


def ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'action="/notifications/(\d+)/read"', html)]


def titles(html: str) -> list[str]:
    return re.findall(
        r'<h2 class="notice-title">\s*(?:<form.*?<button[^>]*>|<a [^>]*>)?([^<]+)', html, re.S
    )


def test_badge_counts_unread_notifications_on_every_page(
    client: TestClient, container: Container
) -> None:
    me = signed_in(client, container, email="ana@example.com")
    notify(container, me, "First")
    notify(container, me, "Second")
    notify(container, make_user(container), "Someone else's")

    pages = [client.get(path).text for path in ("/orders", "/refunds", "/notifications")]

    assert [badge(page) for page in pages] == [2, 2, 2]


def test_no_badge_without_unread_notifications(client: TestClient, container: Container) -> None:
    signed_in(client, container, email="ana@example.com")

    page = client.get("/orders").text

    assert 'href="/notifications"' in page
    assert badge(page) == 0
    assert 'class="unread-count"' not in page


def test_list_shows_mine_newest_first_with_unread_highlighted_in_my_time_zone(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    me = signed_in(client, container, email="ana@example.com", timezone="America/New_York")
    notify(container, me, "Older one")
    clock.advance(timedelta(hours=1))
    notify(container, me, "Newer one")
    notify(container, make_user(container), "Not mine")

    page = client.get("/notifications").text

    assert titles(page) == ["Newer one", "Older one"]
    assert page.count('class="notice is-unread"') == 2
    assert "02 Mar 2026, 05:00 EST" in page
    assert "Not mine" not in page


def test_opening_a_notification_marks_it_read_and_goes_to_its_link(
    client: TestClient, container: Container
) -> None:
    me = signed_in(client, container, email="ana@example.com")
    notify(container, me, "Refund sent", link="/orders/7#refunds")
    notify(container, me, "Other news")
    page = client.get("/notifications")
    newest, oldest = ids(page.text)

    response = client.post(f"/notifications/{oldest}/read", data={"csrf_token": csrf_from(page)})
    after = client.get("/notifications").text

    assert response.status_code == 303
    assert response.headers["location"] == "/orders/7#refunds"
    assert badge(page.text) == 2
    assert badge(after) == 1
    assert ids(after) == [newest]
    assert '<a href="/orders/7#refunds">Refund sent</a>' in after


def test_a_refund_notifies_the_buyer_and_opens_the_order_at_the_refund(
    client: TestClient, container: Container
) -> None:
    buyer = signed_in(client, container, email="ana@example.com")
    order = make_order(container, buyer_id=buyer, store_id=make_store(container))
    pay(container, order)
    refunds.issue_manual_refund(
        container.uow(),
        container.ctx,
        actor=actor_of(container, make_user(container, role=Role.support)),
        order_id=order,
        amount=1250,
        reason="goodwill",
        gateway="sandbox",
    )
    page = client.get("/notifications")
    (notification,) = ids(page.text)

    response = client.post(
        f"/notifications/{notification}/read", data={"csrf_token": csrf_from(page)}
    )

    assert "Refund of €12.50 on its way" in page.text
    assert response.headers["location"] == f"/orders/{order}#refunds"
    assert badge(client.get(response.headers["location"]).text) == 0


def test_another_users_notification_is_404_and_stays_unread(
    client: TestClient, container: Container
) -> None:
    owner = make_user(container, email="owner@example.com")
    notify(container, owner, "Private")
    login(client, "owner@example.com")
    (theirs,) = ids(client.get("/notifications").text)
    signed_in(client, container, email="ben@example.com")

    response = client.post(
        f"/notifications/{theirs}/read",
        data={"csrf_token": csrf_from(client.get("/notifications"))},
    )
    login(client, "owner@example.com")

    assert response.status_code == 404
    assert badge(client.get("/notifications").text) == 1


def test_marking_read_without_csrf_token_is_refused(
    client: TestClient, container: Container
) -> None:
    me = signed_in(client, container, email="ana@example.com")
    notify(container, me, "Something")
    (notification,) = ids(client.get("/notifications").text)

    one = client.post(f"/notifications/{notification}/read", data={})
    every = client.post("/notifications/read-all", data={})

    assert [one.status_code, every.status_code] == [422, 422]
    assert badge(client.get("/notifications").text) == 1


def test_mark_all_read_leaves_what_arrived_after_the_page_was_shown(
    client: TestClient, container: Container
) -> None:
    me = signed_in(client, container, email="ana@example.com")
    notify(container, me, "One")
    notify(container, me, "Two")
    page = client.get("/notifications")
    form = re.search(r'name="up_to" value="(\d+)"', page.text)
    assert form
    notify(container, me, "Arrived later")

    response = client.post(
        "/notifications/read-all", data={"csrf_token": csrf_from(page), "up_to": form.group(1)}
    )
    after = client.get("/notifications").text

    assert response.status_code == 303
    assert "Marked 2 notifications as read." in after
    assert badge(after) == 1
    assert page.text.count('class="notice is-unread"') == 2
    assert after.count('class="notice is-unread"') == 1


def test_anonymous_visitors_are_sent_to_login(client: TestClient) -> None:
    response = client.get("/notifications")

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/notifications"
