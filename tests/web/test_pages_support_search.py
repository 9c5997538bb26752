"""Support's one search box on All orders: an order number, a marketplace reference or a
buyer's email, exact matches only."""

from __future__ import annotations

from fastapi.testclient import TestClient

from recourse.bootstrap import Container
from recourse.domain.order import NewLine, PaymentMethod
from recourse.domain.roles import Role
from recourse.services import orders
from tests.factories import OPERATOR, make_order, make_store, make_user
from tests.web.test_pages import signed_in
from tests.web.test_pages_buyer import order_links, tab_count


def order_with_reference(container: Container, *, buyer: int, store: int, reference: str) -> int:
    return orders.ingest_order(
        container.uow(),
        container.ctx,
        actor=OPERATOR,
        data=orders.OrderInput(
            buyer_id=buyer,
            store_id=store,
            currency="EUR",
            shipping_fee=0,
            payment_method=PaymentMethod.card,
            lines=[NewLine("SKU-1", "Desk lamp", 2500, 1, 0, 475)],
            external_id=reference,
        ),
    )


def test_a_marketplace_reference_finds_its_order(client: TestClient, container: Container) -> None:
    store = make_store(container)
    buyer = make_user(container)
    wanted = order_with_reference(container, buyer=buyer, store=store, reference="MP-2026-0042")
    order_with_reference(container, buyer=buyer, store=store, reference="MP-2026-00421")
    signed_in(client, container, role=Role.support)

    page = client.get("/support/orders", params={"q": " MP-2026-0042 "})

    assert page.status_code == 200
    assert order_links(page.text, "/support/orders") == [wanted]
    assert tab_count(page.text, "All") == 1
    assert 'value="MP-2026-0042"' in page.text


def test_an_order_number_finds_that_order_with_or_without_its_hash(
    client: TestClient, container: Container
) -> None:
    store = make_store(container)
    buyer = make_user(container)
    first = make_order(container, buyer_id=buyer, store_id=store)
    make_order(container, buyer_id=buyer, store_id=store)
    signed_in(client, container, role=Role.support)

    plain = client.get("/support/orders", params={"q": str(first)}).text
    hashed = client.get("/support/orders", params={"q": f"#{first}"}).text

    assert order_links(plain, "/support/orders") == [first]
    assert order_links(hashed, "/support/orders") == [first]


def test_a_number_that_is_also_a_reference_finds_both(
    client: TestClient, container: Container
) -> None:
    store = make_store(container)
    buyer = make_user(container)
    first = make_order(container, buyer_id=buyer, store_id=store)
    other = order_with_reference(container, buyer=buyer, store=store, reference=str(first))
    signed_in(client, container, role=Role.support)

    page = client.get("/support/orders", params={"q": str(first)}).text

    assert order_links(page, "/support/orders") == [other, first]


def test_a_buyer_email_lists_that_buyers_orders_in_any_case(
    client: TestClient, container: Container
) -> None:
    one, two = make_store(container), make_store(container)
    ana = make_user(container, email="ana@example.com")
    ben = make_user(container, email="ben@example.com")
    a1 = make_order(container, buyer_id=ana, store_id=one)
    make_order(container, buyer_id=ben, store_id=one)
    a2 = make_order(container, buyer_id=ana, store_id=two)
    signed_in(client, container, role=Role.support)

    page = client.get("/support/orders", params={"q": "Ana@Example.com"}).text
    in_one_store = client.get("/support/orders", params={"q": "ana@example.com", "store": one})

    assert order_links(page, "/support/orders") == [a2, a1]
    assert tab_count(page, "All") == 2
    assert order_links(in_one_store.text, "/support/orders") == [a1]


def test_nothing_matches_an_unknown_reference_email_or_partial_email(
    client: TestClient, container: Container
) -> None:
    store = make_store(container)
    make_order(container, buyer_id=make_user(container, email="ana@example.com"), store_id=store)
    signed_in(client, container, role=Role.support)

    pages = [
        client.get("/support/orders", params={"q": q})
        for q in ("NO-SUCH-REF", "nobody@example.com", "ana@", "example.com")
    ]

    assert [p.status_code for p in pages] == [200, 200, 200, 200]
    assert all(order_links(p.text, "/support/orders") == [] for p in pages)
    assert all("No orders match." in p.text for p in pages)


def test_the_search_stays_on_the_tabs_and_older_pages(
    client: TestClient, container: Container
) -> None:
    store = make_store(container)
    ana = make_user(container, email="ana@example.com")
    for _ in range(21):
        make_order(container, buyer_id=ana, store_id=store)
    make_order(container, buyer_id=make_user(container), store_id=store)
    signed_in(client, container, role=Role.support)

    first = client.get("/support/orders", params={"q": "ana@example.com"}).text

    assert "q=ana%40example.com" in first
    older = client.get(
        "/support/orders?q=ana%40example.com&cursor="
        + first.split("q=ana%40example.com&amp;cursor=")[1].split('"')[0]
    ).text
    assert len(order_links(first, "/support/orders")) == 20
    assert len(order_links(older, "/support/orders")) == 1
