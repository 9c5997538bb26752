"""§1 accounts: users, their login, and the operator's API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from recourse.domain import accounts as rules
from recourse.domain.accounts import User
from recourse.domain.errors import InvalidInput, NotAllowed, TooManyAttempts, Unauthenticated
from recourse.domain.roles import Actor, Role
from recourse.services.ports import Context, NewUser, PasswordHasher, UnitOfWork

LOGIN_WINDOW = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class UserInput:
    email: str
    name: str
    role: Role
    country: str
    timezone: str = "UTC"
    locale: str = "en"
    password: str | None = None
    store_ids: tuple[int, ...] = ()


def create_user(
    uow: UnitOfWork, ctx: Context, hasher: PasswordHasher, *, actor: Actor, data: UserInput
) -> int:
    """§1: the operator registers buyers, sellers (with their stores) and support agents."""
    if actor.role is not Role.operator:
        raise NotAllowed("Only the marketplace operator creates users.")
    if data.role is Role.operator:
        raise InvalidInput("role", "Operators use API tokens, not user accounts.")
    email = rules.normalise_email(data.email)
    name = rules.check_name(data.name)
    country = rules.check_country(data.country)
    timezone = rules.check_timezone(data.timezone)
    password_hash = hasher.hash(rules.check_password(data.password)) if data.password else None
    if data.role is Role.seller and not data.store_ids:
        raise InvalidInput("store_ids", "A seller belongs to at least one store.")
    if data.role is not Role.seller and data.store_ids:
        raise InvalidInput("store_ids", "Only sellers belong to stores.")
    with uow:
        if uow.users.by_email(email) is not None:
            raise InvalidInput("email", "A user with this email already exists.")
        for i, store_id in enumerate(data.store_ids):
            if uow.stores.get(store_id) is None:
                raise InvalidInput(f"store_ids[{i}]", f"There is no store {store_id}.")
        user_id = uow.users.add(
            NewUser(
                email=email,
                name=name,
                role=data.role,
                country=country,
                timezone=timezone,
                locale=rules.check_locale(data.locale or "en"),
                password_hash=password_hash,
                store_ids=frozenset(data.store_ids),
                created_at=ctx.clock.now(),
            )
        )
        uow.commit()
    return user_id


def authenticate(
    uow: UnitOfWork,
    ctx: Context,
    hasher: PasswordHasher,
    *,
    email: str,
    password: str,
    client: str,
    max_failures: int,
) -> User:
    """Page login: a wrong password and an unknown email look the same; floods answer 429."""
    now = ctx.clock.now()
    key = f"{email.strip().lower()}|{client}"
    with uow:
        if uow.login_attempts.failures_since(key, now - LOGIN_WINDOW) >= max_failures:
            raise TooManyAttempts(
                "Too many failed sign-ins. Wait a few minutes and try again.",
                retry_after=int(LOGIN_WINDOW.total_seconds()),
            )
        user = uow.users.by_email(email.strip().lower())
        ok = bool(user and user.password_hash and hasher.verify(user.password_hash, password))
        uow.login_attempts.add(key, now, ok)
        uow.commit()
    if not ok or user is None:
        raise Unauthenticated("That email and password do not match an account.")
    return user


def hash_token(token: str) -> str:
    """API tokens are high-entropy, so a fast digest is enough to store them safely."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    uow: UnitOfWork, ctx: Context, *, operator: bool, email: str | None, name: str = "cli"
) -> str:
    """Issue an API token for the operator or for a user; only its hash is stored."""
    token = "rk_" + secrets.token_urlsafe(32)
    with uow:
        user_id: int | None = None
        if not operator:
            user = uow.users.by_email((email or "").strip().lower())
            if user is None:
                raise InvalidInput("email", f"No user with email {email!r}.")
            user_id = user.id
        uow.tokens.add(
            hash_token(token),
            user_id=user_id,
            operator=operator,
            name=name,
            created_at=ctx.clock.now(),
        )
        uow.commit()
    return token


def actor_for_token(uow: UnitOfWork, token: str) -> Actor:
    """The actor behind a bearer token, or Unauthenticated."""
    with uow:
        record = uow.tokens.find(hash_token(token))
        if record is None or record.revoked:
            raise Unauthenticated("The API token is missing, unknown or revoked.")
        if record.operator:
            return Actor(Role.operator)
        user = uow.users.get(record.user_id) if record.user_id is not None else None
        if user is None:
            raise Unauthenticated("The API token's user no longer exists.")
        return user.actor()


def actor_for_user(uow: UnitOfWork, user_id: int) -> User | None:
    with uow:
        return uow.users.get(user_id)
