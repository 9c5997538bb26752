"""§4 in a browser: a buyer returns an item with a photo through the wizard (and sees the quote
first), the seller approves, the buyer sends it back, the carrier delivers it through the API,
the seller confirms, and the buyer sees the refund and the emails; and a parcel refused at the
door comes back to the seller without the buyer doing anything, and is refunded once the
seller confirms it is back. The wizard, the quote, the return page and the inbox pass axe."""

from __future__ import annotations

import io
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from playwright.sync_api import Page, expect

from recourse.bootstrap import make_worker
from recourse.container import Container
from recourse.db.queries.returns import return_view, returns_of_order
from recourse.domain.roles import Role
from recourse.domain.shipment import CarrierEvent
from tests.browser.conftest import ARTIFACTS, screenshot
from tests.browser.test_journeys import _sign_in
from tests.factories import carrier_event, make_order, make_store, make_user, pay, ship_all
from tests.web.api_helpers import operator_headers

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]}


def _no_violations(page: Page) -> None:
    page.evaluate(Axe().axe_script)
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    found = [
        f"{v['id']}: {v['help']} on {[n['target'] for n in v['nodes']]}"
        for v in result["violations"]
    ]
    assert not found, f"{page.url}\n" + "\n".join(found)


def _photo() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "cracked-lamp.png"
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 60, 40)).save(out, format="PNG")
    path.write_bytes(out.getvalue())
    return path


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def _carrier(page: Page, base: str, c: Container, shipment_id: int, event: str) -> None:
    answer = page.request.post(
        f"{base}/api/v1/shipments/{shipment_id}/events",
        headers=operator_headers(c),
        data={"type": event},
    )
    assert answer.ok, answer.text()


def _world(c: Container) -> tuple[int, int]:
    store = make_store(c, name="Maison Lune")
    buyer = make_user(c, role=Role.buyer, email="ann@example.com", name="Ann Buyer")
    make_user(c, role=Role.seller, email="sam@example.com", store_ids=[store])
    order = make_order(c, buyer_id=buyer, store_id=store)
    pay(c, order)
    return order, ship_all(c, order)


def test_a_buyer_returns_an_item_with_a_photo_and_is_refunded(
    container: Container, live_server: str, page: Page
) -> None:
    order, shipment = _world(container)
    carrier_event(container, shipment, CarrierEvent.delivered)

    _sign_in(page, live_server, "ann@example.com")
    page.goto(f"{live_server}/orders/{order}")
    page.locator("#options").get_by_role("link", name="Return items", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"order #{order}")
    _no_violations(page)
    page.get_by_label("Desk lamp").fill("1")
    page.get_by_label("Why are you returning it?").select_option("damaged")
    page.get_by_label("Describe the problem").fill("The shade arrived cracked.")
    page.get_by_label("Photos or documents").set_input_files(str(_photo()))
    screenshot(page, "return-wizard")
    page.get_by_role("button", name="See what I get back").click()

    expect(page.get_by_role("heading", name="Check and confirm")).to_be_visible()
    expect(page.get_by_text("Total refund")).to_be_visible()
    expect(page.get_by_role("link", name="cracked-lamp.png")).to_be_visible()
    _no_violations(page)
    screenshot(page, "return-quote")
    page.get_by_role("button", name="Send the return to the seller").click()
    expect(page.get_by_role("heading", name="Waiting for the seller")).to_be_visible()
    expect(page.locator('[aria-current="step"]')).to_have_count(1)
    _no_violations(page)
    screenshot(page, "return-page-requested")
    _sign_out(page)

    _sign_in(page, live_server, "sam@example.com")
    page.goto(f"{live_server}/seller/returns")
    _no_violations(page)
    screenshot(page, "seller-returns-inbox")
    page.goto(f"{live_server}/seller/orders/{order}")
    options = page.locator("#options")
    options.get_by_role("link", name="Answer the return request", exact=True).click()
    expect(page.get_by_role("img", name="Photo: cracked-lamp.png")).to_be_visible()
    _no_violations(page)
    screenshot(page, "seller-return-requested")
    page.get_by_label("Return address").fill("Maison Lune\n12 Rue des Lilas\n75011 Paris")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_text("Return approved.")).to_be_visible()
    _sign_out(page)

    _sign_in(page, live_server, "ann@example.com")
    page.goto(f"{live_server}/orders/{order}")
    page.locator("#returns").get_by_role("link").first.click()
    expect(page.get_by_text("12 Rue des Lilas")).to_be_visible()
    _no_violations(page)
    screenshot(page, "return-page-approved")
    page.get_by_label("Carrier").fill("DHL")
    page.get_by_label("Tracking number").fill("RET0000001")
    page.get_by_role("button", name="I sent it back").click()
    expect(page.get_by_role("heading", name="On its way back")).to_be_visible()

    with container.read_session() as session:
        view = returns_of_order(session, order)[0]
    assert view.return_shipment_id is not None
    _carrier(page, live_server, container, view.return_shipment_id, "delivered")
    _sign_out(page)

    _sign_in(page, live_server, "sam@example.com")
    page.goto(f"{live_server}/seller/orders/{order}/returns/{view.id}")
    page.get_by_label("Everything is as expected: refund the buyer").check()
    _no_violations(page)
    page.get_by_role("button", name="Confirm", exact=True).click()
    expect(page.get_by_text("Receipt confirmed.")).to_be_visible()
    _sign_out(page)

    _sign_in(page, live_server, "ann@example.com")
    page.goto(f"{live_server}/orders/{order}/returns/{view.id}")
    expect(page.get_by_role("heading", name="Your refund")).to_be_visible()
    screenshot(page, "return-page-refunded")
    with container.read_session() as session:
        done = return_view(session, view.id)
    assert done is not None and str(done.status) == "refunded"
    page.get_by_role("link", name="All your refunds").click()
    expect(page.get_by_role("link", name=f"#{order}")).to_be_visible()
    expect(page.get_by_text("Return: not as described")).to_be_visible()

    make_worker(container).run_once()
    page.goto(f"{live_server}/mail")
    expect(page.get_by_text(f"#{order}").first).to_be_visible()
    screenshot(page, "return-mailbox")
    assert page.get_by_text("return", exact=False).count() >= 2


def test_a_parcel_refused_at_the_door_comes_back_and_is_refunded(
    container: Container, live_server: str, page: Page
) -> None:
    order, shipment = _world(container)
    page.goto(f"{live_server}/login")
    _carrier(page, live_server, container, shipment, "refused")
    _carrier(page, live_server, container, shipment, "delivered_to_sender")

    _sign_in(page, live_server, "sam@example.com")
    page.goto(f"{live_server}/seller/returns")
    expect(page.get_by_text("Parcel refused or sent back").first).to_be_visible()
    page.get_by_role("link", name="Return #").first.click()
    _no_violations(page)
    screenshot(page, "seller-parcel-back")
    page.get_by_role("button", name="The parcel is back").click()
    expect(page.get_by_text("The buyer is refunded.")).to_be_visible()
    _sign_out(page)

    _sign_in(page, live_server, "ann@example.com")
    page.goto(f"{live_server}/orders/{order}")
    page.locator("#returns").get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Your refund")).to_be_visible()
    _no_violations(page)
    screenshot(page, "buyer-parcel-refunded")
