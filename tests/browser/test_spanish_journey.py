"""M2 "in their language": a buyer whose language is Spanish cancels an order and reads every
page, the amounts, the dates and the email in Spanish; a visitor switches the language."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from recourse.bootstrap import make_worker
from recourse.container import Container
from recourse.domain.roles import Role
from recourse.integrations.clock import FixedClock
from tests.browser.conftest import screenshot
from tests.factories import PASSWORD, make_order, make_store, make_user, pay


def _inicia_sesion(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()


def test_a_spanish_buyer_cancels_and_reads_pages_amounts_and_email_in_spanish(
    container: Container, live_server: str, page: Page, clock: FixedClock
) -> None:
    store = make_store(container, name="Volt & Vector", buyer_cancel="instant")
    buyer = make_user(
        container,
        role=Role.buyer,
        email="lucia@example.com",
        locale="es",
        timezone="Europe/Madrid",
    )
    order_id = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order_id)
    clock.advance(timedelta(hours=1))
    page.set_extra_http_headers({"Accept-Language": "es"})

    _inicia_sesion(page, live_server, "lucia@example.com")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("link", name="Pedidos").first).to_be_visible()
    page.goto(f"{live_server}/orders/{order_id}")
    expect(page.get_by_text("Pendiente de envío").first).to_be_visible()
    screenshot(page, "es-buyer-order")
    page.get_by_role("link", name="Cancelar pedido").click()
    page.get_by_label("Cambié de opinión").check()
    page.get_by_role("button", name="Revisar el reembolso").click()
    expect(page.get_by_text("59,74\xa0€").first).to_be_visible()
    screenshot(page, "es-buyer-quote")
    page.get_by_role("button", name="Cancelar y reembolsar 59,74\xa0€").click()
    expect(page.get_by_text("Cancelado").first).to_be_visible()
    screenshot(page, "es-buyer-done")

    make_worker(container).run_once()
    page.goto(f"{live_server}/mail")
    page.get_by_role("link", name=f"El pedido #{order_id} está cancelado").click()
    body = page.locator("body")
    expect(body).to_contain_text("59,74\xa0€")
    expect(body).not_to_contain_text("€59.74")
    screenshot(page, "es-buyer-email")


def test_a_visitor_switches_the_login_page_to_spanish_and_back(
    container: Container, live_server: str, page: Page
) -> None:
    page.goto(f"{live_server}/login")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.get_by_role("button", name="Español").click()
    expect(page.get_by_role("button", name="Iniciar sesión")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
