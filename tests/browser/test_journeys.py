"""The main journeys in a real browser: buyer follows an order; seller ships it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from recourse.container import Container
from recourse.domain.order import NewLine
from recourse.domain.roles import Role
from recourse.domain.shipment import CarrierEvent
from tests.browser.conftest import screenshot
from tests.factories import (
    PASSWORD,
    carrier_event,
    make_order,
    make_store,
    make_user,
    pay,
    ship_all,
)


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_buyer_opens_an_order_and_sees_parcels_and_timeline(
    container: Container, live_server: str, page: Page
) -> None:
    store = make_store(container, name="Volt & Vector")
    buyer = make_user(container, role=Role.buyer, email="ann@example.com", name="Ann Buyer")
    order_id = make_order(
        container,
        buyer_id=buyer,
        store_id=store,
        lines=[NewLine("LAMP-1", "Linea desk lamp", 4999, 1, 0, 950)],
    )
    pay(container, order_id)
    shipment = ship_all(container, order_id)
    carrier_event(container, shipment, CarrierEvent.in_transit)

    _sign_in(page, live_server, "ann@example.com")
    expect(page.get_by_role("heading", name="My orders")).to_be_visible()
    screenshot(page, "buyer-my-orders")
    page.get_by_role("link", name=f"#{order_id}").click()
    expect(page.get_by_role("heading", name=f"Order #{order_id}")).to_be_visible()
    expect(page.get_by_text("Linea desk lamp").first).to_be_visible()
    expect(page.get_by_text(f"JJD{order_id:010d}").first).to_be_visible()
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    expect(page.get_by_text("€64.48").first).to_be_visible()
    screenshot(page, "buyer-order")


def test_seller_marks_an_order_shipped_and_the_buyer_sees_it(
    container: Container, live_server: str, page: Page
) -> None:
    store = make_store(container, name="Maison Lune")
    buyer = make_user(container, role=Role.buyer, email="ann@example.com")
    make_user(container, role=Role.seller, email="sam@example.com", store_ids=[store])
    order_id = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order_id)

    _sign_in(page, live_server, "sam@example.com")
    page.goto(f"{live_server}/seller/orders/{order_id}")
    page.get_by_label("Carrier").fill("La Poste")
    page.get_by_label("Tracking number").fill("CB123456789FR")
    screenshot(page, "seller-ship-form")
    page.get_by_role("button", name="Mark as shipped").click()
    expect(page.get_by_text("Marked as shipped")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    _sign_in(page, live_server, "ann@example.com")
    page.goto(f"{live_server}/orders/{order_id}")
    expect(page.locator(".badge", has_text=re.compile("^\\s*Shipped\\s*$")).first).to_be_visible()
    expect(page.get_by_text("CB123456789FR").first).to_be_visible()
    screenshot(page, "buyer-order-shipped")
