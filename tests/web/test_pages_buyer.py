"""The buyer's pages: My orders (tabs, counts, paging) and the order page."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from recourse.bootstrap import Container
from recourse.domain.order import NewLine
from recourse.domain.roles import Role
from recourse.domain.shipment import CarrierEvent
from recourse.integrations.clock import FixedClock
from tests.factories import (
    carrier_event,
    make_order,
    make_store,
    make_user,
    pay,
    ship_all,
)
from tests.web.test_pages import signed_in


def tab_count(html: str, label: str) -> int:
    found = re.search(rf">{label} <span class=\"count\">(\d+)</span>", html)
    assert found, f"no tab {label!r}"
    return int(found.group(1))


def order_links(html: str, base: str = "/orders") -> list[int]:
    return [int(n) for n in re.findall(rf'href="{base}/(\d+)"', html)]


def test_my_orders_lists_only_my_orders_newest_first(
    client: TestClient, container: Container
) -> None:
    store = make_store(container, name="Lamp Shop")
    me = signed_in(client, container)
    other = make_user(container)
    first = make_order(container, buyer_id=me, store_id=store)
    theirs = make_order(container, buyer_id=other, store_id=store)
    second = make_order(container, buyer_id=me, store_id=store)

    page = client.get("/orders")

    assert page.status_code == 200
    assert order_links(page.text) == [second, first]
    assert theirs not in order_links(page.text)
    assert "Lamp Shop" in page.text


def test_tabs_count_my_orders_by_status(client: TestClient, container: Container) -> None:
    store = make_store(container)
    me = signed_in(client, container)
    make_order(container, buyer_id=me, store_id=store)
    paid = make_order(container, buyer_id=me, store_id=store)
    pay(container, paid)
    shipped = make_order(container, buyer_id=me, store_id=store)
    pay(container, shipped)
    ship_all(container, shipped)
    make_order(container, buyer_id=make_user(container), store_id=store)

    page = client.get("/orders").text

    assert [
        tab_count(page, label)
        for label in ("All", "To pay", "To ship", "Shipped", "Delivered", "Completed", "Cancelled")
    ] == [3, 1, 1, 1, 0, 0, 0]


def test_a_tab_shows_only_its_orders_and_marks_itself_current(
    client: TestClient, container: Container
) -> None:
    store = make_store(container)
    me = signed_in(client, container)
    unpaid = make_order(container, buyer_id=me, store_id=store)
    paid = make_order(container, buyer_id=me, store_id=store)
    pay(container, paid)

    page = client.get("/orders?tab=to_ship").text

    assert order_links(page) == [paid]
    assert unpaid not in order_links(page)
    assert 'href="/orders?tab=to_ship" aria-current="page"' in page


def test_my_orders_pages_through_older_orders(client: TestClient, container: Container) -> None:
    store = make_store(container)
    me = signed_in(client, container)
    ids = [make_order(container, buyer_id=me, store_id=store) for _ in range(23)]

    first = client.get("/orders").text
    older = re.search(r'href="(/orders\?cursor=\d+)">Older orders', first)
    assert older
    second = client.get(older.group(1)).text

    assert order_links(first) == ids[::-1][:20]
    assert order_links(second) == ids[::-1][20:]
    assert "Older orders" not in second
    assert 'href="/orders">← Back to newest' in second


def test_a_row_names_the_first_item_and_how_many_more(
    client: TestClient, container: Container
) -> None:
    store = make_store(container)
    me = signed_in(client, container)
    make_order(
        container,
        buyer_id=me,
        store_id=store,
        lines=[
            NewLine("A", "Walnut desk", 30000, 1),
            NewLine("B", "Desk mat", 2000, 1),
            NewLine("C", "Cable tray", 1500, 2),
        ],
    )

    page = client.get("/orders").text

    assert "Walnut desk and 2 more" in page


def test_buyer_cannot_open_another_buyers_order(client: TestClient, container: Container) -> None:
    store = make_store(container)
    signed_in(client, container)
    theirs = make_order(container, buyer_id=make_user(container), store_id=store)

    response = client.get(f"/orders/{theirs}")

    assert response.status_code == 404


def test_order_page_shows_lines_amounts_payment_and_policy(
    client: TestClient, container: Container
) -> None:
    store = make_store(container, name="Lamp Shop", buyer_cancel="instant")
    me = signed_in(client, container)
    order = make_order(
        container,
        buyer_id=me,
        store_id=store,
        shipping_fee=499,
        lines=[NewLine("LAMP", "Desk lamp", 2500, 2, 500, 855)],
    )
    pay(container, order)

    page = client.get(f"/orders/{order}").text

    assert "Desk lamp" in page
    assert "2 ordered" in page
    for amount in ("€50.00", "\N{MINUS SIGN}€5.00", "€8.55", "€4.99", "€58.54"):
        assert amount in page
    assert "Card" in page
    assert f"ch_{order}" in page
    assert "You can cancel an unshipped order at once, without asking the seller." in page


def test_order_page_says_when_the_seller_ships_in_my_time_zone(
    client: TestClient, container: Container
) -> None:
    store = make_store(container, processing_days=7)
    me = signed_in(client, container, timezone="Asia/Tokyo")
    order = make_order(container, buyer_id=me, store_id=store)
    pay(container, order)

    page = client.get(f"/orders/{order}").text

    # Paid Monday 2 March 2026 09:00 UTC; seven business days later is Wednesday 11 March.
    assert "The seller ships by 11 Mar 2026, 18:00 JST." in page


def test_order_page_reads_the_timeline_as_sentences(
    client: TestClient, container: Container
) -> None:
    store = make_store(container)
    me = signed_in(client, container)
    order = make_order(container, buyer_id=me, store_id=store)
    pay(container, order)

    page = client.get(f"/orders/{order}").text

    assert "Order placed for €59.74." in page
    assert "Payment of €59.74 received." in page
    assert 'Awaiting payment <span aria-hidden="true">→</span>' in page
    assert "payment.captured" not in page


def test_order_page_shows_parcels_with_their_tracking_history(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    store = make_store(container)
    me = signed_in(client, container)
    order = make_order(container, buyer_id=me, store_id=store)
    pay(container, order)
    shipment = ship_all(container, order)
    clock.advance(timedelta(days=1))
    carrier_event(container, shipment, CarrierEvent.in_transit)
    clock.advance(timedelta(days=1))
    carrier_event(container, shipment, CarrierEvent.delivered)

    page = client.get(f"/orders/{order}").text

    assert f"JJD{order:010d}" in page
    assert "Handed to DHL" in page
    assert "In transit" in page
    assert "The carrier delivered the parcel" in page
    assert "2 delivered" in page
    assert "Your buyer protection lasts until" in page


def test_amounts_are_exact_to_each_currencys_minor_unit(
    client: TestClient, container: Container
) -> None:
    store = make_store(container)
    me = signed_in(client, container)
    orders = {
        "¥1,200": make_order(
            container,
            buyer_id=me,
            store_id=store,
            currency="JPY",
            shipping_fee=0,
            lines=[NewLine("PEN", "Pen", 1200, 1)],
        ),
        "€19.99": make_order(
            container,
            buyer_id=me,
            store_id=store,
            currency="EUR",
            shipping_fee=0,
            lines=[NewLine("MUG", "Mug", 1999, 1)],
        ),
        "KWD1.250": make_order(
            container,
            buyer_id=me,
            store_id=store,
            currency="KWD",
            shipping_fee=0,
            lines=[NewLine("OUD", "Oud", 1250, 1)],
        ),
    }

    listing = client.get("/orders").text
    pages = {shown: client.get(f"/orders/{order}").text for shown, order in orders.items()}

    assert all(shown in listing for shown in orders)
    assert all(shown in page for shown, page in pages.items())


def test_seller_following_a_buyer_link_lands_on_their_own_order_page(
    client: TestClient, container: Container
) -> None:
    store = make_store(container)
    signed_in(client, container, role=Role.seller, store_ids=[store])

    response = client.get("/orders/42")

    assert response.status_code == 303
    assert response.headers["location"] == "/seller/orders/42"
