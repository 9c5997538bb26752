"""The dashboard's five panels (issue 13): each counts its rows by day or by kind, draws
them as an SVG chart and keeps the same numbers for the table beside it. The rows come from
`db.queries.dashboard`; the words are the viewer's."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal
from markupsafe import Markup

from recourse.db.queries import dashboard as q
from recourse.i18n import N_, Words
from recourse.texts.web import reason_label
from recourse.web.charts import PALETTE, Format, Series, bar_chart, column_chart
from recourse.web.pages.shared.present_orders import PAYMENT_METHODS

DISPUTE_TYPES = {
    "not_received": N_("Not received"),
    "not_as_described": N_("Not as described"),
    "cancellation_refused": N_("Cancellation refused"),
    "return_refused": N_("Return refused"),
    "refund_not_received": N_("Refund not received"),
}

# How a dispute ended, in the order the stacks are drawn.
ENDINGS = {
    "seller_accepted": N_("Seller accepted or did not answer"),
    "agreed": N_("Agreed between them"),
    "full_refund": N_("Support: full refund"),
    "partial_refund": N_("Support: partial refund"),
    "refund_after_return": N_("Support: refund after return"),
    "no_refund": N_("Support: no refund"),
    "withdrawn": N_("Withdrawn by the buyer"),
}

FAULTS = {
    "seller": N_("Seller's fault"),
    "buyer": N_("Buyer's fault"),
    "none": N_("Nobody's fault"),
}


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


def _decimal(words: Words) -> Format:
    def fmt(value: float) -> str:
        return str(format_decimal(round(value, 1), format="#,##0.#", locale=words.lang))

    return fmt


def _colour(known: list[str], code: str) -> str | None:
    """A category's own colour, the same in every period (None: next in the palette)."""
    return PALETTE[known.index(code) % len(PALETTE)] if code in known else None


def _label(table: dict[str, str], code: str, words: Words) -> str:
    msgid = table.get(code)
    return words._(msgid) if msgid is not None else code.replace("_", " ").capitalize()


def _per_day(moments: Iterable[datetime | None], p: Period, tz: ZoneInfo) -> list[int]:
    counts = Counter(p.day_of(x, tz) for x in moments if x is not None)
    return [counts.get(d, 0) for d in p.dates]


def _day_rows(p: Period, words: Words, series: Sequence[Series]) -> list[list[str]]:
    return [
        [words.day(d), *(words.number(int(s.values[i])) for s in series)]
        for i, d in enumerate(p.dates)
    ]


def opened_and_decided(
    rows: list[q.DisputeMoments], p: Period, tz: ZoneInfo, words: Words
) -> Panel:
    opened = _per_day((r.opened_at for r in rows), p, tz)
    decided = _per_day((r.decided_at for r in rows), p, tz)
    series = [
        Series(words._("Opened"), tuple(opened)),
        Series(words._("Decided by support"), tuple(decided)),
    ]
    first, last = words.day(p.first), words.day(p.last)
    desc = words._(
        "Disputes opened and decided by support per day from %(first)s to %(last)s: "
        "%(opened)s opened and %(decided)s decided in all.",
        first=first,
        last=last,
        opened=words.number(sum(opened)),
        decided=words.number(sum(decided)),
    )
    labels = [words.day(d, "d MMM") for d in p.dates]
    return Panel(
        ident="opened",
        heading=words._("Disputes opened and decided"),
        intro=desc,
        svg=column_chart(
            ident="chart-opened",
            title=words._("Disputes opened and decided per day"),
            desc=desc,
            categories=labels,
            series=series,
        ),
        empty="",
        caption=words._("Disputes opened and decided per day"),
        columns=[words._("Day"), *(s.name for s in series)],
        rows=_day_rows(p, words, series),
    )


def _ending(row: q.OutcomeCount) -> str | None:
    if row.status == "withdrawn":
        return "withdrawn"
    if row.resolution in ("seller_accepted", "seller_silent"):
        return "seller_accepted"
    if row.resolution == "agreed":
        return "agreed"
    return row.outcome


def outcomes_by_type(rows: list[q.OutcomeCount], words: Words) -> Panel:
    counts: Counter[tuple[str, str]] = Counter()
    for r in rows:
        ending = _ending(r)
        if ending is not None:
            counts[(r.type, ending)] += r.count
    types = [t for t in DISPUTE_TYPES if any(counts[(t, e)] for e in ENDINGS)]
    types += sorted({t for t, _ in counts} - set(DISPUTE_TYPES))
    endings = [e for e in ENDINGS if any(counts[(t, e)] for t in types)]
    series = [
        Series(
            _label(ENDINGS, e, words),
            tuple(float(counts[(t, e)]) for t in types),
            _colour(list(ENDINGS), e),
        )
        for e in endings
    ]
    names = [_label(DISPUTE_TYPES, t, words) for t in types]
    total = sum(counts.values())
    desc = words._(
        "How the %(count)s disputes that ended in the period ended, by type: %(parts)s.",
        count=words.number(total),
        parts="; ".join(
            f"{name}: "
            + ", ".join(f"{s.name} {words.number(int(s.values[i]))}" for s in series if s.values[i])
            for i, name in enumerate(names)
        ),
    )
    return Panel(
        ident="outcomes",
        heading=words._("Outcomes by dispute type"),
        intro=words._(
            "Disputes that ended in the period: agreed between buyer and seller, decided by "
            "support (the appeal's decision when there was one), or withdrawn."
        ),
        svg=bar_chart(
            ident="chart-outcomes",
            title=words._("Outcomes by dispute type"),
            desc=desc,
            categories=names,
            series=series,
            stacked=True,
            label_width=180,
        )
        if types
        else None,
        empty=words._("No dispute ended in this period."),
        caption=words._("Disputes that ended, by type and outcome"),
        columns=[words._("Type"), *(s.name for s in series), words._("Total")],
        rows=[
            [
                name,
                *(words.number(int(s.values[i])) for s in series),
                words.number(int(sum(s.values[i] for s in series))),
            ]
            for i, name in enumerate(names)
        ],
    )


def sla_breaches(
    rows: list[q.SlaCase], p: Period, now: datetime, tz: ZoneInfo, words: Words
) -> Panel:
    late = _per_day(
        (r.due_at for r in rows if r.answered_at is not None and r.answered_at > r.due_at), p, tz
    )
    waiting = _per_day((r.due_at for r in rows if r.answered_at is None and now > r.due_at), p, tz)
    series = [
        Series(words._("Decided late"), tuple(late)),
        Series(words._("Still waiting past the due time"), tuple(waiting)),
    ]
    desc = words._(
        "Escalated disputes whose decision was due on each day from %(first)s to %(last)s and "
        "came late or has not come: %(late)s decided late, %(waiting)s still waiting.",
        first=words.day(p.first),
        last=words.day(p.last),
        late=words.number(sum(late)),
        waiting=words.number(sum(waiting)),
    )
    return Panel(
        ident="sla",
        heading=words._("Support answers past the SLA"),
        intro=desc,
        svg=column_chart(
            ident="chart-sla",
            title=words._("SLA breaches per day"),
            desc=desc,
            categories=[words.day(d, "d MMM") for d in p.dates],
            series=series,
            stacked=True,
        ),
        empty="",
        caption=words._("SLA breaches by the day the decision was due"),
        columns=[words._("Day"), *(s.name for s in series)],
        rows=_day_rows(p, words, series),
    )


def cancellation_reasons(rows: list[q.ReasonCount], words: Words) -> Panel:
    faults = [f for f in FAULTS if any(r.fault == f for r in rows)]
    faults += sorted({r.fault for r in rows} - set(FAULTS))
    counts: Counter[tuple[str, str]] = Counter()
    labels: dict[str, str] = {}
    for r in rows:
        counts[(r.reason, r.fault)] += r.count
        labels[r.reason] = reason_label(r.reason, r.label, words)
    order = sorted(counts, key=lambda k: (faults.index(k[1]), -counts[k], labels[k[0]].casefold()))
    names = [labels[reason] for reason, _ in order]
    series = [
        Series(
            _label(FAULTS, f, words),
            tuple(float(counts[k]) if k[1] == f else 0.0 for k in order),
            _colour(list(FAULTS), f),
        )
        for f in faults
    ]
    desc = words._(
        "Cancellations in the period by reason, grouped by whose fault the reason is: %(parts)s.",
        parts="; ".join(
            f"{names[i]} ({_label(FAULTS, k[1], words)}): {words.number(counts[k])}"
            for i, k in enumerate(order)
        ),
    )
    return Panel(
        ident="reasons",
        heading=words._("Cancellation reasons by fault"),
        intro=words._(
            "Cancellations asked for or made in the period, by the reason given; the colour "
            "says whose fault the reason counts as."
        ),
        svg=bar_chart(
            ident="chart-reasons",
            title=words._("Cancellation reasons by fault"),
            desc=desc,
            categories=names,
            series=series,
            stacked=True,
            label_width=260,
            row=26,
        )
        if order
        else None,
        empty=words._("No cancellation in this period."),
        caption=words._("Cancellations by reason and fault"),
        columns=[words._("Reason"), words._("Fault"), words._("Cancellations")],
        rows=[
            [names[i], _label(FAULTS, k[1], words), words.number(counts[k])]
            for i, k in enumerate(order)
        ],
    )


def _percentile(values: Sequence[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of them at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def refund_times(rows: list[q.RefundTime], words: Words) -> Panel:
    by_method: dict[str, list[q.RefundTime]] = {}
    for r in rows:
        by_method.setdefault(r.method, []).append(r)
    methods = [m for m in PAYMENT_METHODS if m in by_method]
    methods += sorted(set(by_method) - set(PAYMENT_METHODS))
    fmt = _decimal(words)
    medians, p90s, limits, table = [], [], [], []
    for method in methods:
        refunds = by_method[method]
        days = [(r.succeeded_at - r.created_at).total_seconds() / 86400 for r in refunds]
        median, p90 = statistics.median(days), _percentile(days, 0.9)
        limit = refunds[0].max_business_days
        late = sum(1 for r in refunds if r.succeeded_at.date() > r.expected_latest)
        medians.append(median)
        p90s.append(p90)
        limits.append(None if limit is None else float(limit))
        table.append(
            [
                _label(PAYMENT_METHODS, method, words),
                words.number(len(refunds)),
                fmt(median),
                fmt(p90),
                "" if limit is None else words.number(limit),
                words.number(late),
            ]
        )
    names = [_label(PAYMENT_METHODS, m, words) for m in methods]
    series = [
        Series(words._("Median days"), tuple(medians)),
        Series(words._("90th percentile, days"), tuple(p90s)),
    ]
    desc = words._(
        "Days from a refund's creation to the money reaching the buyer, per payment method, "
        "against the most business days the method's settlement may take: %(parts)s.",
        parts="; ".join(
            words._(
                "%(method)s: median %(median)s, 90th percentile %(p90)s, expected within %(limit)s",
                method=row[0],
                median=row[2],
                p90=row[3],
                limit=row[4] or "-",
            )
            for row in table
        ),
    )
    marker = words._("Expected at most (business days)")
    return Panel(
        ident="refunds",
        heading=words._("Refund time against the expected window"),
        intro=words._(
            "Refunds that reached the buyer in the period: calendar days from the refund to "
            "the credit. The black mark is the most business days the payment method's "
            "settlement may take, so a bar past it is late or close to it."
        ),
        svg=bar_chart(
            ident="chart-refunds",
            title=words._("Refund time against the expected window"),
            desc=desc,
            categories=names,
            series=series,
            markers=limits,
            marker_name=marker,
            fmt=fmt,
            whole=False,
            label_width=160,
            row=40,
        )
        if methods
        else None,
        empty=words._("No refund reached a buyer in this period."),
        caption=words._("Refund time by payment method"),
        columns=[
            words._("Payment method"),
            words._("Refunds"),
            words._("Median days"),
            words._("90th percentile, days"),
            marker,
            words._("Later than the expected date"),
        ],
        rows=table,
    )
