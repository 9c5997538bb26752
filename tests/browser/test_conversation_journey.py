"""M1/S1 in a browser: the buyer writes to the seller with a photo attached; the seller sees the
unread count on the order page, reads the thread and answers; the buyer sees "1 new" and the
answer. Then the buyer asks to stop a shipped parcel and the seller answers that it cannot be
stopped; the buyer reads the outcome. The thread pages pass axe (WCAG 2.1 AA)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, expect

from recourse.container import Container
from recourse.domain.roles import Role
from tests.browser.conftest import ARTIFACTS, screenshot
from tests.browser.test_journeys import _sign_in
from tests.browser.test_returns_journey import _no_violations, _sign_out
from tests.factories import make_order, make_store, make_user, pay, ship_all


def _photo() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "scratched-vase.png"
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 90, 160)).save(out, format="PNG")
    path.write_bytes(out.getvalue())
    return path


def _world(c: Container) -> int:
    store = make_store(c, name="Maison Lune")
    buyer = make_user(c, role=Role.buyer, email="ann@example.com", name="Ann Buyer")
    make_user(c, role=Role.seller, email="sam@example.com", store_ids=[store], name="Sam Seller")
    order = make_order(c, buyer_id=buyer, store_id=store)
    pay(c, order)
    return order


def test_buyer_and_seller_talk_and_the_seller_cannot_stop_the_parcel(
    container: Container, live_server: str, page: Page
) -> None:
    order = _world(container)

    _sign_in(page, live_server, "ann@example.com")
    page.goto(f"{live_server}/orders/{order}")
    page.get_by_role("link", name="Messages", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"order #{order}")
    _no_violations(page)
    page.get_by_label("Your message").fill("Is the blue vase the one in the photo?")
    page.get_by_label("Attach photos or PDFs (optional)").set_input_files(str(_photo()))
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Message sent.")).to_be_visible()
    expect(page.get_by_text("Is the blue vase the one in the photo?")).to_be_visible()
    expect(page.get_by_role("img", name="scratched-vase.png")).to_be_visible()
    _sign_out(page)

    _sign_in(page, live_server, "sam@example.com")
    page.goto(f"{live_server}/seller/orders/{order}")
    page.get_by_role("link", name="Messages (1 new)").click()
    expect(page.get_by_text("Is the blue vase the one in the photo?")).to_be_visible()
    _no_violations(page)
    page.get_by_label("Your message").fill("Yes, that is the one.")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Yes, that is the one.")).to_be_visible()
    screenshot(page, "conversation-seller")
    _sign_out(page)

    _sign_in(page, live_server, "ann@example.com")
    page.goto(f"{live_server}/orders/{order}")
    page.get_by_role("link", name="Messages (1 new)").click()
    expect(page.get_by_text("Yes, that is the one.")).to_be_visible()

    # The parcel leaves; the buyer changes their mind and asks the seller to stop it.
    ship_all(container, order)
    page.reload()
    page.get_by_label("Note for the seller (optional)").fill("Wrong address, please stop it.")
    page.get_by_role("button", name="Ask the seller to stop the parcel").click()
    expect(page.get_by_text("Your request to stop the parcel was sent")).to_be_visible()
    expect(page.get_by_text("You asked the seller to stop the parcel.")).to_be_visible()
    _no_violations(page)
    _sign_out(page)

    _sign_in(page, live_server, "sam@example.com")
    page.goto(f"{live_server}/seller/orders/{order}/messages")
    expect(
        page.get_by_role("heading", name="The buyer asks you to stop the parcel")
    ).to_be_visible()
    _no_violations(page)
    page.get_by_label("I cannot stop it").check()
    page.get_by_label("Note for the buyer (optional)").fill("It is already at the depot.")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_text("Your answer was sent to the buyer.")).to_be_visible()
    _sign_out(page)

    _sign_in(page, live_server, "ann@example.com")
    page.goto(f"{live_server}/orders/{order}/messages")
    expect(page.get_by_text("The parcel could not be stopped.")).to_be_visible()
    expect(page.get_by_text("It is already at the depot.")).to_be_visible()
    screenshot(page, "conversation-buyer")
