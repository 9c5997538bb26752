"""§1 accounts: users, the operator's API tokens, logins and web sessions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from recourse.domain.accounts import User, WebSession
from recourse.domain.roles import Role


@dataclass(frozen=True, slots=True)
class NewUser:
    email: str
    name: str
    role: Role
    country: str
    timezone: str
    locale: str
    password_hash: str | None
    store_ids: frozenset[int]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class TokenRecord:
    id: int
    user_id: int | None
    operator: bool
    revoked: bool


class Users(Protocol):
    def add(self, user: NewUser) -> int: ...
    def get(self, user_id: int) -> User | None: ...
    def by_email(self, email: str) -> User | None: ...
    def set_password_hash(self, user_id: int, password_hash: str) -> None: ...
    def set_locale(self, user_id: int, locale: str) -> None: ...
    def staff_ids(self, store_id: int) -> list[int]: ...
    def home(self, user_id: int) -> tuple[str, str] | None:
        """(country, time zone)"""
        ...


class Tokens(Protocol):
    def add(
        self,
        token_hash: str,
        *,
        user_id: int | None,
        operator: bool,
        name: str,
        created_at: datetime,
    ) -> int: ...
    def find(self, token_hash: str) -> TokenRecord | None: ...


class LoginAttempts(Protocol):
    def begin(self, keys: Sequence[str], at: datetime) -> list[int]:
        """One attempt under each key, counted as a failure until it is marked succeeded."""
        ...

    def failures_since(self, key: str, since: datetime, *, reset_by_success: bool) -> int: ...
    def succeeded(self, attempt_ids: Sequence[int]) -> None: ...
    def forget(self, attempt_ids: Sequence[int]) -> None: ...
    def forget_before(self, at: datetime) -> int:
        """Attempts older than every window that counts them: nothing reads them again."""
        ...


class WebSessions(Protocol):
    def add(
        self, token_hash: str, *, user_id: int, created_at: datetime, expires_at: datetime
    ) -> int: ...
    def find(self, token_hash: str) -> WebSession | None: ...
    def seen(self, session_id: int, at: datetime) -> None: ...
    def end(self, token_hash: str) -> None: ...
    def end_all(self, user_id: int) -> int: ...
    def end_expired(self, now: datetime) -> int: ...
