"""C10 in a browser (issue 13's second done-when): the buyer asks to cancel; the seller rejects
the request claiming the parcel already left, with a tracking number the carrier never scans;
the buyer escalates from the cancellation card through the dispute form; three days later
support sees "no carrier scan" on the case and forces the cancellation with a rationale; the
refund goes out and the buyer follows it on the Refunds page. The case page and the buyer's
pages pass axe."""

from __future__ import annotations

from datetime import timedelta

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from recourse.bootstrap import make_worker
from recourse.container import Container
from recourse.db.queries.disputes import disputes_of_order
from recourse.domain.roles import Role
from recourse.integrations.clock import FixedClock
from tests.browser.conftest import screenshot
from tests.browser.test_journeys import _sign_in
from tests.factories import make_order, make_store, make_user, pay

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]}
TRACKING = "JJD000390007"
RATIONALE = "The carrier never scanned the tracking number the seller gave: the parcel never left."


def _no_violations(page: Page) -> None:
    page.evaluate(Axe().axe_script)
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    found = [
        f"{v['id']}: {v['help']} on {[n['target'] for n in v['nodes']]}"
        for v in result["violations"]
    ]
    assert not found, f"{page.url}\n" + "\n".join(found)


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def test_support_forces_a_cancellation_the_seller_refused_with_a_parcel_never_scanned(
    container: Container, live_server: str, page: Page, clock: FixedClock
) -> None:
    store = make_store(container, name="Maison Lune", buyer_cancel="approval")
    buyer = make_user(container, role=Role.buyer, email="ann@example.com", name="Ann Buyer")
    make_user(container, role=Role.seller, email="sam@example.com", store_ids=[store])
    make_user(container, role=Role.support, email="sue@example.com", name="Sue Support")
    order = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order)
    clock.advance(timedelta(hours=2))

    # The buyer asks to cancel.
    _sign_in(page, live_server, "ann@example.com")
    page.goto(f"{live_server}/orders/{order}")
    page.get_by_role("link", name="Cancel order").click()
    page.get_by_label("I changed my mind").check()
    page.get_by_role("button", name="Review the refund").click()
    page.get_by_role("button", name="Send the request to the seller").click()
    expect(page.get_by_text("answers by").first).to_be_visible()
    _sign_out(page)

    # The seller rejects it: "the parcel has already left", with a tracking number.
    _sign_in(page, live_server, "sam@example.com")
    page.goto(f"{live_server}/seller/requests")
    page.get_by_role("link", name=f"Answer the request on order #{order}").click()
    reject = page.locator('form[action$="/reject"]')
    reject.get_by_label("Reason").select_option(label="The parcel has already left")
    reject.get_by_label("Carrier").fill("DHL")
    reject.get_by_label("Tracking number").fill(TRACKING)
    reject.get_by_role("button", name="Reject the request").click()
    screenshot(page, "forced-seller-rejected")
    _sign_out(page)

    # The buyer escalates from the cancellation card, through the dispute form.
    _sign_in(page, live_server, "ann@example.com")
    page.goto(f"{live_server}/orders/{order}")
    expect(page.get_by_text(TRACKING).first).to_be_visible()
    page.get_by_role("link", name="Escalate to support").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"order #{order}")
    _no_violations(page)
    page.get_by_label("A full refund").check()
    page.get_by_label("What happened?").fill(
        f"The seller says it shipped, but tracking {TRACKING} shows nothing at all."
    )
    screenshot(page, "forced-buyer-dispute-form")
    page.get_by_role("button", name="Open the dispute").click()
    expect(page.get_by_role("heading", name="Waiting for the seller")).to_be_visible()
    page.get_by_role("button", name="Ask support to decide").click()
    expect(page.get_by_role("heading", name="With support")).to_be_visible()
    _no_violations(page)
    _sign_out(page)
    with container.read_session() as session:
        dispute_id = disputes_of_order(session, order)[0].dispute.id

    # Three days on, the carrier has still not scanned it: support sees the flag and forces.
    clock.advance(timedelta(hours=72))
    _sign_in(page, live_server, "sue@example.com")
    page.goto(f"{live_server}/support/disputes")
    page.get_by_role("link", name=f"Dispute #{dispute_id}", exact=True).click()
    expect(page.get_by_text("No carrier scan since").first).to_be_visible()
    page.get_by_role("button", name="Assign to me").click()
    _no_violations(page)
    screenshot(page, "forced-support-case-flagged")
    force = page.locator("#force")
    force.get_by_label("Rationale (both sides read it)").fill(RATIONALE)
    force.get_by_role("button", name="Force the cancellation and refund").click()
    expect(page.get_by_text("The cancellation was forced")).to_be_visible()
    expect(page.get_by_text(RATIONALE).first).to_be_visible()
    screenshot(page, "forced-support-decided")
    _sign_out(page)

    # The refund goes out (the worker sends it to the gateway); the buyer follows it.
    make_worker(container).run_once()
    _sign_in(page, live_server, "ann@example.com")
    page.goto(f"{live_server}/refunds")
    row = page.locator("tbody tr").first
    expect(row).to_contain_text(f"#{order}")
    expect(row).to_contain_text("On its way")
    _no_violations(page)
    screenshot(page, "forced-buyer-refunds")
    page.goto(f"{live_server}/orders/{order}/disputes/{dispute_id}")
    expect(page.get_by_role("heading", name="Support's decision")).to_be_visible()
    expect(page.get_by_text(RATIONALE)).to_be_visible()
    screenshot(page, "forced-buyer-decision")
