"""§5 in a browser (issue 13's first done-when): a buyer opens a `not_as_described` dispute with
a photo from the order's guide; the seller counter-offers a partial refund; the buyer does not
accept it and asks support to decide; a support agent asks the buyer for information, the buyer
answers on the dispute's page, and the agent decides a partial refund with a rationale on the
support console; the buyer sees the refund and both sides see the rationale. The form, the
dispute's pages and the sellers' list pass axe."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from playwright.sync_api import Page, expect

from recourse.container import Container
from recourse.db.queries.disputes import disputes_of_order
from recourse.domain.roles import Role
from recourse.domain.shipment import CarrierEvent
from tests.browser.conftest import ARTIFACTS, screenshot
from tests.browser.test_journeys import _sign_in
from tests.factories import carrier_event, make_order, make_store, make_user, pay, ship_all

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]}
RATIONALE = "The photos show a cracked shade on one lamp: half of that lamp is refunded."


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
    path = ARTIFACTS / "cracked-shade.png"
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 60, 40)).save(out, format="PNG")
    path.write_bytes(out.getvalue())
    return path


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def _world(c: Container) -> int:
    store = make_store(c, name="Maison Lune")
    buyer = make_user(c, role=Role.buyer, email="ann@example.com", name="Ann Buyer")
    make_user(c, role=Role.seller, email="sam@example.com", store_ids=[store])
    make_user(c, role=Role.support, email="sue@example.com", name="Sue Support")
    order = make_order(c, buyer_id=buyer, store_id=store)
    pay(c, order)
    carrier_event(c, ship_all(c, order), CarrierEvent.delivered)
    return order


def test_a_disputed_lamp_is_partly_refunded_by_support_with_a_rationale(
    container: Container, live_server: str, page: Page
) -> None:
    order = _world(container)

    _sign_in(page, live_server, "ann@example.com")
    page.goto(f"{live_server}/orders/{order}")
    options = page.locator("#options")
    options.get_by_role("link", name="Open a dispute: Not as described", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"order #{order}")
    _no_violations(page)
    page.get_by_label("Not as described").check()
    page.get_by_label("A full refund").check()
    page.get_by_label("What happened?").fill("One lamp arrived with a cracked shade.")
    page.get_by_label("Photos or documents").set_input_files(str(_photo()))
    screenshot(page, "dispute-open")
    page.get_by_role("button", name="Open the dispute").click()
    expect(page.get_by_role("heading", name="Waiting for the seller")).to_be_visible()
    expect(page.get_by_role("img", name="Photo: cracked-shade.png")).to_be_visible()
    expect(page.locator('[aria-current="step"]')).to_have_count(1)
    _no_violations(page)
    screenshot(page, "dispute-buyer-opened")
    _sign_out(page)

    _sign_in(page, live_server, "sam@example.com")
    page.goto(f"{live_server}/seller/disputes")
    _no_violations(page)
    screenshot(page, "seller-disputes")
    page.get_by_role("link", name="Dispute #").first.click()
    expect(page.get_by_role("heading", name="Waiting for your answer")).to_be_visible()
    _no_violations(page)
    page.get_by_label("A partial refund, the buyer keeps the items").check()
    page.get_by_label("Amount of the partial refund (EUR)").fill("10.00")
    page.get_by_label("Note to the buyer").fill("A scratch, not a crack: I offer 10 euros back.")
    page.get_by_role("button", name="Send the counter-proposal").click()
    expect(page.get_by_text("Your counter-proposal was sent.")).to_be_visible()
    screenshot(page, "dispute-seller-countered")
    _sign_out(page)

    _sign_in(page, live_server, "ann@example.com")
    page.goto(f"{live_server}/orders/{order}")
    page.locator("#disputes").get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="The seller's proposal")).to_be_visible()
    expect(page.locator("#accept")).to_contain_text("I offer 10 euros back")
    _no_violations(page)
    screenshot(page, "dispute-buyer-negotiating")
    page.get_by_role("button", name="Ask support to decide").click()
    expect(page.get_by_role("heading", name="With support")).to_be_visible()

    with container.read_session() as session:
        dispute_id = disputes_of_order(session, order)[0].dispute.id
    question = "Please send a photo of the whole lamp with the crack visible."
    _sign_out(page)

    _sign_in(page, live_server, "sue@example.com")
    page.goto(f"{live_server}/support/disputes")
    page.get_by_role("link", name=f"Dispute #{dispute_id}", exact=True).click()
    page.get_by_role("button", name="Assign to me").click()
    ask = page.locator("#request-info")
    ask.get_by_label("The buyer").check()
    ask.get_by_label("Question").fill(question)
    due = container.clock.now() + timedelta(days=2)
    ask.get_by_label("Answer by").fill(due.strftime("%Y-%m-%dT%H:%M"))
    ask.get_by_role("button", name="Send the question").click()
    expect(page.locator("#info")).to_contain_text(question)
    screenshot(page, "dispute-support-asked")
    _sign_out(page)

    _sign_in(page, live_server, "ann@example.com")
    page.goto(f"{live_server}/orders/{order}/disputes/{dispute_id}")
    expect(page.get_by_text(question)).to_be_visible()
    _no_violations(page)
    page.get_by_label("Your answer").fill("Here is the whole lamp; the crack runs down the side.")
    page.locator("#info").get_by_label("Photos or documents").set_input_files(str(_photo()))
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_text("Support has your answer.")).to_be_visible()
    expect(page.get_by_text("the crack runs down the side")).to_be_visible()
    screenshot(page, "dispute-buyer-answered")
    _sign_out(page)

    _sign_in(page, live_server, "sue@example.com")
    page.goto(f"{live_server}/support/disputes/{dispute_id}")
    expect(page.locator("#info")).to_contain_text("the crack runs down the side")
    decide = page.locator("#decide")
    decide.get_by_label("Partial refund", exact=True).check()
    decide.get_by_label("Amount of the partial refund (EUR)").fill("15.00")
    decide.get_by_label("Rationale (both sides read it)").fill(RATIONALE)
    decide.get_by_role("button", name="Decide and carry out").click()
    expect(page.get_by_text(RATIONALE).first).to_be_visible()
    screenshot(page, "dispute-support-decided")
    _sign_out(page)

    _sign_in(page, live_server, "ann@example.com")
    page.goto(f"{live_server}/orders/{order}/disputes/{dispute_id}")
    expect(page.get_by_role("heading", name="Support's decision")).to_be_visible()
    expect(page.get_by_text(RATIONALE)).to_be_visible()
    refund = page.locator("#refund")
    expect(refund.get_by_role("heading", name="Your refund")).to_be_visible()
    expect(refund).to_contain_text("15.00")
    _no_violations(page)
    screenshot(page, "dispute-buyer-decided")
    _sign_out(page)

    _sign_in(page, live_server, "sam@example.com")
    page.goto(f"{live_server}/seller/orders/{order}/disputes/{dispute_id}")
    expect(page.get_by_role("heading", name="Support's decision")).to_be_visible()
    expect(page.get_by_text(RATIONALE)).to_be_visible()
    _no_violations(page)
    screenshot(page, "dispute-seller-decided")
