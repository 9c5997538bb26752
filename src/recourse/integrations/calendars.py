"""Public holidays per country from the `holidays` package (§10 business days)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

import holidays


@lru_cache(maxsize=512)
def _country_year(country: str, year: int) -> Any:
    try:
        return holidays.country_holidays(country, years=year)
    except NotImplementedError:
        return {}


class HolidaysCalendar:
    def is_holiday(self, country: str, day: date) -> bool:
        return day in _country_year(country.upper(), day.year)
