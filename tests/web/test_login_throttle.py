"""T5: sign-in failures are capped per account and per client address across accounts. The
client is the connection's peer; X-Forwarded-For and Forwarded count only when that peer is a
proxy named in RECOURSE_TRUSTED_PROXIES."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from recourse.bootstrap import build
from recourse.config import Settings
from recourse.container import Container
from recourse.integrations.clock import FixedClock
from recourse.web.app import create_app
from tests.factories import PASSWORD, make_user
from tests.live_server import serve
from tests.web.test_pages import csrf_from


def _attempt(
    browser: TestClient | httpx.Client, email: str, password: str, forwarded_for: str = ""
) -> httpx.Response:
    token = csrf_from(browser.get("/login"))
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return browser.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        headers=headers,
    )


@pytest.fixture
def live_server(container: Container) -> Iterator[str]:
    """A real server on loopback, as uvicorn runs by default: it rewrites the client of a
    loopback peer from X-Forwarded-For, exactly what an attacker on the same host would use."""
    with serve(create_app(container)) as url:
        yield url


def test_rotating_x_forwarded_for_does_not_escape_the_account_lockout(
    container: Container, live_server: str
) -> None:
    make_user(container, email="ana@example.com")
    limit = container.settings.login_max_failures
    with httpx.Client(base_url=live_server, follow_redirects=False) as browser:
        failures = [
            _attempt(browser, "ana@example.com", "wrong", f"198.51.100.{n}").status_code
            for n in range(limit)
        ]
        sixth = _attempt(browser, "ana@example.com", PASSWORD, f"198.51.100.{limit + 1}")

    assert failures == [401] * limit
    assert sixth.status_code == 429
    assert int(sixth.headers["retry-after"]) > 0


def test_failures_across_many_accounts_from_one_address_get_429(
    client: TestClient, container: Container
) -> None:
    limit = container.settings.login_max_failures_per_client
    make_user(container, email="ana@example.com")
    failures = [
        _attempt(client, f"guess{n}@example.com", "wrong").status_code for n in range(limit)
    ]

    response = _attempt(client, "ana@example.com", PASSWORD)

    assert failures == [401] * limit
    assert response.status_code == 429
    assert "from your network address" in response.text
    assert int(response.headers["retry-after"]) > 0


def test_forwarded_headers_from_a_peer_that_is_no_trusted_proxy_are_ignored(
    container: Container,
) -> None:
    limit = container.settings.login_max_failures_per_client
    app = create_app(container)
    with TestClient(app, client=("203.0.113.9", 40000), follow_redirects=False) as browser:
        failures = [
            _attempt(browser, f"guess{n}@example.com", "wrong", f"198.51.100.{n}").status_code
            for n in range(limit)
        ]
        response = _attempt(browser, "guess@example.com", "wrong", "198.51.100.250")

    assert failures == [401] * limit
    assert response.status_code == 429


@pytest.fixture
def behind_a_proxy(settings: Settings, clock: FixedClock) -> Iterator[Container]:
    c = build(
        settings.model_copy(update={"trusted_proxies": ["10.0.0.0/8"]}),
        clock=clock,
        fast_hashing=True,
    )
    yield c
    c.dispose()


def test_behind_a_trusted_proxy_the_forwarded_client_is_throttled_not_the_proxy(
    behind_a_proxy: Container,
) -> None:
    c = behind_a_proxy
    limit = c.settings.login_max_failures_per_client
    make_user(c, email="ana@example.com")
    app = create_app(c)
    with TestClient(app, client=("10.0.0.2", 40000), follow_redirects=False) as proxy:
        failures = [
            _attempt(proxy, f"guess{n}@example.com", "wrong", "192.0.2.1, 198.51.100.7").status_code
            for n in range(limit)
        ]
        same_client = _attempt(proxy, "ana@example.com", PASSWORD, "198.51.100.7")
        other_client = _attempt(proxy, "ana@example.com", PASSWORD, "198.51.100.8")

    assert failures == [401] * limit
    assert same_client.status_code == 429
    assert other_client.status_code == 303


def test_signing_in_to_ones_own_account_does_not_reset_the_addresss_count(
    client: TestClient, container: Container
) -> None:
    """Or an attacker would sign in to their own account between guesses at everyone else's."""
    limit = container.settings.login_max_failures_per_client
    make_user(container, email="mallory@example.com")
    guesses = [
        _attempt(client, f"guess{n}@example.com", "wrong").status_code for n in range(limit - 1)
    ]
    own = _attempt(client, "mallory@example.com", PASSWORD).status_code
    client.cookies.clear()
    last_guess = _attempt(client, "guess@example.com", "wrong").status_code

    response = _attempt(client, "mallory@example.com", PASSWORD)

    assert (guesses, own, last_guess) == ([401] * (limit - 1), 303, 401)
    assert response.status_code == 429
