"""Brute force on the login page: a flood of wrong passwords is answered 429, for a while.

The lockout is written to the database, so this runs on a world of its own.
"""

from __future__ import annotations

from datetime import timedelta

from tests.factories import PASSWORD
from tests.reliability.access import page_client
from tests.reliability.conftest import Seeded


def test_login_flood_is_answered_429_until_the_window_passes(fresh: Seeded) -> None:
    """Five wrong passwords in a row lock this email on this client for 15 minutes."""
    client, token = page_client(fresh.app, fresh.world, "anonymous")
    email = fresh.world.emails["buyer"]

    def attempt(password: str) -> int:
        form = {"email": email, "password": password, "csrf_token": token}
        return int(client.post("/login", data=form).status_code)

    wrong = [attempt("not the password") for _ in range(5)]
    locked = [attempt("still wrong"), attempt(PASSWORD)]
    fresh.clock.advance(timedelta(minutes=16))
    after = attempt(PASSWORD)

    assert (wrong, locked, after) == ([401] * 5, [429, 429], 303)
