"""Public holidays per country from the `holidays` package (§10 business days)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays

from recourse.domain.calendar import add_business_days


@lru_cache(maxsize=512)
def _country_year(country: str, year: int) -> frozenset[date]:
    """The year's public holidays as plain dates: a set lookup, where the package's own
    mapping converts every key it is asked about (each refund's dates ask a dozen days)."""
    try:
        return frozenset(holidays.country_holidays(country, years=year).keys())
    except NotImplementedError:
        return frozenset()


@lru_cache(maxsize=256)
def _weekend(country: str) -> frozenset[int]:
    try:
        return frozenset(holidays.country_holidays(country).weekend)
    except NotImplementedError:
        return frozenset({5, 6})


class HolidaysCalendar:
    def is_holiday(self, country: str, day: date) -> bool:
        return day in _country_year(country.upper(), day.year)

    def weekend(self, country: str) -> frozenset[int]:
        """Friday and Saturday in Kuwait, Saturday and Sunday in Germany, …"""
        return _weekend(country.upper())

    def business_days_after(self, country: str, start: date, days: int) -> date:
        """`add_business_days` in the country's weekend and holidays, each answer kept: every
        refund issued on a day in a country asks the same two (F5's earliest and latest)."""
        return _business_days_after(country.upper(), start, days)


@lru_cache(maxsize=4096)
def _business_days_after(country: str, start: date, days: int) -> date:
    return add_business_days(
        start, days, lambda day: day in _country_year(country, day.year), _weekend(country)
    )
