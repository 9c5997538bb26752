"""H1 in a browser: on a shipped order's page, where Cancel would be, the buyer reads why not,
what to do instead and a link to the help article — no dead text, no dead button."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from recourse.container import Container
from recourse.domain.roles import Role
from tests.browser.conftest import screenshot
from tests.browser.test_journeys import _sign_in
from tests.factories import make_order, make_store, make_user, pay, ship_all


def test_a_shipped_order_says_why_it_cannot_be_cancelled_what_instead_and_where_to_read_more(
    container: Container, live_server: str, page: Page
) -> None:
    store = make_store(container, name="Volt & Vector")
    buyer = make_user(container, role=Role.buyer, email="ann@example.com")
    order_id = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order_id)
    ship_all(container, order_id)

    _sign_in(page, live_server, "ann@example.com")
    page.goto(f"{live_server}/orders/{order_id}")
    panel = page.get_by_role("region", name="What you can do")
    expect(panel).to_be_visible()
    cancel = panel.locator(".option-cancel")
    expect(panel.get_by_role("heading", name="Cancel the order")).to_be_visible()
    expect(cancel.get_by_text("Everything in this order has shipped")).to_be_visible()
    expect(page.get_by_role("link", name="Cancel order")).to_have_count(0)
    for title, href in (
        ("Ask the seller to stop the parcel", f"/orders/{order_id}/messages#intercept"),
        ("Refuse the delivery", "/help/refusing-a-delivery"),
        ("Return it after it arrives", "/help/returning-an-item"),
    ):
        expect(cancel.get_by_role("link", name=title)).to_have_attribute("href", href)
    learn_more = cancel.get_by_role("link", name="Learn more")
    expect(learn_more).to_have_attribute("href", "/help/cancel-before-shipping")
    screenshot(page, "buyer-shipped-options")
