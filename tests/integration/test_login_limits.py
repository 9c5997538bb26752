"""T5: sign-in attempts sent at the same moment cannot all slip under the limits."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from recourse.container import Container
from recourse.domain.accounts import LoginLimits
from recourse.domain.errors import DomainError
from recourse.services import accounts
from tests.factories import make_user

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
