"""T5: sign-in attempts sent at the same moment cannot all slip under the limits."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import select

from recourse.container import Container
from recourse.db.models.accounts import LoginAttemptRow
from recourse.domain.accounts import LoginLimits
from recourse.domain.errors import DomainError
from recourse.integrations.clock import FixedClock
from recourse.integrations.passwords import Argon2Hasher
from recourse.services import accounts
from tests.factories import PASSWORD, make_user

LIMITS = LoginLimits(per_account=5, per_client=1000)


def _guess(c: Container, n: int) -> str:
    try:
        accounts.authenticate(
            c.uow(),
            c.ctx,
            c.hasher,
            email="ana@example.com",
            password=f"guess {n}",
            client=f"198.51.100.{n}",
            limits=LIMITS,
        )
    except DomainError as error:
        return error.code
    return "signed in"


def test_parallel_guesses_at_one_account_get_no_more_tries_than_the_limit(
    container: Container,
) -> None:
    make_user(container, email="ana@example.com")
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(lambda n: _guess(container, n), range(40)))

    assert outcomes.count("unauthenticated") <= LIMITS.per_account
    assert outcomes.count("too_many_attempts") >= 40 - LIMITS.per_account


class CountingHasher(Argon2Hasher):
    """The real hasher, counting the argon2 checks it runs."""

    def __init__(self) -> None:
        super().__init__(fast=True)
        self.checks = 0

    def verify(self, password_hash: str, password: str) -> bool:
        self.checks += 1
        return super().verify(password_hash, password)


def _sign_in(c: Container, hasher: CountingHasher, email: str) -> str:
    try:
        accounts.authenticate(
            c.uow(),
            c.ctx,
            hasher,
            email=email,
            password="not the password",
            client="198.51.100.7",
            limits=LIMITS,
        )
    except DomainError as error:
        return error.code
    return "signed in"


def test_an_unknown_email_costs_the_same_password_check_as_a_known_one(
    container: Container,
) -> None:
    make_user(container, email="ana@example.com")
    known, unknown = CountingHasher(), CountingHasher()

    known_answer = _sign_in(container, known, "ana@example.com")
    unknown_answer = _sign_in(container, unknown, "nobody@example.com")

    assert (
        (unknown_answer, unknown.checks) == (known_answer, known.checks) == ("unauthenticated", 1)
    )


def test_attempts_older_than_the_window_are_cleared_by_a_sign_in_and_recent_ones_kept(
    container: Container, clock: FixedClock
) -> None:
    make_user(container, email="ana@example.com")
    make_user(container, email="ben@example.com")
    for n in range(3):
        _guess(container, n)
    clock.advance(LIMITS.window + timedelta(minutes=1))
    _guess(container, 99)  # a recent failure, inside the window

    accounts.authenticate(
        container.uow(),
        container.ctx,
        container.hasher,
        email="ben@example.com",
        password=PASSWORD,
        client="203.0.113.7",
        limits=LIMITS,
    )

    with container.read_session() as session:
        left = session.scalars(select(LoginAttemptRow.key)).all()
    assert sorted(set(left)) == [
        "account:ana@example.com",
        "account:ben@example.com",
        "client:198.51.100.99",
        "client:203.0.113.7",
    ]
    assert len(left) == 4
