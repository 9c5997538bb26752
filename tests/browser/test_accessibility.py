"""Accessibility stays at zero: axe-core (WCAG 2.0/2.1 A and AA) on every page of the three
audiences, in the demo marketplace, and a buyer cancels an order with the keyboard alone.

The pages are read from the app's routes: every GET route of the page routers, its path
parameters filled from the seeded world for each audience. A page added later is scanned without
editing this file; a route with a parameter nobody fills fails the scan until it is given one
in `_fills`. A page must be rendered for at least one audience.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import product
from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from playwright.sync_api import Browser, BrowserContext, Page, expect
from rich.console import Console
from sqlalchemy import select

from recourse.bootstrap import make_worker
from recourse.container import Container
from recourse.db import models as m
from recourse.db.queries.due import effective_status_expr
from recourse.demo_data import seed
from recourse.domain.roles import Actor, Role
from recourse.integrations.clock import FixedClock
from recourse.integrations.gateways.sandbox import SandboxGateway, SandboxSettings
from recourse.services import refunds, webhooks
from recourse.web.app import create_app
from tests.factories import PASSWORD, make_order, make_store, make_user, pay
from tests.live_server import serve

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]}
PAGE_MODULES = "recourse.web.pages"
# Nothing listens on the discard port: a webhook delivery there fails at once.
CLOSED_ENDPOINT = "http://127.0.0.1:9/hooks"
OPERATOR = Actor(Role.operator)
PARAM = re.compile(r"{(\w+)(?::\w+)?}")
AXE = Axe()
SIGN_OUT = re.compile("Sign out|Cerrar sesión")


@dataclass
class Audience:
    name: str
    login: tuple[str, str] | None
    orders: list[int] = field(default_factory=list)
    mail: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    returns: list[int] = field(default_factory=list)
    disputes: list[int] = field(default_factory=list)


@dataclass
class World:
    audiences: dict[str, Audience]
    endpoint: int
    spanish: Audience
    help_slugs: list[str] = field(default_factory=list)


def page_routes(app: FastAPI) -> list[str]:
    """Path templates of the GET routes the page routers serve (HTML, never /api or /static)."""
    paths = []
    for route in iter_route_contexts(app.routes):
        endpoint = route.endpoint
        module = getattr(endpoint, "__module__", "") or ""
        path = str(route.path)
        if "GET" not in (route.methods or ()) or not module.startswith(PAGE_MODULES):
            continue
        # /files/{id} serves an evidence file (an image or a PDF download), not a page
        if path.startswith(("/api", "/static", "/files/")):
            continue
        paths.append(path)
    return sorted(set(paths))


def _fills(world: World, who: Audience) -> dict[str, list[Any]]:
    """Values for every path parameter a page route may have. A new parameter goes here."""
    return {
        "order_id": who.orders,
        "key": who.mail[:1],
        "endpoint_id": [world.endpoint],
        "return_id": who.returns,
        "dispute_id": who.disputes,
        # articles share a template: a few for the visitor, one for the signed in
        "slug": world.help_slugs[:3] if who.login is None else world.help_slugs[:1],
    }


def urls_of(template: str, fills: dict[str, list[Any]]) -> list[str]:
    names = PARAM.findall(template)
    missing = [n for n in names if n not in fills]
    assert not missing, (
        f"The page route {template} has the path parameter(s) {missing} that the accessibility "
        "scan cannot fill: add them to `_fills` in tests/browser/test_accessibility.py, with "
        "values from the seeded world, so this page is scanned."
    )
    urls = []
    for combo in product(*(fills[n] for n in names)):
        values = dict(zip(names, combo, strict=True))
        urls.append(PARAM.sub(lambda found, v=values: str(v[found.group(1)]), template))
    return urls


def _orders_by_status(c: Container, where: Any) -> list[int]:
    """One order in each status (the oldest), and one with a pending request."""
    now = c.clock.now()
    status = effective_status_expr(now)
    with c.read_session() as s:
        rows = s.execute(select(m.OrderRow.id, status).where(where).order_by(m.OrderRow.id)).all()
        pending = s.scalars(
            select(m.CancellationRow.order_id).where(m.CancellationRow.status == "pending_seller")
        ).all()
    first: dict[str, int] = {}
    for order_id, st in rows:
        first.setdefault(str(st), order_id)
    mine = {order_id for order_id, _ in rows}
    return sorted(set(first.values()) | set(sorted(set(pending) & mine)[:1]))


def _returns_by_status(c: Container, where: Any) -> list[tuple[int, int]]:
    """(order, return) for one return of each kind and status (the oldest)."""
    with c.read_session() as s:
        rows = s.execute(
            select(m.ReturnRow.order_id, m.ReturnRow.id, m.ReturnRow.kind, m.ReturnRow.status)
            .join(m.OrderRow, m.OrderRow.id == m.ReturnRow.order_id)
            .where(where)
            .order_by(m.ReturnRow.id)
        ).all()
    first: dict[tuple[str, str], tuple[int, int]] = {}
    for order_id, return_id, kind, status in rows:
        first.setdefault((kind, status), (order_id, return_id))
    return sorted(first.values())


def _disputes_by_status(c: Container, where: Any) -> list[tuple[int, int]]:
    """(order, dispute) for one dispute in each status (the oldest)."""
    with c.read_session() as s:
        rows = s.execute(
            select(m.DisputeRow.order_id, m.DisputeRow.id, m.DisputeRow.status)
            .join(m.OrderRow, m.OrderRow.id == m.DisputeRow.order_id)
            .where(where)
            .order_by(m.DisputeRow.id)
        ).all()
    first: dict[str, tuple[int, int]] = {}
    for order_id, dispute_id, status in rows:
        first.setdefault(str(status), (order_id, dispute_id))
    return sorted(first.values())


def _user(c: Container, email: str) -> m.UserRow:
    with c.read_session() as s:
        user = s.scalars(select(m.UserRow).where(m.UserRow.email == email)).one()
        s.expunge(user)
    return user


def build_world(c: Container) -> World:
    info = seed(c, console=Console(quiet=True))
    logins = info["logins"]
    buyer = _user(c, logins["buyer"][0])
    spanish = _user(c, info["in_spanish"][0])
    seller = _user(c, logins["seller"][0])
    with c.read_session() as s:
        stores = s.scalars(
            select(m.StoreStaffRow.store_id).where(m.StoreStaffRow.user_id == seller.id)
        ).all()
    endpoint = webhooks.register_endpoint(
        c.uow(), c.ctx, actor=OPERATOR, url=CLOSED_ENDPOINT, events=["refund.*"]
    ).id
    # A refund the gateway declines and a webhook that gives up: support's queues are not empty.
    support = _user(c, logins["support"][0])
    buyer_orders = _orders_by_status(c, m.OrderRow.buyer_id == buyer.id)
    sandbox = c.gateways["sandbox"]
    assert isinstance(sandbox, SandboxGateway)
    sandbox.configure(SandboxSettings(decline_always=True))
    refunds.issue_manual_refund(
        c.uow(),
        c.ctx,
        actor=Actor(Role.support, user_id=support.id),
        order_id=next(o for o in buyer_orders if _paid(c, o)),
        amount=100,
        reason="goodwill",
        gateway="sandbox",
    )
    worker = make_worker(c)
    worker.deps.max_attempts_by_kind = {"webhook": 1, "refund.send": 1000}
    worker.run_once()
    sandbox.configure(SandboxSettings())

    assert c.mailbox is not None
    with c.read_session() as s:
        done = s.execute(
            select(m.CancellationRow.order_id, m.CancellationRow.id)
            .join(m.OrderRow, m.OrderRow.id == m.CancellationRow.order_id)
            .where(m.OrderRow.buyer_id == buyer.id)
        ).all()
    buyer_extra = [f"/orders/{o}/cancel/done?c={cid}" for o, cid in done]
    # §4 returns: one of each kind and status for each audience, at its own address
    buyer_returns = _returns_by_status(c, m.OrderRow.buyer_id == buyer.id)
    seller_returns = _returns_by_status(c, m.OrderRow.store_id.in_(stores))
    support_returns = _returns_by_status(c, m.OrderRow.id > 0)
    buyer_extra += [f"/orders/{o}/returns/{r}" for o, r in buyer_returns]
    buyer_extra += sorted({f"/orders/{o}/return" for o, _ in buyer_returns})
    # §5 disputes: one in each status for each party, at its own address, and the form
    buyer_disputes = _disputes_by_status(c, m.OrderRow.buyer_id == buyer.id)
    seller_disputes = _disputes_by_status(c, m.OrderRow.store_id.in_(stores))
    buyer_extra += [f"/orders/{o}/disputes/{d}" for o, d in buyer_disputes]
    buyer_extra += [f"/orders/{o}/dispute" for o in buyer_orders]
    audiences = {
        "visitor": Audience(
            "visitor",
            None,
            extra=["/login", "/no-such-page", "/help/search?q=refund", "/help/no-such-article"],
        ),
        "buyer": Audience(
            "buyer",
            logins["buyer"],
            orders=buyer_orders,
            mail=[str(x["key"]) for x in c.mailbox.list(to=buyer.email)],
            extra=[*buyer_extra, "/orders/999999"],
            returns=[r for _, r in buyer_returns],
            disputes=[d for _, d in buyer_disputes],
        ),
        "seller": Audience(
            "seller",
            logins["seller"],
            orders=_orders_by_status(c, m.OrderRow.store_id.in_(stores)),
            mail=[str(x["key"]) for x in c.mailbox.list(to=seller.email)],
            extra=[
                "/seller/orders/999999",
                *(f"/seller/orders/{o}/returns/{r}" for o, r in seller_returns),
                *(f"/seller/orders/{o}/disputes/{d}" for o, d in seller_disputes),
            ],
            returns=[r for _, r in seller_returns],
            disputes=[d for _, d in seller_disputes],
        ),
        "support": Audience(
            "support",
            logins["support"],
            orders=_orders_by_status(c, m.OrderRow.id > 0),
            mail=[str(x["key"]) for x in c.mailbox.list(to=support.email)],
            extra=[
                "/support/orders/999999",
                *(f"/support/orders/{o}/returns/{r}" for o, r in support_returns),
            ],
            returns=[r for _, r in support_returns],
            # D5 the console's case page, for a dispute in each status
            disputes=[d for _, d in _disputes_by_status(c, m.OrderRow.id > 0)],
        ),
    }
    spanish_orders = _orders_by_status(c, m.OrderRow.buyer_id == spanish.id)
    lucia = Audience(
        "spanish buyer",
        info["in_spanish"],
        orders=spanish_orders,
        extra=[
            "/orders",
            *(f"/orders/{o}" for o in spanish_orders[:2]),
            *(f"/orders/{o}/cancel" for o in spanish_orders[:2]),
            "/refunds",
            "/notifications",
            "/mail",
            "/orders/999999",
            "/help",
            "/help/search?q=reembolso+tarjeta",
        ],
    )
    return World(audiences=audiences, endpoint=endpoint, spanish=lucia)


def _paid(c: Container, order_id: int) -> bool:
    with c.read_session() as s:
        status = s.scalar(
            select(effective_status_expr(c.clock.now())).where(m.OrderRow.id == order_id)
        )
    return str(status) in ("awaiting_shipment", "shipped", "delivered")


@dataclass
class Scan:
    """Pages scanned so far, and what axe found on them."""

    seen: set[tuple[str, str]] = field(default_factory=set)
    # the status each route's addresses answered with before any redirect
    answers: dict[str, set[int]] = field(default_factory=dict)
    routes: set[str] = field(default_factory=set)
    found: list[str] = field(default_factory=list)
    count: int = 0

    def page(self, page: Page, label: str) -> None:
        result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
        self.count += 1
        for v in result["violations"]:
            targets = "; ".join(" ".join(map(str, n["target"])) for n in v["nodes"])
            self.found.append(
                f"{label} {page.url}\n  {v['id']} ({v['impact']}): {v['help']}\n"
                f"  on: {targets}\n  see: {v['helpUrl']}"
            )


def _signed_in(browser: Browser, base: str, who: Audience) -> BrowserContext:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    # axe-core as bundled by axe-playwright-python, in every page before its own scripts
    context.add_init_script(AXE.axe_script)
    if who.login:
        page = context.new_page()
        page.goto(f"{base}/login")
        page.get_by_label("Email").fill(who.login[0])
        page.get_by_label("Password").fill(who.login[1])
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("button", name=SIGN_OUT)).to_be_visible()
        page.close()
    return context


def _visit(page: Page, base: str, path: str, scan: Scan, who: Audience, *, any_status: bool) -> int:
    """Scans the page at `path` if it is this audience's (200, or any status for error pages);
    returns the status it answered with. Links to the same page with a query (tabs, pages)
    are followed."""
    url = f"{base}{path}"
    if (who.name, _page_key(url)) in scan.seen:
        return 200
    probe = page.request.get(url, max_redirects=0)
    html = "text/html" in probe.headers.get("content-type", "")
    if not html or (probe.status != 200 and not any_status):
        return probe.status
    scan.seen.add((who.name, _page_key(url)))
    page.goto(url)
    scan.page(page, who.name)
    for href in page.eval_on_selector_all("a[href*='?']", "els => els.map(e => e.href)"):
        split = urlsplit(href)
        if href.startswith(base) and split.path == urlsplit(url).path:
            _visit(page, base, f"{split.path}?{split.query}", scan, who, any_status=False)
    return probe.status


def _page_key(url: str) -> str:
    """Another page of the same list reads the same: one per list is scanned."""
    return re.sub(r"cursor=[^&]*", "cursor=*", url)


def _submit(page: Page, action: str, fields: dict[str, str]) -> None:
    """Posts the page's form for `action` with these values (the scan reads what comes back)."""
    with page.expect_navigation():
        page.evaluate(
            """([action, fields]) => {
                const form = document.querySelector(`form[action="${action}"]`);
                for (const el of form.elements) {
                    if (el.name in fields) {
                        if (el.type === "radio" || el.type === "checkbox") {
                            el.checked = el.value === fields[el.name];
                        } else { el.value = fields[el.name]; }
                    } else if (el.type === "number" && el.name.includes("qty")) {
                        el.value = el.max || "1";
                    }
                }
                form.submit();
            }""",
            [action, fields],
        )


def _forms(page: Page, base: str, scan: Scan, who: Audience) -> None:
    """The pages a form answers with (quotes, and the form sent back with an error), on the
    first two orders whose page has the form; and a refused sign-in."""
    forms = {
        "buyer": ("/orders/{o}/cancel", "/orders/{o}/cancel/quote", "reason", ["changed_mind", ""]),
        "seller": (
            "/seller/orders/{o}",
            "/seller/orders/{o}/cancel/quote",
            "reason",
            ["out_of_stock"],
        ),
        "support": (
            "/support/orders/{o}",
            "/support/orders/{o}/refunds/quote",
            "amount",
            ["1.00", "x"],
        ),
    }
    if who.login is None:
        page.goto(f"{base}/login")
        _submit(page, "/login", {"email": "nobody@example.com", "password": "not this one"})
        scan.page(page, "visitor after a refused sign-in")
    if who.name not in forms:
        return
    where, action, name, values = forms[who.name]
    posted = 0
    for order in who.orders:
        target = action.format(o=order)
        for value in values:
            page.goto(base + where.format(o=order))
            if posted == 2 or not page.locator(f'form[action="{target}"]').count():
                break
            fields = {"reason": "goodwill", name: value}
            _submit(page, target, fields)
            scan.page(page, f"{who.name} after posting {fields} to {target}")
        else:
            posted += 1


@pytest.fixture
def world(container: Container) -> World:
    return build_world(container)


def test_every_page_of_every_audience_has_no_wcag_violations(
    container: Container, world: World, browser: Browser
) -> None:
    app = create_app(container)
    templates = page_routes(app)
    scan = Scan()
    with serve(app) as base:
        world.help_slugs = _help_slugs(browser, base)
        for who in [*world.audiences.values(), world.spanish]:
            context = _signed_in(browser, base, who)
            page = context.new_page()
            for path in who.extra:
                _visit(page, base, path, scan, who, any_status=True)
            if who is not world.spanish:
                for template in templates:
                    for path in urls_of(template, _fills(world, who)):
                        status = _visit(page, base, path, scan, who, any_status=False)
                        scan.answers.setdefault(template, set()).add(status)
                _forms(page, base, scan, who)
            context.close()
    for _, url in scan.seen:
        split = urlsplit(url)
        for template in templates:
            if re.fullmatch(PARAM.sub(r"[^/]+", template), split.path):
                scan.routes.add(template)
    # a route that only ever sends the reader elsewhere (like /) renders no page of its own
    redirects = {t for t, seen in scan.answers.items() if seen <= {301, 302, 303, 307}}
    unscanned = sorted(set(templates) - scan.routes - redirects)
    assert not unscanned, f"pages no audience could open in the seeded world: {unscanned}"
    assert not scan.found, (
        f"{len(scan.found)} WCAG 2.1 A/AA violation(s) on {scan.count} pages:\n"
        + "\n".join(scan.found)
    )
    assert scan.count >= 40, scan.count
    print(f"axe: 0 violations on {scan.count} pages of {len(templates)} page routes")


def test_the_scan_sees_a_violation_when_there_is_one(browser: Browser) -> None:
    """The scanner itself: a page with an unlabelled field and an image without a text."""
    context = browser.new_context()
    context.add_init_script(AXE.axe_script)
    page = context.new_page()
    page.set_content('<html lang="en"><title>t</title><main><img src="x.png"><input></main>')
    scan = Scan()
    scan.page(page, "broken")
    context.close()
    assert {line.split("\n")[1].split()[0] for line in scan.found} == {"image-alt", "label"}


def _help_slugs(browser: Browser, base: str) -> list[str]:
    """The help articles, as the help centre's index links them."""
    context = browser.new_context()
    index = context.request.get(f"{base}/help")
    slugs = set(re.findall(r'href="/help/([a-z0-9-]+)"', index.text())) - {"search"}
    context.close()
    return sorted(slugs)


FOCUSED = """() => { const el = document.activeElement;
    const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
    return [el.innerText, el.value, label, el.getAttribute("aria-label")]
        .filter(Boolean).join(" | "); }"""


def _tab_to(page: Page, name: str, limit: int = 80) -> None:
    """Presses Tab until the focused element's text, value or label is `name` (it may have
    the focus already, as a field with autofocus does)."""
    seen = []
    for _ in range(limit):
        focused = page.evaluate(FOCUSED)
        if name in focused.split(" | "):
            return
        seen.append(focused)
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {name!r}, only {seen}")


def test_a_buyer_cancels_an_order_with_the_keyboard_alone(
    container: Container, live_server: str, page: Page, clock: FixedClock
) -> None:
    store = make_store(container, name="Volt & Vector", buyer_cancel="instant")
    buyer = make_user(container, role=Role.buyer, email="kim@example.com")
    order_id = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order_id)
    clock.advance(timedelta(hours=1))

    page.goto(f"{live_server}/login")
    _tab_to(page, "Email")
    page.keyboard.type("kim@example.com")
    _tab_to(page, "Password")
    page.keyboard.type(PASSWORD)
    _tab_to(page, "Sign in")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/orders"))

    page.goto(f"{live_server}/orders/{order_id}")
    _tab_to(page, "Cancel order")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _tab_to(page, "I changed my mind")
    page.keyboard.press("Space")
    expect(page.get_by_label("I changed my mind")).to_be_checked()
    _tab_to(page, "Review the refund")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _tab_to(page, "Cancel and refund €59.74")
    with page.expect_navigation():
        page.keyboard.press("Space")
    expect(page.get_by_text("cancelled").first).to_be_visible()
    assert f"/orders/{order_id}/cancel/done" in page.url
