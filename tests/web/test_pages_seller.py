"""The seller's pages: their stores' orders and the Mark as shipped form."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from recourse.bootstrap import Container
from recourse.domain.order import NewLine
from recourse.domain.roles import Role
from recourse.integrations.clock import FixedClock
from tests.factories import get_order, make_order, make_store, make_user, pay
from tests.web.test_pages import csrf_from, login, signed_in
from tests.web.test_pages_buyer import order_links, tab_count


def two_line_order(container: Container, store: int, buyer: int | None = None) -> int:
    order = make_order(
        container,
        buyer_id=buyer or make_user(container),
        store_id=store,
        lines=[NewLine("LAMP", "Desk lamp", 2500, 2), NewLine("BULB", "Bulb", 300, 3)],
    )
    pay(container, order)
    return order


def ship_form(client: TestClient, order: int, **fields: str) -> dict[str, str]:
    """The form as the seller's page offers it (every unshipped unit), with `fields` changed."""
    page = client.get(f"/seller/orders/{order}")
    lines = get_order_lines(page.text)
    return {"csrf_token": csrf_from(page), **lines, "carrier": "DHL", **fields}


def get_order_lines(html: str) -> dict[str, str]:
    return dict(re.findall(r'name="(qty-\d+)"[^>]*?\s+value="(\d+)"', html, flags=re.S))


def test_seller_sees_only_their_stores_orders(client: TestClient, container: Container) -> None:
    mine = make_store(container)
    theirs = make_store(container)
    signed_in(client, container, role=Role.seller, store_ids=[mine])
    own = two_line_order(container, mine)
    other = two_line_order(container, theirs)

    page = client.get("/seller/orders").text

    assert order_links(page, "/seller/orders") == [own]
    assert other not in order_links(page, "/seller/orders")
    assert tab_count(page, "To ship") == 1


def test_seller_filters_by_one_of_their_stores(client: TestClient, container: Container) -> None:
    lamps = make_store(container, name="Lamps")
    mugs = make_store(container, name="Mugs")
    signed_in(client, container, role=Role.seller, store_ids=[lamps, mugs])
    lamp_order = two_line_order(container, lamps)
    mug_order = two_line_order(container, mugs)

    everything = client.get("/seller/orders").text
    only_mugs = client.get(f"/seller/orders?store={mugs}").text

    assert order_links(everything, "/seller/orders") == [mug_order, lamp_order]
    assert order_links(only_mugs, "/seller/orders") == [mug_order]
    assert tab_count(only_mugs, "All") == 1


def test_orders_past_their_ship_by_date_are_marked_overdue(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    store = make_store(container, processing_days=2)
    signed_in(client, container, role=Role.seller, store_ids=[store])
    ship_by = get_order(container, two_line_order(container, store)).deadlines.ship_by
    assert ship_by is not None

    before = client.get("/seller/orders").text
    # Late, but not yet so late that the order cancelled itself (C4).
    clock.set(ship_by + timedelta(days=1))
    after = client.get("/seller/orders").text

    assert "Overdue" not in before
    assert "is-to-ship" in before
    assert "Overdue" in after
    assert "is-overdue" in after


def test_seller_of_another_store_gets_404(client: TestClient, container: Container) -> None:
    signed_in(client, container, role=Role.seller, store_ids=[make_store(container)])
    order = two_line_order(container, make_store(container))

    page = client.get(f"/seller/orders/{order}")
    post = client.post(
        f"/seller/orders/{order}/shipments",
        data={"csrf_token": csrf_from(client.get("/seller/orders")), "carrier": "DHL"},
    )

    assert page.status_code == 404
    assert post.status_code == 404


def test_buyers_get_404_on_seller_pages(client: TestClient, container: Container) -> None:
    signed_in(client, container)

    assert client.get("/seller/orders").status_code == 404


def test_seller_order_page_shows_the_buyer(client: TestClient, container: Container) -> None:
    store = make_store(container)
    signed_in(client, container, role=Role.seller, store_ids=[store])
    buyer = make_user(container, name="Ana Buyer", country="AT")
    order = two_line_order(container, store, buyer)

    page = client.get(f"/seller/orders/{order}").text

    assert "Ana Buyer" in page
    assert "AT" in page
    assert "Mark as shipped" in page


def test_seller_marks_shipped_and_the_buyer_sees_the_parcel(
    client: TestClient, container: Container
) -> None:
    store = make_store(container)
    buyer = make_user(container, email="ana@example.com")
    order = two_line_order(container, store, buyer)
    login(client, make_seller(container, store))

    response = client.post(
        f"/seller/orders/{order}/shipments",
        data=ship_form(client, order, tracking_number="JJD000111222"),
    )
    seller_page = client.get(response.headers["location"]).text
    login(client, "ana@example.com")
    buyer_page = client.get(f"/orders/{order}").text

    assert response.status_code == 303
    assert response.headers["location"] == f"/seller/orders/{order}"
    assert "Marked as shipped." in seller_page
    assert "JJD000111222" in buyer_page
    assert '<h2 id="status-title">Shipped</h2>' in buyer_page
    assert "5 items shipped (DHL, tracking JJD000111222)." in buyer_page
    assert 'Awaiting shipment <span aria-hidden="true">→</span>' in buyer_page


def test_seller_ships_part_of_an_order(client: TestClient, container: Container) -> None:
    store = make_store(container)
    order = two_line_order(container, store)
    login(client, make_seller(container, store))
    lamp, bulb = (line.id for line in get_order(container, order).lines)

    client.post(
        f"/seller/orders/{order}/shipments",
        data=ship_form(
            client, order, **{f"qty-{lamp}": "1", f"qty-{bulb}": "0"}, tracking_number="T1"
        ),
    )
    quantities = [line.qty for line in get_order(container, order).lines]
    page = client.get(f"/seller/orders/{order}").text

    assert [(q.shipped, q.unshipped) for q in quantities] == [(1, 1), (0, 3)]
    assert "1 shipped" in page
    assert f'name="qty-{lamp}"' in page


def test_empty_tracking_number_is_explained_and_the_values_kept(
    client: TestClient, container: Container
) -> None:
    store = make_store(container)
    order = two_line_order(container, store)
    login(client, make_seller(container, store))
    lamp = get_order(container, order).lines[0].id

    response = client.post(
        f"/seller/orders/{order}/shipments",
        data=ship_form(client, order, **{f"qty-{lamp}": "1"}, carrier="UPS", tracking_number=" "),
    )

    assert response.status_code == 422
    assert "Enter the tracking number." in response.text
    assert 'value="UPS"' in response.text
    assert f'name="qty-{lamp}" min="0" max="2"' in response.text
    assert get_order_lines(response.text)[f"qty-{lamp}"] == "1"
    assert 'id="tracking_number" name="tracking_number"' in response.text
    assert "aria-invalid" in response.text
    assert [line.qty.shipped for line in get_order(container, order).lines] == [0, 0]


def test_shipping_more_than_is_left_is_a_conflict_next_to_the_form(
    client: TestClient, container: Container
) -> None:
    store = make_store(container)
    order = two_line_order(container, store)
    login(client, make_seller(container, store))
    lamp = get_order(container, order).lines[0].id

    response = client.post(
        f"/seller/orders/{order}/shipments",
        data=ship_form(client, order, **{f"qty-{lamp}": "5"}, tracking_number="T-9"),
    )

    assert response.status_code == 409
    assert "Only 2 of &#39;Desk lamp&#39; can still ship." in response.text
    assert 'value="T-9"' in response.text
    assert [line.qty.shipped for line in get_order(container, order).lines] == [0, 0]


def test_shipping_nothing_asks_to_choose_a_line(client: TestClient, container: Container) -> None:
    store = make_store(container)
    order = two_line_order(container, store)
    login(client, make_seller(container, store))
    lamp, bulb = (line.id for line in get_order(container, order).lines)

    response = client.post(
        f"/seller/orders/{order}/shipments",
        data=ship_form(
            client, order, **{f"qty-{lamp}": "0", f"qty-{bulb}": "0"}, tracking_number="T-1"
        ),
    )

    assert response.status_code == 422
    assert "Choose at least one line to ship." in response.text


def test_a_quantity_that_is_not_a_number_is_refused(
    client: TestClient, container: Container
) -> None:
    store = make_store(container)
    order = two_line_order(container, store)
    login(client, make_seller(container, store))
    lamp = get_order(container, order).lines[0].id

    response = client.post(
        f"/seller/orders/{order}/shipments",
        data=ship_form(client, order, **{f"qty-{lamp}": "two"}, tracking_number="T-1"),
    )

    assert response.status_code == 422
    assert "Enter a whole number of items" in response.text
    assert 'value="two"' in response.text


def test_shipping_without_csrf_token_changes_nothing(
    client: TestClient, container: Container
) -> None:
    store = make_store(container)
    order = two_line_order(container, store)
    login(client, make_seller(container, store))
    form = ship_form(client, order, tracking_number="T-1")

    missing = client.post(
        f"/seller/orders/{order}/shipments",
        data={k: v for k, v in form.items() if k != "csrf_token"},
    )
    wrong = client.post(f"/seller/orders/{order}/shipments", data={**form, "csrf_token": "forged"})

    assert (missing.status_code, wrong.status_code) == (422, 422)
    assert "The form expired" in wrong.text
    assert [line.qty.shipped for line in get_order(container, order).lines] == [0, 0]


def test_unpaid_order_offers_no_shipping_form(client: TestClient, container: Container) -> None:
    store = make_store(container)
    signed_in(client, container, role=Role.seller, store_ids=[store])
    order = make_order(container, buyer_id=make_user(container), store_id=store)

    page = client.get(f"/seller/orders/{order}").text

    assert "You can ship this order once its payment is captured." in page
    assert "/shipments" not in page


def make_seller(container: Container, store: int) -> str:
    email = f"seller-of-{store}@example.com"
    make_user(container, role=Role.seller, email=email, store_ids=[store])
    return email
