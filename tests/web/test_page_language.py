"""Pages in the reader's language (M2): a visitor's Accept-Language or `lang` cookie, a
signed-in person's own setting, and the language switch every page offers."""

from __future__ import annotations

from fastapi.testclient import TestClient

from recourse.bootstrap import Container
from recourse.domain.reasons import DEFAULT_REASONS
from recourse.i18n import Words
from recourse.texts.web import REASON_LABELS, reason_label
from recourse.web.language import LANG_COOKIE
from tests.factories import make_order, make_store
from tests.web.test_pages import csrf_from, signed_in

SPANISH = {"accept-language": "es"}


def test_a_visitor_asking_for_spanish_reads_the_error_page_in_spanish(
    client: TestClient,
) -> None:
    page = client.get("/no-such-page", headers=SPANISH)

    assert page.status_code == 404
    assert "No encontrado" in page.text


def test_a_visitor_without_a_language_reads_english(client: TestClient) -> None:
    page = client.get("/no-such-page")

    assert page.status_code == 404
    assert "Not found" in page.text


def test_a_buyer_who_reads_spanish_sees_their_order_list_in_spanish(
    client: TestClient, container: Container
) -> None:
    store = make_store(container)
    me = signed_in(client, container, locale="es")
    make_order(container, buyer_id=me, store_id=store)

    page = client.get("/orders")

    assert page.status_code == 200
    assert '>Por pagar <span class="count">1</span>' in page.text
    assert '>Todos <span class="count">1</span>' in page.text


def test_the_language_switch_keeps_a_signed_in_persons_choice(
    client: TestClient, container: Container
) -> None:
    store = make_store(container)
    me = signed_in(client, container, locale="en")
    make_order(container, buyer_id=me, store_id=store)
    token = csrf_from(client.get("/orders"))

    switched = client.post("/language", data={"lang": "es", "next": "/orders", "csrf_token": token})

    assert switched.status_code == 303
    assert switched.headers["location"] == "/orders"
    assert LANG_COOKIE not in switched.cookies
    with container.uow() as uow:
        user = uow.users.get(me)
    assert user is not None and user.locale == "es"
    assert '>Por pagar <span class="count">1</span>' in client.get("/orders").text


def test_the_language_switch_gives_a_visitor_a_cookie(client: TestClient) -> None:
    token = csrf_from(client.get("/login"))

    switched = client.post(
        "/language", data={"lang": "es", "next": "//evil.example/", "csrf_token": token}
    )

    assert switched.status_code == 303
    assert switched.headers["location"] == "/login"
    cookie = switched.headers["set-cookie"]
    assert cookie.startswith(f"{LANG_COOKIE}=es;")
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    assert "Max-Age=31536000" in cookie
    assert "No encontrado" in client.get("/no-such-page").text


def test_an_unknown_language_is_refused(client: TestClient, container: Container) -> None:
    token = csrf_from(client.get("/login"))

    refused = client.post("/language", data={"lang": "xx", "csrf_token": token})

    assert refused.status_code == 422
    assert "Choose one of the languages offered." in refused.text


def test_the_language_switch_needs_the_forms_token(client: TestClient) -> None:
    client.get("/login")

    refused = client.post("/language", data={"lang": "es", "csrf_token": "forged"})

    assert refused.status_code == 422
    assert LANG_COOKIE not in refused.cookies


def test_the_built_in_reason_labels_are_the_seeded_ones() -> None:
    assert {r.code: r.label for r in DEFAULT_REASONS} == REASON_LABELS


def test_a_reason_label_is_translated_only_while_it_is_the_seeded_one() -> None:
    spanish, english = Words("es"), Words("en")

    assert reason_label("changed_mind", "I changed my mind", english) == "I changed my mind"
    assert reason_label("changed_mind", "I changed my mind", spanish) == "Cambié de opinión"
    assert reason_label("changed_mind", "Changed my mind, sorry", spanish) == (
        "Changed my mind, sorry"
    )
    assert reason_label("late_gift", "Gift arrives too late", spanish) == "Gift arrives too late"
