"""Pages: signing in and out, the front door, CSRF. Helpers for the other page tests live here."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from recourse.bootstrap import Container, build
from recourse.config import Settings
from recourse.domain.roles import Role
from recourse.integrations.clock import FixedClock
from recourse.web.app import create_app
from tests.factories import PASSWORD, make_order, make_store, make_user, pay

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(page: Response) -> str:
    found = CSRF.search(page.text)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def login(client: TestClient, email: str, password: str = PASSWORD) -> Response:
    """Sign in afresh: whoever was signed in on this client before is forgotten."""
    client.cookies.clear()
    token = csrf_from(client.get("/login"))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def signed_in(client: TestClient, container: Container, **user: Any) -> int:
    """Create a user, sign the client in as them, and return their id."""
    email = str(user.pop("email", None) or f"user{id(user)}@example.com")
    user_id = make_user(container, email=email, **user)
    response = login(client, email)
    assert response.status_code == 303
    return user_id


def test_anonymous_visitor_is_sent_to_login_with_the_page_to_return_to(client: TestClient) -> None:
    response = client.get("/orders?tab=to_ship")

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/orders%3Ftab%3Dto_ship"


def test_front_door_sends_anonymous_visitors_to_login(client: TestClient) -> None:
    response = client.get("/")

    assert response.status_code == 303
    assert response.headers["location"] == "/login"


def test_login_page_has_labelled_fields(client: TestClient) -> None:
    page = client.get("/login")

    assert page.status_code == 200
    assert '<label for="email">Email</label>' in page.text
    assert '<label for="password">Password</label>' in page.text


def test_buyer_signs_in_and_lands_on_my_orders(client: TestClient, container: Container) -> None:
    make_user(container, email="ana@example.com", name="Ana Buyer")

    response = login(client, "ana@example.com")
    orders = client.get("/orders")

    assert response.status_code == 303
    assert response.headers["location"] == "/orders"
    assert orders.status_code == 200
    assert "Ana Buyer" in orders.text


def test_front_door_sends_each_role_to_its_orders(client: TestClient, container: Container) -> None:
    store = make_store(container)
    make_user(container, role=Role.seller, email="sel@example.com", store_ids=[store])
    make_user(container, role=Role.support, email="sup@example.com")

    login(client, "sel@example.com")
    seller_home = client.get("/").headers["location"]
    login(client, "sup@example.com")
    support_home = client.get("/").headers["location"]

    assert (seller_home, support_home) == ("/seller/orders", "/support/orders")


def test_login_returns_to_the_page_asked_for(client: TestClient, container: Container) -> None:
    make_user(container, email="ana@example.com")
    token = csrf_from(client.get("/login?next=/orders%3Ftab%3Dshipped"))

    response = client.post(
        "/login",
        data={
            "email": "ana@example.com",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "/orders?tab=shipped",
        },
    )

    assert response.headers["location"] == "/orders?tab=shipped"


def test_login_never_redirects_to_another_site(client: TestClient, container: Container) -> None:
    make_user(container, email="ana@example.com")
    token = csrf_from(client.get("/login"))

    response = client.post(
        "/login",
        data={
            "email": "ana@example.com",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/orders",
        },
    )

    assert response.headers["location"] == "/orders"


def test_wrong_password_keeps_the_email_and_says_why(
    client: TestClient, container: Container
) -> None:
    make_user(container, email="ana@example.com")

    response = login(client, "ana@example.com", "not the password")

    assert response.status_code == 401
    assert "That email and password do not match an account." in response.text
    assert 'value="ana@example.com"' in response.text
    assert client.get("/orders").status_code == 303


def test_too_many_failed_logins_answer_429_even_with_the_right_password(
    client: TestClient, container: Container
) -> None:
    make_user(container, email="ana@example.com")
    failures = [
        login(client, "ana@example.com", "wrong").status_code
        for _ in range(container.settings.login_max_failures)
    ]

    response = login(client, "ana@example.com")

    assert set(failures) == {401}
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.text
    assert int(response.headers["retry-after"]) > 0
    assert client.get("/orders").status_code == 303


def test_login_without_csrf_token_is_refused(client: TestClient, container: Container) -> None:
    make_user(container, email="ana@example.com")
    client.get("/login")

    response = client.post("/login", data={"email": "ana@example.com", "password": PASSWORD})

    assert response.status_code == 422
    assert "The form expired" in response.text
    assert client.get("/orders").status_code == 303


def test_logout_signs_out(client: TestClient, container: Container) -> None:
    signed_in(client, container, email="ana@example.com")
    token = csrf_from(client.get("/orders"))

    response = client.post("/logout", data={"csrf_token": token})

    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert "You are signed out." in client.get("/login").text
    assert client.get("/orders").status_code == 303


def test_logout_with_a_wrong_csrf_token_keeps_the_session(
    client: TestClient, container: Container
) -> None:
    signed_in(client, container, email="ana@example.com")

    response = client.post("/logout", data={"csrf_token": "forged"})

    assert response.status_code == 422
    assert client.get("/orders").status_code == 200


def test_every_page_has_a_skip_link_and_a_sign_out_form(
    client: TestClient, container: Container
) -> None:
    buyer = signed_in(client, container, email="ana@example.com")
    order = make_order(container, buyer_id=buyer, store_id=make_store(container))
    pay(container, order)

    pages = [client.get("/orders"), client.get(f"/orders/{order}")]

    assert all('href="#main"' in p.text for p in pages)
    assert all('action="/logout"' in p.text for p in pages)
    assert all('<main id="main"' in p.text for p in pages)


def test_error_pages_still_show_who_is_signed_in(client: TestClient, container: Container) -> None:
    signed_in(client, container, email="ana@example.com", name="Ana Buyer")

    response = client.get("/orders/999999")

    assert response.status_code == 404
    assert "Ana Buyer" in response.text


def test_demo_clock_banner_shows_the_time_and_how_to_move_it(
    settings: Settings, clock: FixedClock
) -> None:
    demo = build(settings.model_copy(update={"clock": "demo"}), clock=clock, fast_hashing=True)
    with TestClient(create_app(demo), follow_redirects=False) as client:
        page = client.get("/login").text
    demo.dispose()

    assert "Demo clock" in page
    assert "02 Mar 2026, 09:00 UTC" in page
    assert "recourse clock advance 2d" in page


def test_no_demo_banner_on_the_real_clock(client: TestClient) -> None:
    assert "Demo clock" not in client.get("/login").text
