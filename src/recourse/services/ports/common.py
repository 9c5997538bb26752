"""Ports every capability uses: time, calendars, currencies, passwords, addresses, the
timeline and the outbox, and the context a use case runs in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from recourse.domain.money import Money
from recourse.domain.timeline import TimelineEntry
from recourse.domain.webhooks import IPAddress
from recourse.services.ports.files import EvidenceInspector, FileStore


class Clock(Protocol):
    def now(self) -> datetime: ...


class HolidayCalendar(Protocol):
    def is_holiday(self, country: str, day: date) -> bool: ...
    def weekend(self, country: str) -> frozenset[int]: ...
    def business_days_after(self, country: str, start: date, days: int) -> date:
        """The date `days` business days after `start` in the country (`add_business_days`
        with its weekend and holidays)."""
        ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...

    def verify_decoy(self, password: str) -> None:
        """As long as `verify`, for an account that does not exist (T5)."""


class Currencies(Protocol):
    def is_known(self, code: str) -> bool: ...

    def format(self, money: Money) -> str:
        """'€19.99', '¥1,200': exact to the currency's minor unit."""
        ...


class Resolver(Protocol):
    """T2: the addresses a host name has now (DNS, the hosts file), in the order to try."""

    def resolve(self, host: str, port: int) -> list[IPAddress]: ...


class Timeline(Protocol):
    def add(self, entry: TimelineEntry) -> None: ...


class Outbox(Protocol):
    def add(
        self,
        kind: str,
        payload: Mapping[str, Any],
        *,
        available_at: datetime,
        dedupe_key: str | None = None,
    ) -> None: ...


@dataclass(frozen=True, slots=True)
class Context:
    """What every use case needs besides the unit of work: time and calendars."""

    clock: Clock
    holidays: HolidayCalendar
    currencies: Currencies
    gateway: str = "sandbox"
    # T2: webhooks may go to loopback and private addresses (tests and local demos only).
    webhook_allow_private: bool = False
    # T6: where evidence files are kept, and what cleans an upload (set by the container).
    files: FileStore | None = None
    inspector: EvidenceInspector | None = None
