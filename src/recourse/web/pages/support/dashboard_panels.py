"""The dashboard's five panels (issue 13): each counts its rows by day or by kind, draws
them as an SVG chart and keeps the same numbers for the table beside it. The rows come from
`db.queries.dashboard`; the words are the viewer's.

This module holds what every panel is made of (the panel, the period, a category's colour
and label); the dispute panels are in `dashboard_disputes`, the cancellation and refund
panels in `dashboard_orders`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from markupsafe import Markup

from recourse.i18n import Words
from recourse.web.charts import PALETTE


@dataclass(frozen=True, slots=True)
class Panel:
    """One chart: its heading, a sentence on what it counts, the drawing, and the same numbers
    as a table (the first cell of each row is its header)."""

    ident: str
    heading: str
    intro: str
    svg: Markup | None
    empty: str
    caption: str
    columns: list[str]
    rows: list[list[str]]


@dataclass(frozen=True, slots=True)
class Period:
    days: int
    first: date
    last: date
    since: datetime

    def day_of(self, moment: datetime, tz: ZoneInfo) -> date:
        return moment.astimezone(tz).date()

    @property
    def dates(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range(self.days)]


def period(days: int, now: datetime, tz: ZoneInfo) -> Period:
    """The last `days` days of the viewer's calendar, today included."""
    last = now.astimezone(tz).date()
    first = last - timedelta(days=days - 1)
    return Period(days, first, last, datetime.combine(first, time(), tzinfo=tz))


def colour_of(known: list[str], code: str) -> str | None:
    """A category's own colour, the same in every period (None: next in the palette)."""
    return PALETTE[known.index(code) % len(PALETTE)] if code in known else None


def label_of(table: dict[str, str], code: str, words: Words) -> str:
    """A category's words from its table, or its code made readable when it has none."""
    msgid = table.get(code)
    return words._(msgid) if msgid is not None else code.replace("_", " ").capitalize()
