"""§10 business days: weekends and the relevant country's public holidays are skipped."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from recourse.domain.calendar import (
    IsHoliday,
    add_business_days,
    add_business_days_at,
    is_business_day,
)
from recourse.integrations.calendars import HolidaysCalendar


def no_holidays(day: date) -> bool:
    return False


def holidays_on(*days: date) -> IsHoliday:
    return frozenset(days).__contains__


# March 2026: Mon 2, Fri 6, Sat 7, Sun 8, Mon 9, Tue 10.
MON, FRI, SAT, SUN, NEXT_MON, NEXT_TUE = (
    date(2026, 3, 2),
    date(2026, 3, 6),
    date(2026, 3, 7),
    date(2026, 3, 8),
    date(2026, 3, 9),
    date(2026, 3, 10),
)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (MON, 0, MON),
        (MON, 4, FRI),
        (MON, 5, NEXT_MON),
        (FRI, 1, NEXT_MON),
        (SAT, 0, NEXT_MON),
        (SUN, 0, NEXT_MON),
        (SAT, 1, NEXT_TUE),
        (MON, 10, date(2026, 3, 16)),
    ],
    ids=[
        "zero_on_a_weekday",
        "within_the_week",
        "over_one_weekend",
        "friday_plus_one",
        "saturday_rolls_to_monday",
        "sunday_rolls_to_monday",
        "from_a_saturday",
        "over_two_weekends",
    ],
)
def test_weekends_are_skipped(start: date, days: int, expected: date) -> None:
    assert add_business_days(start, days, no_holidays) == expected


def test_a_holiday_is_skipped_like_a_weekend_day() -> None:
    is_holiday = holidays_on(NEXT_MON)

    assert add_business_days(FRI, 1, is_holiday) == NEXT_TUE


def test_a_holiday_start_rolls_to_the_next_business_day() -> None:
    is_holiday = holidays_on(MON, date(2026, 3, 3))

    assert add_business_days(MON, 0, is_holiday) == date(2026, 3, 4)


def test_a_holiday_that_falls_on_a_weekend_costs_nothing_extra() -> None:
    is_holiday = holidays_on(SAT)

    assert add_business_days(FRI, 1, is_holiday) == NEXT_MON


def test_negative_business_days_are_refused() -> None:
    with pytest.raises(ValueError):
        add_business_days(MON, -1, no_holidays)


def test_a_deadline_keeps_its_time_of_day_and_zone() -> None:
    friday_evening = datetime(2026, 3, 6, 17, 30, 15, tzinfo=UTC)

    assert add_business_days_at(friday_evening, 1, no_holidays) == datetime(
        2026, 3, 9, 17, 30, 15, tzinfo=UTC
    )


def german(day: date) -> bool:
    return HolidaysCalendar().is_holiday("DE", day)


def test_german_christmas_holidays_are_skipped() -> None:
    christmas_eve = date(2026, 12, 24)  # a Thursday; Fri 25 and Sat 26 are holidays

    assert add_business_days(christmas_eve, 1, german) == date(2026, 12, 28)
    assert not is_business_day(date(2026, 12, 25), german)
    assert not is_business_day(date(2026, 12, 26), german)


def test_german_easter_holidays_and_the_weekend_between_are_skipped() -> None:
    maundy_thursday = date(2026, 4, 2)  # Good Friday 3rd, Easter Monday 6th

    assert add_business_days(maundy_thursday, 1, german) == date(2026, 4, 7)


def test_holidays_depend_on_the_country() -> None:
    us = HolidaysCalendar()

    assert add_business_days(date(2026, 4, 2), 1, lambda d: us.is_holiday("US", d)) == date(
        2026, 4, 3
    )


@pytest.mark.parametrize("country", ["DE", "de", "KW", "US", "ZZ"])
def test_the_calendars_business_days_after_count_its_weekend_and_holidays(country: str) -> None:
    calendar = HolidaysCalendar()
    weekend = calendar.weekend(country)
    start = date(2026, 12, 20)

    for days in (1, 3, 10, 20):
        expected = add_business_days(
            start, days, lambda d: calendar.is_holiday(country, d), weekend
        )
        assert calendar.business_days_after(country, start, days) == expected
        assert calendar.business_days_after(country, start, days) == expected  # kept


def test_kuwait_counts_sunday_as_a_business_day_and_germany_does_not() -> None:
    calendar = HolidaysCalendar()
    thursday = date(2026, 3, 5)

    assert calendar.business_days_after("KW", thursday, 1) == date(2026, 3, 8)  # Sunday
    assert calendar.business_days_after("DE", thursday, 1) == date(2026, 3, 6)  # Friday
