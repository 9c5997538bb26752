"""Support's dashboard: the charts drawn from what happened in the period, each with its
numbers in a table; an empty period still renders; only support may look."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import insert, select

from recourse.cli import _worker
from recourse.container import Container
from recourse.db.models import DisputeRow, OrderRow
from recourse.domain.roles import Role
from recourse.integrations.clock import FixedClock
from recourse.services.cancellations import cancel_order
from tests.factories import actor_of, make_order, make_store, make_user, pay
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


def dispute(container: Container, order: int, **row: object) -> None:
    """A dispute row as the dispute use cases leave it: the dashboard reads the rows."""
    with container.engine.begin() as conn:
        store, buyer = conn.execute(
            select(OrderRow.store_id, OrderRow.buyer_id).where(OrderRow.id == order)
        ).one()
        conn.execute(
            insert(DisputeRow).values(
                order_id=order,
                store_id=store,
                opened_by_id=buyer,
                wanted="full_refund",
                description="It never came.",
                **row,
            )
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
    order = cancelled_and_refunded(container, clock)
    now = clock.now()
    day = timedelta(days=1)
    dispute(
        container,
        order,
        type="not_received",
        status="resolved",
        resolution="agreed",
        opened_at=now - 5 * day,
        resolved_at=now - 3 * day,
    )
    dispute(
        container,
        order,
        type="not_as_described",
        status="decided",
        outcome="partial_refund",
        opened_at=now - 9 * day,
        escalated_at=now - 6 * day,
        sla_due_at=now - 4 * day,
        decided_at=now - 2 * day,
    )
    dispute(
        container,
        order,
        type="not_as_described",
        status="escalated",
        opened_at=now - 8 * day,
        escalated_at=now - 3 * day,
        sla_due_at=now - 1 * day,
    )
    dispute(
        container,
        order,
        type="return_refused",
        status="withdrawn",
        opened_at=now - 60 * day,
        withdrawn_at=now - 50 * day,
    )
    signed_in(client, container, role=Role.support)

    page = client.get("/support/dashboard").text
    week = client.get("/support/dashboard?days=7").text

    assert len(SVG.findall(page)) == 5
    opened = rows_of(page, "Disputes opened and decided per day")
    assert sum(int(r[1]) for r in opened) == 3
    assert sum(int(r[2]) for r in opened) == 1
    assert rows_of(page, "Disputes that ended, by type and outcome") == [["Not received", "1", "1"]]
    sla = rows_of(page, "SLA breaches by the day the decision was due")
    assert [sum(int(r[1]) for r in sla), sum(int(r[2]) for r in sla)] == [1, 1]
    assert rows_of(page, "Cancellations by reason and fault") == [
        ["I changed my mind", "Buyer's fault", "1"]
    ]
    ((method, refunds, *_rest),) = rows_of(page, "Refund time by payment method")
    assert [method, refunds] == ["Card", "1"]
    assert len(rows_of(week, "Disputes opened and decided per day")) == 7
    assert sum(int(r[1]) for r in rows_of(week, "Disputes opened and decided per day")) == 1


def test_an_unknown_period_shows_the_last_30_days(client: TestClient, container: Container) -> None:
    signed_in(client, container, role=Role.support)

    page = client.get("/support/dashboard?days=365").text

    assert len(rows_of(page, "Disputes opened and decided per day")) == 30
    assert '<option value="30" selected>' in page


def test_only_support_sees_the_dashboard(client: TestClient, container: Container) -> None:
    signed_in(client, container, role=Role.seller, store_ids=[make_store(container)])

    page = client.get("/support/dashboard")

    assert page.status_code == 404
