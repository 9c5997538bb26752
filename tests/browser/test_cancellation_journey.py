"""§3 in a browser: the buyer cancels with a reason and a confirm step and finds the email; a
seller approves a request from the inbox and the buyer sees the refund."""

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


def _cancel_with_reason(page: Page, base: str, order_id: int, reason: str) -> None:
    page.goto(f"{base}/orders/{order_id}")
    page.get_by_role("link", name="Cancel order").click()
    page.get_by_label(reason).check()
    screenshot(page, f"buyer-cancel-reason-{order_id}")
    page.get_by_role("button", name="Review the refund").click()


def test_buyer_cancels_with_a_reason_and_a_confirm_step_and_gets_the_email(
    container: Container, live_server: str, page: Page, clock: FixedClock
) -> None:
    store = make_store(container, name="Volt & Vector", buyer_cancel="instant")
    buyer = make_user(container, role=Role.buyer, email="ann@example.com")
    order_id = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order_id)
    clock.advance(timedelta(hours=1))

    _sign_in(page, live_server, "ann@example.com")
    _cancel_with_reason(page, live_server, order_id, "I changed my mind")
    expect(page.get_by_text("€59.74").first).to_be_visible()
    screenshot(page, "buyer-cancel-quote")
    page.get_by_role("button", name="Cancel and refund €59.74").click()
    expect(page.get_by_text("cancelled").first).to_be_visible()
    screenshot(page, "buyer-cancel-done")

    make_worker(container).run_once()
    page.goto(f"{live_server}/mail")
    expect(page.get_by_text(f"Order #{order_id} is cancelled")).to_be_visible()
    screenshot(page, "buyer-mailbox")


def test_seller_approves_a_request_from_the_inbox_and_the_buyer_sees_the_refund(
    container: Container, live_server: str, page: Page, clock: FixedClock
) -> None:
    store = make_store(container, name="Maison Lune", buyer_cancel="approval")
    buyer = make_user(container, role=Role.buyer, email="ann@example.com")
    make_user(container, role=Role.seller, email="sam@example.com", store_ids=[store])
    order_id = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order_id)
    clock.advance(timedelta(hours=2))

    _sign_in(page, live_server, "ann@example.com")
    _cancel_with_reason(page, live_server, order_id, "I found it cheaper elsewhere")
    page.get_by_role("button", name="Send the request to the seller").click()
    expect(page.get_by_text("answers by").first).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    _sign_in(page, live_server, "sam@example.com")
    page.goto(f"{live_server}/seller/requests")
    screenshot(page, "seller-requests-inbox")
    page.get_by_role("link", name=f"Answer the request on order #{order_id}").click()
    page.get_by_role("button", name="Approve and refund").click()
    page.get_by_role("button", name="Sign out").click()

    _sign_in(page, live_server, "ann@example.com")
    page.goto(f"{live_server}/orders/{order_id}")
    expect(page.locator("#refunds").get_by_text("€59.74").first).to_be_visible()
    screenshot(page, "buyer-order-after-approval")
