"""§10 business days: weekends and the relevant country's public holidays are skipped."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

IsHoliday = Callable[[date], bool]


def is_business_day(day: date, is_holiday: IsHoliday) -> bool:
    return day.weekday() < 5 and not is_holiday(day)


def add_business_days(start: date, days: int, is_holiday: IsHoliday) -> date:
    """The date `days` business days after `start` (0 = the next business day on or after)."""
    if days < 0:
        raise ValueError("days must be >= 0")
    current = start
    while not is_business_day(current, is_holiday):
        current += timedelta(days=1)
    counted = 0
    while counted < days:
        current += timedelta(days=1)
        if is_business_day(current, is_holiday):
            counted += 1
    return current


def add_business_days_at(moment: datetime, days: int, is_holiday: IsHoliday) -> datetime:
    """Same wall-clock time, `days` business days later (used for ship-by style deadlines)."""
    target = add_business_days(moment.date(), days, is_holiday)
    return datetime.combine(target, moment.timetz())
