"""Repositories of accounts: users, API tokens, sign-in attempts (T5) and web sessions (T4)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Table, bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from recourse.db import models as m
from recourse.db.reference import ReferenceCache
from recourse.db.repositories.preload import held_home
from recourse.domain.accounts import User, WebSession
from recourse.domain.roles import Role
from recourse.services.ports import NewUser, TokenRecord


def _user(row: m.UserRow) -> User:
    return User(
        id=row.id,
        email=row.email,
        name=row.name,
        role=Role(row.role),
        country=row.country,
        timezone=row.timezone,
        locale=row.locale,
        store_ids=frozenset(s.store_id for s in row.stores),
        password_hash=row.password_hash,
    )


_USERS: Table = m.UserRow.__table__  # type: ignore[assignment]
_STAFF: Table = m.StoreStaffRow.__table__  # type: ignore[assignment]
_TOKENS: Table = m.ApiTokenRow.__table__  # type: ignore[assignment]
_USER_COLUMNS = (
    _USERS.c.id,
    _USERS.c.email,
    _USERS.c.name,
    _USERS.c.role,
    _USERS.c.country,
    _USERS.c.timezone,
    _USERS.c.locale,
    _USERS.c.password_hash,
    _STAFF.c.store_id,
)
# Core statements built once: a user with the stores they staff is one row per store (one row
# with no store for a buyer), and a token comes with its user the same way.
_USER = (
    select(*_USER_COLUMNS)
    .select_from(_USERS.outerjoin(_STAFF, _STAFF.c.user_id == _USERS.c.id))
    .where(_USERS.c.id == bindparam("user_id"))
)
_TOKEN = (
    select(
        _TOKENS.c.id.label("token_id"),
        _TOKENS.c.user_id.label("token_user_id"),
        _TOKENS.c.operator,
        _TOKENS.c.revoked_at,
        *_USER_COLUMNS,
    )
    .select_from(
        _TOKENS.outerjoin(_USERS, _USERS.c.id == _TOKENS.c.user_id).outerjoin(
            _STAFF, _STAFF.c.user_id == _USERS.c.id
        )
    )
    .where(_TOKENS.c.token_hash == bindparam("token_hash"))
)
_Row = Row[*tuple[Any, ...]]
# The token's select, for a statement that reads it along with other work (the API request's
# Idempotency-Key claim, db/idempotency.py): its rows are `TOKEN_ROWS`' columns.
TOKEN_ROWS = _TOKEN
# The session's note of the user `SqlTokens.find` read with the token, for the `users.get`
# that follows it (services.accounts.actor_for_token): taken once, by that call.
HELD_USER = "user_of_token"
# The session's note of a token's rows read by such a statement, for the `SqlTokens.find` of
# that token that follows it: taken once, by that call.
HELD_CALLER = "caller_rows"


def hold_token_rows(session: Session, token_hash: str, rows: Sequence[_Row]) -> None:
    """`TOKEN_ROWS`' rows for `token_hash` (none: no such token), read in this transaction by
    another statement, for the `SqlTokens.find` that follows."""
    session.info[HELD_CALLER] = (token_hash, rows)


def _user_of(rows: Iterable[Row[*tuple[Any, ...]]]) -> User | None:
    """A user from `_USER_COLUMNS` rows (one per store, or one with none); None for none."""
    first: Row[*tuple[Any, ...]] | None = None
    store_ids: set[int] = set()
    for row in rows:
        first = first or row
        if row.store_id is not None:
            store_ids.add(row.store_id)
    if first is None or first.id is None:
        return None
    return User(
        id=first.id,
        email=first.email,
        name=first.name,
        role=Role(first.role),
        country=first.country,
        timezone=first.timezone,
        locale=first.locale,
        store_ids=frozenset(store_ids),
        password_hash=first.password_hash,
    )


class SqlUsers:
    def __init__(self, session: Session, cache: ReferenceCache | None = None) -> None:
        self.s = session
        self.cache = cache or ReferenceCache(0)

    def add(self, user: NewUser) -> int:
        row = m.UserRow(
            email=user.email,
            name=user.name,
            role=str(user.role),
            country=user.country,
            timezone=user.timezone,
            locale=user.locale,
            password_hash=user.password_hash,
            created_at=user.created_at,
        )
        self.s.add(row)
        self.s.flush()
        if user.store_ids:
            self.cache.clear()
        for store_id in sorted(user.store_ids):
            self.s.add(m.StoreStaffRow(user_id=row.id, store_id=store_id))
        self.s.flush()
        return row.id

    def get(self, user_id: int) -> User | None:
        held: User | None = self.s.info.pop(HELD_USER, None)
        if held is not None and held.id == user_id:
            return held
        return _user_of(self.s.connection().execute(_USER, {"user_id": user_id}))

    def by_email(self, email: str) -> User | None:
        row = self.s.scalars(select(m.UserRow).where(m.UserRow.email == email)).first()
        return _user(row) if row else None

    def home(self, user_id: int) -> tuple[str, str] | None:
        """The user's country and time zone, without the rest of the account."""
        if held := held_home(self.s, user_id):  # a batch of deadlines read it already
            return held
        row = self.s.execute(
            select(m.UserRow.country, m.UserRow.timezone).where(m.UserRow.id == user_id)
        ).first()
        return (row[0], row[1]) if row else None

    def staff_ids(self, store_id: int) -> list[int]:
        """A store's staff changes rarely: kept with the reference data (db/reference.py)."""

        def load() -> tuple[int, ...]:
            return tuple(
                self.s.scalars(
                    select(m.StoreStaffRow.user_id)
                    .where(m.StoreStaffRow.store_id == store_id)
                    .order_by(m.StoreStaffRow.user_id)
                )
            )

        return list(self.cache.get(("staff", store_id), load))

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        self.s.execute(
            update(m.UserRow).where(m.UserRow.id == user_id).values(password_hash=password_hash)
        )

    def set_locale(self, user_id: int, locale: str) -> None:
        self.s.execute(update(m.UserRow).where(m.UserRow.id == user_id).values(locale=locale))


class SqlTokens:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add(
        self,
        token_hash: str,
        *,
        user_id: int | None,
        operator: bool,
        name: str,
        created_at: datetime,
    ) -> int:
        row = m.ApiTokenRow(
            token_hash=token_hash,
            user_id=user_id,
            operator=operator,
            name=name,
            created_at=created_at,
        )
        self.s.add(row)
        self.s.flush()
        return row.id

    def find(self, token_hash: str) -> TokenRecord | None:
        """The token, and in the same query its user, noted for the `users.get` that follows
        for a token that is neither revoked nor the operator's; no query when the rows were
        read with the request's key claim (`hold_token_rows`)."""
        held: tuple[str, Sequence[_Row]] | None = self.s.info.pop(HELD_CALLER, None)
        if held is not None and held[0] == token_hash:
            rows = held[1]
        else:
            rows = self.s.connection().execute(_TOKEN, {"token_hash": token_hash}).all()
        if not rows:
            return None
        row = rows[0]
        record = TokenRecord(
            id=row.token_id,
            user_id=row.token_user_id,
            operator=row.operator,
            revoked=row.revoked_at is not None,
        )
        user = None if record.revoked or record.operator else _user_of(rows)
        if user is not None:
            self.s.info[HELD_USER] = user
        return record


class SqlLoginAttempts:
    def __init__(self, session: Session) -> None:
        self.s = session

    def begin(self, keys: Sequence[str], at: datetime) -> list[int]:
        rows = [m.LoginAttemptRow(key=key, at=at, succeeded=False) for key in keys]
        self.s.add_all(rows)
        self.s.flush()
        return [row.id for row in rows]

    def failures_since(self, key: str, since: datetime, *, reset_by_success: bool) -> int:
        start = since
        if reset_by_success:
            last_success = self.s.scalar(
                select(func.max(m.LoginAttemptRow.at)).where(
                    m.LoginAttemptRow.key == key, m.LoginAttemptRow.succeeded.is_(True)
                )
            )
            start = max(since, last_success) if last_success else since
        return int(
            self.s.scalar(
                select(func.count()).where(
                    m.LoginAttemptRow.key == key,
                    m.LoginAttemptRow.succeeded.is_(False),
                    m.LoginAttemptRow.at >= start,
                )
            )
            or 0
        )

    def succeeded(self, attempt_ids: Sequence[int]) -> None:
        self.s.execute(
            update(m.LoginAttemptRow)
            .where(m.LoginAttemptRow.id.in_(attempt_ids))
            .values(succeeded=True)
        )

    def forget(self, attempt_ids: Sequence[int]) -> None:
        self.s.execute(delete(m.LoginAttemptRow).where(m.LoginAttemptRow.id.in_(attempt_ids)))

    def forget_before(self, at: datetime) -> int:
        result = self.s.execute(delete(m.LoginAttemptRow).where(m.LoginAttemptRow.at < at))
        return int(getattr(result, "rowcount", 0) or 0)


class SqlWebSessions:
    """T4: signed-in browsers, kept on the server so that logging out or a new password
    ends them."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def add(
        self, token_hash: str, *, user_id: int, created_at: datetime, expires_at: datetime
    ) -> int:
        row = m.WebSessionRow(
            token_hash=token_hash,
            user_id=user_id,
            created_at=created_at,
            last_seen_at=created_at,
            expires_at=expires_at,
        )
        self.s.add(row)
        self.s.flush()
        return row.id

    def find(self, token_hash: str) -> WebSession | None:
        row = self.s.execute(
            select(
                m.WebSessionRow.id,
                m.WebSessionRow.user_id,
                m.WebSessionRow.created_at,
                m.WebSessionRow.last_seen_at,
                m.WebSessionRow.expires_at,
            ).where(m.WebSessionRow.token_hash == token_hash)
        ).first()
        if row is None:
            return None
        return WebSession(
            id=row.id,
            user_id=row.user_id,
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            expires_at=row.expires_at,
        )

    def seen(self, session_id: int, at: datetime) -> None:
        self.s.execute(
            update(m.WebSessionRow).where(m.WebSessionRow.id == session_id).values(last_seen_at=at)
        )

    def end(self, token_hash: str) -> None:
        self.s.execute(delete(m.WebSessionRow).where(m.WebSessionRow.token_hash == token_hash))

    def end_all(self, user_id: int) -> int:
        result = self.s.execute(delete(m.WebSessionRow).where(m.WebSessionRow.user_id == user_id))
        return int(getattr(result, "rowcount", 0) or 0)

    def end_expired(self, now: datetime) -> int:
        result = self.s.execute(delete(m.WebSessionRow).where(m.WebSessionRow.expires_at <= now))
        return int(getattr(result, "rowcount", 0) or 0)
