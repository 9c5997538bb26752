"""The caller of an API request, found from its bearer token: the token, its user and the stores
they staff in one statement, and the same actor as before for every kind of token."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from recourse.container import Container
from recourse.db import idempotency
from recourse.db import models as m
from recourse.domain.errors import Unauthenticated
from recourse.domain.roles import Actor, Role
from recourse.services import accounts
from tests.factories import make_store, make_user
from tests.web.transactions import Seen

# The key's claim and the token with its user: one statement on PostgreSQL, two on SQLite
# (no data-modifying CTE there, and no round trip to save).
CLAIM_STATEMENTS = {"postgresql": 1, "sqlite": 2}


def _queries(seen: Seen) -> list[str]:
    return [sql for sql in seen.statements if not sql.startswith("BEGIN")]  # SQLite's BEGIN


def _token(c: Container, email: str | None) -> str:
    return accounts.create_token(c.uow(), c.ctx, operator=email is None, email=email)


def test_a_sellers_token_is_one_statement_with_every_store(
    container: Container, seen: Seen
) -> None:
    first, second = make_store(container), make_store(container)
    seller = make_user(
        container, role=Role.seller, email="sam@example.com", store_ids=[first, second]
    )
    token = _token(container, "sam@example.com")
    seen.reset()
    actor = accounts.actor_for_token(container.uow(), token)
    assert actor == Actor(Role.seller, seller, frozenset({first, second}))
    assert len(_queries(seen)) == 1, seen.statements


def test_a_buyers_token_has_no_stores(container: Container, seen: Seen) -> None:
    buyer = make_user(container, role=Role.buyer, email="ann@example.com")
    token = _token(container, "ann@example.com")
    seen.reset()
    assert accounts.actor_for_token(container.uow(), token) == Actor(Role.buyer, buyer)
    assert len(_queries(seen)) == 1, seen.statements


def test_the_operators_token(container: Container) -> None:
    assert accounts.actor_for_token(container.uow(), _token(container, None)) == Actor(
        Role.operator
    )


def test_unknown_and_revoked_tokens_are_refused(container: Container) -> None:
    make_user(container, role=Role.buyer, email="ann@example.com")
    token = _token(container, "ann@example.com")
    with pytest.raises(Unauthenticated) as unknown:
        accounts.actor_for_token(container.uow(), token + "x")
    assert unknown.value.key == "api_token_invalid"
    with container.engine.begin() as conn:
        conn.execute(update(m.ApiTokenRow).values(revoked_at=container.clock.now()))
    with pytest.raises(Unauthenticated) as revoked:
        accounts.actor_for_token(container.uow(), token)
    assert revoked.value.key == "api_token_invalid"


def test_the_user_read_with_a_token_serves_that_user_only_once(container: Container) -> None:
    """Later reads of users in the same unit of work ask the database as before."""
    ann = make_user(container, role=Role.buyer, email="ann@example.com")
    bob = make_user(container, role=Role.buyer, email="bob@example.com")
    token = _token(container, "ann@example.com")
    uow = container.uow()
    with uow:
        record = uow.tokens.find(accounts.hash_token(token))
        assert record is not None and record.user_id == ann
        other = uow.users.get(bob)
        assert other is not None and other.email == "bob@example.com"
        uow.session.execute(update(m.UserRow).where(m.UserRow.id == ann).values(name="Ann Renamed"))
        again = uow.users.get(ann)
        assert again is not None and again.name == "Ann Renamed"


def _claimed_then_found(c: Container, token: str, key: str) -> Actor:
    """The API request's order: the key's claim (with the token's rows on PostgreSQL), then
    the actor, in one transaction."""
    uow = c.request_uow()
    with uow:
        stored = idempotency.claim(
            uow.session, "owner", key, "hash", token_hash=accounts.hash_token(token)
        )
        assert stored is None
        return accounts.actor_for_token(uow, token)


def test_the_token_read_with_the_key_claim_gives_the_same_actor(
    container: Container, seen: Seen
) -> None:
    first, second = make_store(container), make_store(container)
    seller = make_user(
        container, role=Role.seller, email="sam@example.com", store_ids=[first, second]
    )
    buyer = make_user(container, role=Role.buyer, email="ann@example.com")
    tokens = {
        Actor(Role.seller, seller, frozenset({first, second})): _token(
            container, "sam@example.com"
        ),
        Actor(Role.buyer, buyer): _token(container, "ann@example.com"),
        Actor(Role.operator): _token(container, None),
    }
    for n, (actor, token) in enumerate(tokens.items()):
        seen.reset()
        assert _claimed_then_found(container, token, f"key-{n}") == actor
        assert len(_queries(seen)) == CLAIM_STATEMENTS[container.engine.dialect.name]


def test_unknown_and_revoked_tokens_read_with_the_key_claim_are_refused(
    container: Container,
) -> None:
    make_user(container, role=Role.buyer, email="ann@example.com")
    token = _token(container, "ann@example.com")
    with pytest.raises(Unauthenticated) as unknown:
        _claimed_then_found(container, token + "x", "unknown")
    assert unknown.value.key == "api_token_invalid"
    with container.engine.begin() as conn:
        conn.execute(update(m.ApiTokenRow).values(revoked_at=container.clock.now()))
    with pytest.raises(Unauthenticated) as revoked:
        _claimed_then_found(container, token, "revoked")
    assert revoked.value.key == "api_token_invalid"


def test_rows_held_for_one_token_never_answer_for_another(container: Container) -> None:
    ann = make_user(container, role=Role.buyer, email="ann@example.com")
    bob = make_user(container, role=Role.buyer, email="bob@example.com")
    anns, bobs = _token(container, "ann@example.com"), _token(container, "bob@example.com")
    uow = container.request_uow()
    with uow:
        idempotency.claim(uow.session, "owner", "k", "hash", token_hash=accounts.hash_token(anns))
        assert accounts.actor_for_token(uow, bobs) == Actor(Role.buyer, bob)
        assert accounts.actor_for_token(uow, anns) == Actor(Role.buyer, ann)
