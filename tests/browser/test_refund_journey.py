"""F1 to F5 in a browser: support refunds part of an order; the buyer follows it to the bank."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from recourse.bootstrap import make_worker
from recourse.container import Container
from recourse.domain.roles import Role
from recourse.integrations.clock import FixedClock
from tests.browser.conftest import screenshot
from tests.browser.test_journeys import _sign_in
from tests.factories import make_order, make_store, make_user, pay


def test_support_refund_is_followed_by_the_buyer_until_the_money_is_sent(
    container: Container, live_server: str, page: Page, clock: FixedClock
) -> None:
    store = make_store(container, name="Maison Lune")
    buyer = make_user(container, role=Role.buyer, email="ann@example.com")
    make_user(container, role=Role.support, email="sue@example.com")
    order_id = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order_id)

    _sign_in(page, live_server, "sue@example.com")
    page.goto(f"{live_server}/support/orders/{order_id}")
    page.get_by_text("Issue a refund").click()
    page.get_by_label("Amount in EUR").fill("12.50")
    page.get_by_label("Reason").select_option(index=1)
    page.get_by_role("button", name="Review refund").click()
    expect(page.get_by_text("Refund €12.50").first).to_be_visible()
    screenshot(page, "support-refund-quote")
    page.get_by_role("button", name="Confirm refund of €12.50").click()
    page.get_by_role("button", name="Sign out").click()

    worker = make_worker(container)
    worker.run_once()
    _sign_in(page, live_server, "ann@example.com")
    page.goto(f"{live_server}/orders/{order_id}#refunds")
    panel = page.locator("#refunds")
    expect(panel.get_by_text("€12.50").first).to_be_visible()
    expect(panel.get_by_text("Money sent")).to_have_count(1)
    screenshot(page, "buyer-refund-on-its-way")

    clock.advance(timedelta(hours=2))
    worker.run_once()
    page.reload()
    expect(panel.get_by_text("Your bank can trace it")).to_be_visible()
    screenshot(page, "buyer-refund-sent")
    page.goto(f"{live_server}/mail")
    expect(page.get_by_text("Your refund of €12.50 has been sent")).to_be_visible()
