"""§1 users and stores as plain values, with the checks ingest applies to them."""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from recourse.domain.errors import InvalidInput, TooManyAttempts
from recourse.domain.roles import Actor, Role

# No controls, quotes, brackets, commas or angle brackets: one mailbox, never a list (T3).
_ADDRESS_CHAR = r"[^@\s\x00-\x1f\x7f\"<>()\[\],;:\\]"
_EMAIL = re.compile(rf"^{_ADDRESS_CHAR}+@{_ADDRESS_CHAR}+\.{_ADDRESS_CHAR}+$")
# Control characters (CR, LF, NUL, ESC, NEL, ...), lone surrogates, line and paragraph separators
NOT_IN_NAMES = frozenset({"Cc", "Cs", "Zl", "Zp"})
NAME_MAX = 200
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_LOCALE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")


@dataclass(frozen=True, slots=True)
class User:
    id: int
    email: str
    name: str
    role: Role
    country: str
    timezone: str
    locale: str
    store_ids: frozenset[int] = field(default_factory=frozenset)
    password_hash: str | None = None

    def actor(self) -> Actor:
        return Actor(self.role, self.id, self.store_ids)


@dataclass(frozen=True, slots=True)
class Store:
    id: int
    name: str
    country: str


def normalise_email(email: str) -> str:
    value = email.strip().lower()
    if not _EMAIL.match(value) or len(value) > 254:
        raise InvalidInput("email", "email_invalid")
    return value


def check_name(name: str) -> str:
    """T3: a name is shown on pages and put in mail headers, where a line break would end the
    header; so control characters and line separators are refused, not quietly cleaned."""
    if any(unicodedata.category(ch) in NOT_IN_NAMES for ch in name):
        raise InvalidInput("name", "name_control_characters")
    value = name.strip()
    if not value:
        raise InvalidInput("name", "name_missing")
    if len(value) > NAME_MAX:
        raise InvalidInput("name", "name_too_long")
    return value


def check_country(country: str, field_name: str = "country") -> str:
    value = country.strip().upper()
    if not _COUNTRY.match(value):
        raise InvalidInput(field_name, "country_code_invalid")
    return value


def check_user_role(role: Role) -> Role:
    """§1: people sign in as buyers, sellers or support; the operator is an API token."""
    if role is Role.operator:
        raise InvalidInput("role", "role_operator_not_a_user")
    if role is Role.system:
        raise InvalidInput("role", "role_system_not_a_user")
    return role


def check_store_membership(role: Role, store_ids: Collection[int]) -> None:
    """§1: a seller is staff of one or more stores; nobody else belongs to a store."""
    if role is Role.seller and not store_ids:
        raise InvalidInput("store_ids", "seller_without_store")
    if role is not Role.seller and store_ids:
        raise InvalidInput("store_ids", "store_member_not_seller")


def check_timezone(tz: str) -> str:
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput("timezone", "timezone_unknown", timezone=tz) from None
    return tz


def check_locale(locale: str) -> str:
    """'pt-BR', 'pt_br' and 'pt_BR' all mean Brazilian Portuguese; stored as 'pt_BR'."""
    language, _, region = locale.strip().replace("-", "_").partition("_")
    value = f"{language.lower()}_{region.upper()}" if region else language.lower()
    if not _LOCALE.match(value):
        raise InvalidInput("locale", "locale_invalid")
    return value


def check_password(password: str) -> str:
    if len(password) < 8:
        raise InvalidInput("password", "password_too_short")
    if len(password) > 256:
        raise InvalidInput("password", "password_too_long")
    return password


SESSION_LIFETIME = timedelta(days=14)
# last_seen_at is written at most this often, so reading pages does not write on every request
SESSION_SEEN_EVERY = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class WebSession:
    """T4: a signed-in browser, as the server keeps it."""

    id: int
    user_id: int
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime


def session_expires_at(created_at: datetime) -> datetime:
    """T4: a session ends 14 days after sign-in, used or not."""
    return created_at + SESSION_LIFETIME


def session_is_live(session: WebSession, now: datetime) -> bool:
    return now < session.expires_at


def session_needs_seen(session: WebSession, now: datetime) -> bool:
    return now - session.last_seen_at >= SESSION_SEEN_EVERY


LOGIN_WINDOW = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class LoginLimits:
    """T5: failed sign-ins allowed within the window, per account and per client address."""

    per_account: int
    per_client: int
    window: timedelta = LOGIN_WINDOW


def check_sign_in_allowed(
    *, account_failures: int, client_failures: int, limits: LoginLimits
) -> None:
    """T5: an account that failed too often waits, whoever tries it (a botnet gains nothing by
    spreading over addresses); an address that failed too often across accounts waits too
    (spraying one password over many accounts gains nothing either)."""
    retry_after = int(limits.window.total_seconds())
    if account_failures >= limits.per_account:
        raise TooManyAttempts(
            "too_many_sign_ins.account",
            retry_after=retry_after,
            limit="account",
        )
    if client_failures >= limits.per_client:
        raise TooManyAttempts(
            "too_many_sign_ins.client",
            retry_after=retry_after,
            limit="client",
        )


def client_key(address: str) -> str:
    """T5: the address failures are counted under. An IPv6 client counts as its /64, the block
    one subscriber is given, so cycling through its own addresses is no way around the cap."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)
