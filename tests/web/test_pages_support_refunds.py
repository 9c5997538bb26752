"""Support's whole refund ledger (F4): it opens on the refunds needing attention (F3), and
filters every refund by status, method, cause, attention, store and creation dates, newest
first, page by page; each row links its order and shows the trace number and the gateway's
reference."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from recourse.bootstrap import Container
from recourse.db.models import RefundRow
from recourse.domain.roles import Role
from recourse.integrations.clock import FixedClock
from tests.factories import make_order, make_store, make_user, pay
from tests.web.test_pages import signed_in
from tests.web.test_pages_refunds import issue

ROW = re.compile(r'<th scope="row" data-label="Refund">#(\d+)<')


def refund_ids(html: str) -> list[int]:
    return [int(n) for n in ROW.findall(html)]


def refund_in(container: Container, store: int, amount: int = 500, **columns: Any) -> int:
    """A manual refund of a paid order of the store, its ledger row then set as given (what
    the gateway and worker would have written)."""
    order = make_order(container, buyer_id=make_user(container), store_id=store)
    pay(container, order)
    refund_id = issue(container, order, amount)
    if columns:
        with container.uow() as uow:
            uow.session.execute(
                update(RefundRow).where(RefundRow.id == refund_id).values(**columns)
            )
            uow.commit()
    return refund_id


@pytest.fixture
def world(container: Container) -> dict[str, int]:
    one, two = make_store(container, name="Lamp Shop"), make_store(container, name="Volt")
    return {
        "one": one,
        "two": two,
        "sent": refund_in(
            container,
            one,
            status="succeeded",
            trace_number="ARN-7788",
            gateway_reference="re_123",
        ),
        "stuck": refund_in(
            container, one, status="failed", needs_attention=True, last_error="card closed"
        ),
        "wallet": refund_in(container, two, status="processing", method="wallet"),
        "cancelled": refund_in(container, two, status="pending", cause="cancellation"),
    }


def test_the_ledger_opens_on_refunds_needing_attention(
    client: TestClient, container: Container, world: dict[str, int]
) -> None:
    signed_in(client, container, role=Role.support)

    page = client.get("/support/refunds").text

    assert refund_ids(page) == [world["stuck"]]
    assert "<h1>Refunds needing attention</h1>" in page
    assert re.search(r'aria-current="page">Needs attention <span class="count">1</span>', page)


def test_the_whole_ledger_lists_every_refund_newest_first_with_its_references(
    client: TestClient, container: Container, world: dict[str, int]
) -> None:
    signed_in(client, container, role=Role.support)

    page = client.get("/support/refunds?attention=any").text

    assert refund_ids(page) == [world["cancelled"], world["wallet"], world["stuck"], world["sent"]]
    assert "<h1>Refund ledger</h1>" in page
    assert "<code>ARN-7788</code>" in page
    assert "<code>re_123</code>" in page
    assert page.count('class="order-link" href="/support/orders/') == 4


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "succeeded"}, ["sent"]),
        ({"status": "failed"}, ["stuck"]),
        ({"method": "wallet"}, ["wallet"]),
        ({"cause": "cancellation"}, ["cancelled"]),
        ({"cause": "manual", "attention": "no"}, ["wallet", "sent"]),
        ({"attention": "yes"}, ["stuck"]),
        ({"status": "pending", "method": "wallet"}, []),
    ],
)
def test_the_ledger_filters(
    client: TestClient,
    container: Container,
    world: dict[str, int],
    query: dict[str, str],
    expected: list[str],
) -> None:
    signed_in(client, container, role=Role.support)

    page = client.get("/support/refunds", params={"attention": "any", **query}).text

    assert refund_ids(page) == [world[name] for name in expected]
    if not expected:
        assert "No refund matches these filters." in page


def test_the_ledger_filters_by_store(
    client: TestClient, container: Container, world: dict[str, int]
) -> None:
    signed_in(client, container, role=Role.support)

    page = client.get("/support/refunds", params={"attention": "any", "store": world["two"]})

    assert refund_ids(page.text) == [world["cancelled"], world["wallet"]]
    assert f'<option value="{world["two"]}" selected>Volt</option>' in page.text


def test_the_ledger_filters_by_the_agents_dates(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    store = make_store(container)
    first_day = clock.now().date()
    early = refund_in(container, store)
    clock.advance(timedelta(days=3))
    late = refund_in(container, store)
    signed_in(client, container, role=Role.support, timezone="UTC")
    day_one, day_three = first_day.isoformat(), (first_day + timedelta(days=3)).isoformat()

    only_first = client.get("/support/refunds", params={"attention": "any", "to": day_one})
    from_third = client.get("/support/refunds", params={"attention": "any", "from": day_three})
    both = client.get(
        "/support/refunds", params={"from": day_one, "to": day_three, "attention": "any"}
    )
    bad = client.get("/support/refunds", params={"from": "31/03/2026"})

    assert refund_ids(only_first.text) == [early]
    assert refund_ids(from_third.text) == [late]
    assert refund_ids(both.text) == [late, early]
    assert bad.status_code == 422
    assert "Enter a date as year-month-day" in bad.text


def test_the_ledger_goes_page_by_page_keeping_its_filters(
    client: TestClient, container: Container
) -> None:
    store = make_store(container)
    made = [refund_in(container, store, amount=100 + n) for n in range(27)]
    signed_in(client, container, role=Role.support)

    first = client.get("/support/refunds", params={"attention": "any", "store": store}).text
    older = re.search(r'href="/support/refunds(\?[^"]+cursor=\d+)"', first)
    assert older
    second = client.get("/support/refunds" + older.group(1).replace("&amp;", "&")).text

    assert refund_ids(first) == made[::-1][:25]
    assert refund_ids(second) == made[::-1][25:]
    assert f"store={store}" in older.group(1)
    assert "Back to newest" in second


def test_retrying_from_a_filtered_ledger_comes_back_to_it(
    client: TestClient, container: Container, world: dict[str, int]
) -> None:
    signed_in(client, container, role=Role.support)
    page = client.get("/support/refunds", params={"store": world["one"], "attention": "yes"}).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    back = re.search(r'name="next" value="([^"]+)"', page)
    assert token and back

    response = client.post(
        f"/support/refunds/{world['stuck']}/retry",
        data={"csrf_token": token.group(1), "next": back.group(1).replace("&amp;", "&")},
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/support/refunds?attention=yes&store={world['one']}"


@pytest.mark.parametrize("role", [Role.buyer, Role.seller])
def test_only_support_reads_the_ledger(
    client: TestClient, container: Container, world: dict[str, int], role: Role
) -> None:
    stores = [world["one"]] if role is Role.seller else []
    signed_in(client, container, role=role, store_ids=stores)

    assert client.get("/support/refunds?attention=any").status_code == 404
