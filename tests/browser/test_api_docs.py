"""The interactive API documentation renders in Chromium with every other host out of reach."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import screenshot


def test_api_docs_render_the_operations_with_no_internet(live_server: str, page: Page) -> None:
    local = urlsplit(live_server).netloc
    refused: list[str] = []

    def offline(route: Route) -> None:
        refused.append(route.request.url)
        route.abort("internetdisconnected")

    page.route(lambda url: urlsplit(url).netloc != local, offline)
    page.goto(f"{live_server}/api/docs")

    expect(page.locator("#operations-tag-orders")).to_be_visible()
    cancel = page.locator(".opblock-post").filter(
        has_text="/api/v1/orders/{order_id}/cancellations"
    )
    expect(cancel.first).to_be_visible()
    cancel.first.locator(".opblock-summary").click()
    expect(page.get_by_role("button", name="Try it out").first).to_be_visible()
    screenshot(page, "api-docs-offline")
    assert refused == []
