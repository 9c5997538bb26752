"""Support's dashboard: the charts drawn from what happened in the period, each with its
numbers in a table; an empty period still renders; only support may look."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from fastapi.testclient import TestClient

from recourse.cli import _worker
from recourse.container import Container
from recourse.domain.roles import Actor, Role
from recourse.domain.shipment import CarrierEvent
from recourse.integrations.clock import FixedClock
from recourse.services import disputes
from recourse.services.cancellations import cancel_order
from tests.factories import (
    actor_of,
    carrier_event,
    make_order,
    make_store,
    make_user,
    pay,
    ship_all,
)
from tests.web.test_pages import signed_in

SVG = re.compile(r'<svg class="chart" role="img"[^>]*aria-labelledby="([^"]+)"')


def rows_of(page: str, caption: str) -> list[list[str]]:
    """The cells of the table with this caption, row by row (tags dropped)."""
    start = page.index(f'<caption class="visually-hidden">{caption}</caption>')
    body = page[start : page.index("</table>", start)].split("<tbody>")[1]
    return [
        [
            html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr)
        ]
        for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def cancelled_and_refunded(container: Container, clock: FixedClock) -> int:
    buyer = make_user(container)
    order = make_order(container, buyer_id=buyer, store_id=make_store(container))
    pay(container, order)
    cancel_order(
        container.uow(),
        container.ctx,
        actor=actor_of(container, buyer),
        order_id=order,
        reason="changed_mind",
    )
    worker = _worker(container)
    worker.run_once()
    clock.advance(timedelta(hours=2))
    worker.run_once()
    return order


def delivered_order(container: Container) -> tuple[int, Actor, Actor]:
    """A delivered order, its buyer and its seller."""
    store = make_store(container)
    buyer = make_user(container)
    seller = make_user(container, role=Role.seller, store_ids=[store])
    order = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order)
    carrier_event(container, ship_all(container, order), CarrierEvent.delivered)
    return order, actor_of(container, buyer), actor_of(container, seller)


def opened(container: Container, order: int, buyer: Actor) -> int:
    return disputes.open_dispute(
        container.uow(),
        container.ctx,
        actor=buyer,
        order_id=order,
        type="not_as_described",
        wanted="full_refund",
        amount=None,
        description="The lid does not close.",
    )


def test_an_empty_period_still_draws_the_day_charts_and_says_what_is_missing(
    client: TestClient, container: Container
) -> None:
    signed_in(client, container, role=Role.support)

    page = client.get("/support/dashboard")

    assert page.status_code == 200
    assert SVG.findall(page.text) == [
        "chart-opened-title chart-opened-desc",
        "chart-sla-title chart-sla-desc",
    ]
    assert "No dispute ended in this period." in page.text
    assert "No cancellation in this period." in page.text
    assert "No refund reached a buyer in this period." in page.text
    assert len(rows_of(page.text, "Disputes opened and decided per day")) == 30
    assert "<script" not in page.text


def test_the_charts_count_what_happened_in_the_period(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    agent = actor_of(container, make_user(container, role=Role.support))
    day = timedelta(days=1)
    accepted, late, waiting = (delivered_order(container) for _ in range(3))
    first, second = opened(container, *accepted[:2]), opened(container, *late[:2])
    clock.advance(day)
    disputes.respond(
        container.uow(), container.ctx, actor=accepted[2], dispute_id=first, action="accept"
    )
    disputes.escalate(container.uow(), container.ctx, actor=late[1], dispute_id=second)
    disputes.assign(container.uow(), container.ctx, actor=agent, dispute_id=second)
    clock.advance(3 * day)
    third = opened(container, *waiting[:2])
    disputes.escalate(container.uow(), container.ctx, actor=waiting[1], dispute_id=third)
    disputes.decide(
        container.uow(),
        container.ctx,
        actor=agent,
        dispute_id=second,
        outcome="no_refund",
        rationale="The photos show the item as listed.",
    )
    clock.advance(3 * day)
    cancelled_and_refunded(container, clock)
    signed_in(client, container, role=Role.support)

    page = client.get("/support/dashboard").text
    day_before = client.get("/support/dashboard?days=7").text

    assert len(SVG.findall(page)) == 5
    per_day = rows_of(page, "Disputes opened and decided per day")
    assert [sum(int(r[1]) for r in per_day), sum(int(r[2]) for r in per_day)] == [3, 1]
    assert rows_of(page, "Disputes that ended, by type and outcome") == [
        ["Not as described", "1", "1"]
    ]
    sla = rows_of(page, "SLA breaches by the day the decision was due")
    assert [sum(int(r[1]) for r in sla), sum(int(r[2]) for r in sla)] == [1, 1]
    assert rows_of(page, "Cancellations by reason and fault") == [
        ["I changed my mind", "Buyer's fault", "1"]
    ]
    ((method, refunds, *_, expected, late_ones),) = rows_of(page, "Refund time by payment method")
    # the seller accepting refunded in full; the cancellation refunded too
    assert [method, refunds, expected, late_ones] == ["Card", "2", "20", "0"]
    assert len(rows_of(day_before, "Disputes opened and decided per day")) == 7
    assert sum(int(r[1]) for r in rows_of(day_before, "Disputes opened and decided per day")) == 1


def test_an_unknown_period_shows_the_last_30_days(client: TestClient, container: Container) -> None:
    signed_in(client, container, role=Role.support)

    page = client.get("/support/dashboard?days=365").text

    assert len(rows_of(page, "Disputes opened and decided per day")) == 30
    assert '<option value="30" selected>' in page


def test_only_support_sees_the_dashboard(client: TestClient, container: Container) -> None:
    signed_in(client, container, role=Role.seller, store_ids=[make_store(container)])

    page = client.get("/support/dashboard")

    assert page.status_code == 404
