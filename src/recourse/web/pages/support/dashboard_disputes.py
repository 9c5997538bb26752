"""The dashboard's dispute panels (issue 13): disputes opened and decided per day, how the
disputes that ended ended by type, and support's answers past the SLA per day."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from recourse.db.queries import dashboard as q
from recourse.i18n import N_, Words
from recourse.web.charts import Series, bar_chart, column_chart
from recourse.web.pages.support.dashboard_panels import Panel, Period, colour_of, label_of

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
            label_of(ENDINGS, e, words),
            tuple(float(counts[(t, e)]) for t in types),
            colour_of(list(ENDINGS), e),
        )
        for e in endings
    ]
    names = [label_of(DISPUTE_TYPES, t, words) for t in types]
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
