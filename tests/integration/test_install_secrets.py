"""Secrets are per install: derived from RECOURSE_SECRET_KEY, or made once and stored when it is
unset, so no key that ships with the code signs anything."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import text

from recourse.bootstrap import build
from recourse.config import Settings
from recourse.web.app import create_app


def _unset_key(settings: Settings) -> Settings:
    return settings.model_copy(update={"secret_key": ""})


def test_two_processes_of_one_install_share_the_generated_secret(settings: Settings) -> None:
    first = build(_unset_key(settings), fast_hashing=True)
    second = build(_unset_key(settings), fast_hashing=True)

    assert first.install_secret("session-cookie") == second.install_secret("session-cookie")
    first.dispose()
    second.dispose()


def test_a_new_install_makes_a_new_secret(settings: Settings) -> None:
    before = build(_unset_key(settings), fast_hashing=True)
    old = before.install_secret("sandbox-webhook")
    with before.engine.begin() as conn:
        conn.execute(text("DELETE FROM install_secrets"))
    after = build(_unset_key(settings), fast_hashing=True)

    assert after.install_secret("sandbox-webhook") != old
    before.dispose()
    after.dispose()


def test_each_purpose_gets_its_own_secret(settings: Settings) -> None:
    c = build(settings, fast_hashing=True)

    assert c.install_secret("session-cookie") != c.install_secret("sandbox-webhook")
    c.dispose()


def test_the_configured_key_decides_the_secrets(settings: Settings) -> None:
    one = build(settings.model_copy(update={"secret_key": "key-one"}), fast_hashing=True)
    other = build(settings.model_copy(update={"secret_key": "key-two"}), fast_hashing=True)

    assert one.install_secret("session-cookie") != other.install_secret("session-cookie")
    one.dispose()
    other.dispose()


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_a_cookie_signed_by_one_install_is_not_accepted_by_another(settings: Settings) -> None:
    one = build(settings.model_copy(update={"secret_key": "key-one"}), fast_hashing=True)
    other = build(settings.model_copy(update={"secret_key": "key-two"}), fast_hashing=True)
    with TestClient(create_app(one)) as first, TestClient(create_app(other)) as second:
        issued = first.get("/login")
        cookie = {"Cookie": f"recourse_session={issued.cookies['recourse_session']}"}
        first.cookies.clear()

        same_install = TestClient(create_app(one)).get("/login", headers=cookie)
        other_install = second.get("/login", headers=cookie)

        assert _csrf(same_install.text) == _csrf(issued.text)
        assert _csrf(other_install.text) != _csrf(issued.text)
    one.dispose()
    other.dispose()
