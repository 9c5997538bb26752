"""The dashboard's order panels (issue 13): cancellation reasons by whose fault they are,
and refund times per payment method against the expected window."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Sequence

from babel.numbers import format_decimal

from recourse.db.queries import dashboard as q
from recourse.i18n import N_, Words
from recourse.texts.web import reason_label
from recourse.web.charts import Format, Series, bar_chart
from recourse.web.pages.shared.present_orders import PAYMENT_METHODS
from recourse.web.pages.support.dashboard_panels import Panel, colour_of, label_of

FAULTS = {
    "seller": N_("Seller's fault"),
    "buyer": N_("Buyer's fault"),
    "none": N_("Nobody's fault"),
}


def _decimal(words: Words) -> Format:
    def fmt(value: float) -> str:
        return str(format_decimal(round(value, 1), format="#,##0.#", locale=words.lang))

    return fmt


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
            label_of(FAULTS, f, words),
            tuple(float(counts[k]) if k[1] == f else 0.0 for k in order),
            colour_of(list(FAULTS), f),
        )
        for f in faults
    ]
    desc = words._(
        "Cancellations in the period by reason, grouped by whose fault the reason is: %(parts)s.",
        parts="; ".join(
            f"{names[i]} ({label_of(FAULTS, k[1], words)}): {words.number(counts[k])}"
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
            [names[i], label_of(FAULTS, k[1], words), words.number(counts[k])]
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
                label_of(PAYMENT_METHODS, method, words),
                words.number(len(refunds)),
                fmt(median),
                fmt(p90),
                "" if limit is None else words.number(limit),
                words.number(late),
            ]
        )
    names = [label_of(PAYMENT_METHODS, m, words) for m in methods]
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
