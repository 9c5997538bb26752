"""§10 business days: the relevant country's weekend and public holidays are skipped.

Weekends differ by country (Friday and Saturday in Kuwait), so the weekend is a parameter:
weekday numbers as in `date.weekday()`, Monday = 0.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

IsHoliday = Callable[[date], bool]
SAT_SUN = frozenset({5, 6})


def is_business_day(day: date, is_holiday: IsHoliday, weekend: frozenset[int] = SAT_SUN) -> bool:
    return day.weekday() not in weekend and not is_holiday(day)


def add_business_days(
    start: date, days: int, is_holiday: IsHoliday, weekend: frozenset[int] = SAT_SUN
) -> date:
    """The date `days` business days after `start` (0 = the next business day on or after)."""
    if days < 0:
        raise ValueError("days must be >= 0")
    current = start
    while not is_business_day(current, is_holiday, weekend):
        current += timedelta(days=1)
    counted = 0
    while counted < days:
        current += timedelta(days=1)
        if is_business_day(current, is_holiday, weekend):
            counted += 1
    return current


def add_business_days_at(
    moment: datetime, days: int, is_holiday: IsHoliday, weekend: frozenset[int] = SAT_SUN
) -> datetime:
    """Same wall-clock time, `days` business days later (used for ship-by style deadlines)."""
    target = add_business_days(moment.date(), days, is_holiday, weekend)
    return datetime.combine(target, moment.timetz())
