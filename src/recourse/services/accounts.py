"""§1 accounts: users, their login, and the operator's API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from recourse.domain import accounts as rules
from recourse.domain.accounts import LoginLimits, User
from recourse.domain.errors import (
    InvalidInput,
    NotFound,
    RuleConflict,
    TooManyAttempts,
    Unauthenticated,
)
from recourse.domain.roles import Actor, OperatorTask, Role, check_operator
from recourse.services.ports.accounts import NewUser
from recourse.services.ports.common import Context, PasswordHasher
from recourse.services.ports.unit_of_work import UnitOfWork


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
    check_operator(actor, OperatorTask.create_users)
    rules.check_user_role(data.role)
    email = rules.normalise_email(data.email)
    name = rules.check_name(data.name)
    country = rules.check_country(data.country)
    timezone = rules.check_timezone(data.timezone)
    password_hash = hasher.hash(rules.check_password(data.password)) if data.password else None
    rules.check_store_membership(data.role, data.store_ids)
    with uow:
        if uow.users.by_email(email) is not None:
            raise RuleConflict("email_taken", field="email")
        for i, store_id in enumerate(data.store_ids):
            if uow.stores.get(store_id) is None:
                raise NotFound("member_store_not_found", field=f"store_ids[{i}]", store_id=store_id)
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
    limits: LoginLimits,
) -> User:
    """T5: page login. A wrong password and an unknown email look the same; failures are capped
    per account and per client address (429). The attempt is written, as a failure, before it
    is judged: requests sent in parallel each count the others, so none slips under the cap."""
    now = ctx.clock.now()
    email = email.strip().lower()
    account_key, client_key = f"account:{email}", f"client:{rules.client_key(client)}"
    with uow:
        attempt = uow.login_attempts.begin([account_key, client_key], now)
        uow.commit()
        since = now - limits.window
        # this attempt, a failure until it succeeds, is not held against itself
        account_failures = uow.login_attempts.failures_since(
            account_key, since, reset_by_success=True
        )
        client_failures = uow.login_attempts.failures_since(
            client_key, since, reset_by_success=False
        )
        try:
            rules.check_sign_in_allowed(
                account_failures=account_failures - 1,
                client_failures=client_failures - 1,
                limits=limits,
            )
        except TooManyAttempts:
            uow.login_attempts.forget(attempt)
            uow.commit()
            raise
        user = uow.users.by_email(email)
    if user is None or not user.password_hash:
        hasher.verify_decoy(password)
    ok = bool(user and user.password_hash and hasher.verify(user.password_hash, password))
    if not ok or user is None:
        raise Unauthenticated("sign_in_failed")
    with uow:
        uow.login_attempts.succeeded(attempt)
        # past the window no cap counts them (a success older than it resets nothing more)
        uow.login_attempts.forget_before(since)
        uow.commit()
    return user


def start_session(uow: UnitOfWork, ctx: Context, *, user_id: int) -> str:
    """T4: a server-side session for a user who just signed in. The random id returned goes in
    the cookie; only its hash is stored. Sessions past their end are cleared on the way."""
    session_id = secrets.token_urlsafe(32)
    now = ctx.clock.now()
    with uow:
        uow.web_sessions.end_expired(now)
        uow.web_sessions.add(
            hash_token(session_id),
            user_id=user_id,
            created_at=now,
            expires_at=rules.session_expires_at(now),
        )
        uow.commit()
    return session_id


def user_for_session(uow: UnitOfWork, ctx: Context, session_id: str) -> User | None:
    """T4: the user a live session belongs to; None once it is ended, expired or unknown."""
    now = ctx.clock.now()
    with uow:
        session = uow.web_sessions.find(hash_token(session_id))
        if session is None or not rules.session_is_live(session, now):
            return None
        user = uow.users.get(session.user_id)
        if user is not None and rules.session_needs_seen(session, now):
            uow.web_sessions.seen(session.id, now)
            uow.commit()
        return user


def end_session(uow: UnitOfWork, session_id: str) -> None:
    """T4: logout ends this session on the server; a saved copy of its cookie signs nobody in."""
    with uow:
        uow.web_sessions.end(hash_token(session_id))
        uow.commit()


def change_password(
    uow: UnitOfWork, ctx: Context, hasher: PasswordHasher, *, email: str, password: str
) -> int:
    """T4: a new password ends every session of the user, wherever it was signed in."""
    password_hash = hasher.hash(rules.check_password(password))
    with uow:
        user = uow.users.by_email(email.strip().lower())
        if user is None:
            raise InvalidInput("email", "user_email_unknown", email=email)
        uow.users.set_password_hash(user.id, password_hash)
        ended = uow.web_sessions.end_all(user.id)
        uow.commit()
    return ended


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
                raise InvalidInput("email", "user_email_unknown", email=email)
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
            raise Unauthenticated("api_token_invalid")
        if record.operator:
            return Actor(Role.operator)
        user = uow.users.get(record.user_id) if record.user_id is not None else None
        if user is None:
            raise Unauthenticated("api_token_user_gone")
        return user.actor()


def actor_for_user(uow: UnitOfWork, user_id: int) -> User | None:
    with uow:
        return uow.users.get(user_id)
