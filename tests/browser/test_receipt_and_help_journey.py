"""§2 and H2 in a browser: the buyer of a delivered order asks support for help and then
confirms receipt after the warning; support closes the request; a visitor finds the refund
article by searching."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from recourse.container import Container
from recourse.domain.roles import Role
from recourse.domain.shipment import CarrierEvent
from tests.browser.conftest import screenshot
from tests.browser.test_journeys import _sign_in
from tests.factories import carrier_event, make_order, make_store, make_user, pay, ship_all


def test_buyer_asks_support_then_confirms_receipt_and_support_closes_the_request(
    container: Container, live_server: str, page: Page
) -> None:
    store = make_store(container, name="Volt & Vector")
    make_user(container, role=Role.buyer, email="ann@example.com")
    buyer = make_user(container, role=Role.buyer, email="bea@example.com")
    make_user(container, role=Role.support, email="sue@example.com")
    order_id = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order_id)
    carrier_event(container, ship_all(container, order_id), CarrierEvent.delivered)

    _sign_in(page, live_server, "bea@example.com")
    page.goto(f"{live_server}/orders/{order_id}")
    panel = page.get_by_role("region", name="What you can do")
    panel.locator(".option-contact_support").get_by_role(
        "link", name="Contact support", exact=True
    ).click()
    page.get_by_label("What do you need help with?").fill("One lamp arrived with a cracked shade.")
    page.get_by_role("button", name="Send to support").click()
    expect(page).to_have_url(f"{live_server}/orders/{order_id}")

    page.locator(".option-confirm_receipt").get_by_role(
        "link", name="Confirm receipt", exact=True
    ).click()
    expect(page.get_by_text("buyer protection").first).to_be_visible()
    screenshot(page, "buyer-confirm-receipt-warning")
    page.get_by_role("button", name="Yes, confirm receipt").click()
    expect(page.get_by_text("Completed").first).to_be_visible()
    screenshot(page, "buyer-receipt-confirmed")
    page.get_by_role("button", name="Sign out").click()

    _sign_in(page, live_server, "sue@example.com")
    page.goto(f"{live_server}/support/tickets")
    expect(page.get_by_text("One lamp arrived with a cracked shade.")).to_be_visible()
    screenshot(page, "support-tickets-queue")
    page.get_by_role("button", name="Close ticket").first.click()
    page.goto(f"{live_server}/support/tickets")
    expect(page.get_by_text("One lamp arrived with a cracked shade.")).to_have_count(0)


def test_a_visitor_finds_the_refund_article_by_searching(live_server: str, page: Page) -> None:
    page.goto(f"{live_server}/help")
    page.get_by_role("searchbox").fill("refund card")
    page.keyboard.press("Enter")
    first = page.locator(".help-results").get_by_role("link").first
    expect(first).to_have_attribute("href", "/help/refund-timing")
    first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    screenshot(page, "help-refund-timing")
