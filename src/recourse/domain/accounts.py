"""§1 users and stores as plain values, with the checks ingest applies to them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from recourse.domain.errors import InvalidInput
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
        raise InvalidInput("email", "Enter a valid email address.")
    return value


def check_name(name: str) -> str:
    """T3: a name is shown on pages and put in mail headers, where a line break would end the
    header; so control characters and line separators are refused, not quietly cleaned."""
    if any(unicodedata.category(ch) in NOT_IN_NAMES for ch in name):
        raise InvalidInput(
            "name", "A name cannot contain line breaks, tabs or other control characters."
        )
    value = name.strip()
    if not value:
        raise InvalidInput("name", "Enter a name.")
    if len(value) > NAME_MAX:
        raise InvalidInput("name", f"The name is too long ({NAME_MAX} characters at most).")
    return value


def check_country(country: str, field_name: str = "country") -> str:
    value = country.strip().upper()
    if not _COUNTRY.match(value):
        raise InvalidInput(field_name, "Use a two-letter ISO 3166 country code, such as DE.")
    return value


def check_timezone(tz: str) -> str:
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput("timezone", f"Unknown time zone {tz!r}; use an IANA name.") from None
    return tz


def check_locale(locale: str) -> str:
    """'pt-BR', 'pt_br' and 'pt_BR' all mean Brazilian Portuguese; stored as 'pt_BR'."""
    language, _, region = locale.strip().replace("-", "_").partition("_")
    value = f"{language.lower()}_{region.upper()}" if region else language.lower()
    if not _LOCALE.match(value):
        raise InvalidInput("locale", "Use a language tag such as en, de or pt_BR.")
    return value


def check_password(password: str) -> str:
    if len(password) < 8:
        raise InvalidInput("password", "The password needs at least 8 characters.")
    if len(password) > 256:
        raise InvalidInput("password", "The password is too long (256 characters at most).")
    return password
