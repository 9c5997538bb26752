"""T4: a signed-in session lives on the server. Logout ends it, a new password ends every one
of the user's sessions, and a session ends on its own 14 days after sign-in. The cookie is
HttpOnly, SameSite=Lax, and Secure under an https base URL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from recourse.bootstrap import build
from recourse.cli import app as cli
from recourse.config import Settings
from recourse.container import Container
from recourse.integrations.clock import FixedClock
from recourse.services import accounts
from recourse.web.app import create_app
from tests.factories import make_user
from tests.web.test_pages import csrf_from, login, signed_in

COOKIE = "recourse_session"


@pytest.fixture
def second_browser(client: TestClient) -> Iterator[TestClient]:
    with TestClient(client.app, follow_redirects=False) as other:
        yield other


def _sent_to_sign_in(client: TestClient) -> bool:
    response = client.get("/orders")
    return response.status_code == 303 and response.headers["location"].startswith("/login")


def test_a_cookie_saved_before_logout_gets_the_sign_in_page_after_logout(
    client: TestClient, container: Container
) -> None:
    signed_in(client, container, email="ana@example.com")
    saved = client.cookies.get(COOKIE)
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/orders"))})

    client.cookies.set(COOKIE, saved or "")

    assert saved
    assert _sent_to_sign_in(client)


def test_logout_leaves_the_users_other_sessions_signed_in(
    client: TestClient, container: Container, second_browser: TestClient
) -> None:
    signed_in(client, container, email="ana@example.com")
    login(second_browser, "ana@example.com")

    client.post("/logout", data={"csrf_token": csrf_from(client.get("/orders"))})

    assert second_browser.get("/orders").status_code == 200


def test_a_password_change_ends_every_session_of_that_user_only(
    client: TestClient, container: Container, second_browser: TestClient
) -> None:
    signed_in(client, container, email="ana@example.com")
    login(second_browser, "ana@example.com")
    with TestClient(client.app, follow_redirects=False) as bob:
        signed_in(bob, container, email="bob@example.com")

        accounts.change_password(
            container.uow(),
            container.ctx,
            container.hasher,
            email="ana@example.com",
            password="a brand new password",
        )

        assert _sent_to_sign_in(client)
        assert _sent_to_sign_in(second_browser)
        assert bob.get("/orders").status_code == 200
    assert login(client, "ana@example.com", "a brand new password").status_code == 303
    assert login(second_browser, "ana@example.com").status_code == 401


def test_recourse_user_set_password_signs_the_user_out_everywhere(
    client: TestClient, container: Container, settings: Settings
) -> None:
    signed_in(client, container, email="ana@example.com")
    env = {
        "RECOURSE_DATABASE_URL": settings.resolved_database_url,
        "RECOURSE_DATA_DIR": str(settings.data_dir),
    }

    result = CliRunner().invoke(
        cli,
        ["user", "set-password", "--email", "ana@example.com"],
        input="a brand new password\na brand new password\n",
        env=env,
    )

    assert result.exit_code == 0, result.output
    assert _sent_to_sign_in(client)
    assert login(client, "ana@example.com", "a brand new password").status_code == 303


def test_a_session_ends_fourteen_days_after_sign_in(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    signed_in(client, container, email="ana@example.com")

    clock.advance(timedelta(days=14) - timedelta(seconds=1))
    last_second = client.get("/orders").status_code
    clock.advance(timedelta(seconds=1))

    assert last_second == 200
    assert _sent_to_sign_in(client)


def _signed_in_cookie(settings: Settings, clock: FixedClock, base_url: str) -> str:
    c = build(settings.model_copy(update={"base_url": base_url}), clock=clock, fast_hashing=True)
    make_user(c, email="ana@example.com")
    with TestClient(create_app(c), base_url=base_url, follow_redirects=False) as browser:
        response = login(browser, "ana@example.com")
    c.dispose()
    assert response.status_code == 303
    return response.headers["set-cookie"].lower()


def test_the_session_cookie_is_secure_httponly_and_lax_under_an_https_base_url(
    settings: Settings, clock: FixedClock
) -> None:
    cookie = _signed_in_cookie(settings, clock, "https://recourse.example")

    assert "; secure" in cookie
    assert "; httponly" in cookie
    assert "; samesite=lax" in cookie


def test_the_session_cookie_is_not_secure_under_a_plain_http_base_url(
    settings: Settings, clock: FixedClock
) -> None:
    cookie = _signed_in_cookie(settings, clock, "http://127.0.0.1:8000")

    assert "; secure" not in cookie
    assert "; httponly" in cookie
