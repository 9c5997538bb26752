"""§1 accounts: a person's name (T3), the life of a session (T4), the sign-in limits (T5)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from recourse.domain.accounts import (
    LoginLimits,
    WebSession,
    check_name,
    check_sign_in_allowed,
    client_key,
    session_expires_at,
    session_is_live,
    session_needs_seen,
)
from recourse.domain.errors import InvalidInput, TooManyAttempts
from recourse.i18n import ENGLISH
from recourse.texts import error_message
from tests.unit.builders import T0


@pytest.mark.parametrize(
    "name",
    [
        "Eve\r\nBcc: x@evil.test",
        "Eve\n",
        "\tEve",
        "Eve\x00",
        "Eve\x7f",
        "Eve\x85",
        "A\u2028B",
        "A\u2029B",
    ],
)
def test_names_with_control_characters_or_line_separators_are_refused(name: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_name(name)

    assert refused.value.field == "name"


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ('Eve <x@evil.test> "', 'Eve <x@evil.test> "'),
        ("  Zoë Müller-Łukasiewicz ", "Zoë Müller-Łukasiewicz"),
        ("O'Brien, Seán (Support)", "O'Brien, Seán (Support)"),
        ("李小龍", "李小龍"),
    ],
)
def test_names_people_are_called_are_kept(name: str, kept: str) -> None:
    assert check_name(name) == kept


def test_an_empty_name_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_name("   ")

    assert error_message(refused.value, ENGLISH) == "Enter a name."


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
        ("testclient", "testclient"),
    ],
)
def test_failures_are_counted_per_address_and_per_ipv6_slash_64(address: str, key: str) -> None:
    assert client_key(address) == key


LIMITS = LoginLimits(per_account=5, per_client=20)


def test_the_fifth_failure_of_an_account_is_its_last_try() -> None:
    check_sign_in_allowed(account_failures=4, client_failures=0, limits=LIMITS)

    with pytest.raises(TooManyAttempts) as refused:
        check_sign_in_allowed(account_failures=5, client_failures=0, limits=LIMITS)

    assert "for this account" in error_message(refused.value, ENGLISH)

    assert refused.value.facts["retry_after"] == 15 * 60


def test_an_address_that_failed_too_often_across_accounts_waits() -> None:
    check_sign_in_allowed(account_failures=0, client_failures=19, limits=LIMITS)

    with pytest.raises(TooManyAttempts) as refused:
        check_sign_in_allowed(account_failures=0, client_failures=20, limits=LIMITS)

    assert "from your network address" in error_message(refused.value, ENGLISH)

    assert refused.value.facts["retry_after"] == 15 * 60


def _session(created: datetime, seen: datetime) -> WebSession:
    return WebSession(
        id=1,
        user_id=1,
        created_at=created,
        last_seen_at=seen,
        expires_at=session_expires_at(created),
    )


def test_a_session_lives_fourteen_days_to_the_second() -> None:
    session = _session(T0, T0)
    end = T0 + timedelta(days=14)

    assert (
        session_is_live(session, end - timedelta(seconds=1)),
        session_is_live(session, end),
    ) == (True, False)


def test_last_seen_is_written_at_most_every_five_minutes() -> None:
    session = _session(T0, T0)

    assert (
        session_needs_seen(session, T0 + timedelta(minutes=5) - timedelta(seconds=1)),
        session_needs_seen(session, T0 + timedelta(minutes=5)),
    ) == (False, True)
