"""Clocks: the system clock and a fixed one that tests move by hand (the demo clock is in db/)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime) -> None:
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def set(self, moment: datetime) -> None:
        self._now = moment


def parse_duration(text: str) -> timedelta:
    """'2d', '36h', '90m', '1d12h', '45s', '1w' → timedelta."""
    units = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
    total = 0
    number = ""
    for ch in text.strip().lower():
        if ch.isdigit():
            number += ch
        elif ch in units and number:
            total += int(number) * units[ch]
            number = ""
        else:
            raise ValueError(f"cannot read duration {text!r}; use e.g. 2d, 36h, 90m, 1d12h")
    if number or total == 0:
        raise ValueError(f"cannot read duration {text!r}; use e.g. 2d, 36h, 90m, 1d12h")
    return timedelta(seconds=total)
