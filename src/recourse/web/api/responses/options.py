"""H1: every path on an order for whoever asks, open or closed, why, until or from when, what
to do instead, the help article, and for the buyer's open cancel paths the refund and its dates."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from recourse.domain.cancellation_paths import ALTERNATIVE_HELP
from recourse.domain.options import Option, PathName
from recourse.domain.refund import RefundQuote
from recourse.i18n import Words
from recourse.services.options import OrderOption, OrderOptions
from recourse.texts import blocker_message
from recourse.texts.options import alternative_title, path_label
from recourse.web.api.responses.common import Moment, Money, ResponseBody, money
from recourse.web.api.responses.refunds import ExpectedBy


def help_url(slug: str | None) -> str | None:
    """H2: an article of the help centre."""
    return f"/help/{slug}" if slug else None


class OptionBlocker(ResponseBody):
    """C1: why the path is closed, as a code, a sentence in the reader's language, and facts."""

    code: str
    message: str
    facts: dict[str, Any]


class OptionAlternative(ResponseBody):
    """What to do instead: another path (`code` is then a path's name) or advice."""

    code: str
    title: str
    help_url: str | None = Field(description="the help article about it, if there is one")


class RefundParts(ResponseBody):
    items: Money
    tax: Money
    shipping: Money
    fees: Money


class OptionQuote(ResponseBody):
    """C6: what taking the path pays back now (for `cancel_items`, every unit still to ship:
    the most choosing items can pay back)."""

    total: Money
    parts: RefundParts

    @classmethod
    def of(cls, q: RefundQuote) -> OptionQuote:
        c = q.currency
        return cls(
            total=money(q.total, c),
            parts=RefundParts(
                items=money(q.items, c),
                tax=money(q.tax, c),
                shipping=money(q.shipping, c),
                fees=money(q.fees, c),
            ),
        )


class OrderOptionOut(ResponseBody):
    path: PathName
    label: str = Field(description="the path's name in the reader's language")
    open: bool
    blocker: OptionBlocker | None
    facts: dict[str, Any] = Field(description="what the path decided on (mode, respond_by, …)")
    opens_at: Moment | None = Field(description="when a closed path opens, if it will")
    closes_at: Moment | None = Field(description="when an open path stops being open")
    alternatives: list[OptionAlternative]
    help_url: str | None
    quote: OptionQuote | None
    expected: ExpectedBy | None = Field(description="F5: when the refund should arrive")

    @classmethod
    def of(cls, found: OrderOption, words: Words, *, delivered: bool) -> OrderOptionOut:
        o: Option = found.option
        return cls(
            path=o.path,
            label=path_label(str(o.path), words),
            open=o.open,
            blocker=OptionBlocker(
                code=o.blocker, message=blocker_message(o.blocker, o.facts, words), facts=o.facts
            )
            if o.blocker
            else None,
            facts=dict(o.facts),
            opens_at=o.opens_at,
            closes_at=o.closes_at,
            alternatives=[
                OptionAlternative(
                    code=code,
                    title=alternative_title(code, words, delivered=delivered),
                    help_url=help_url(ALTERNATIVE_HELP.get(code)),
                )
                for code in o.alternatives
            ],
            help_url=help_url(o.help),
            quote=OptionQuote.of(found.quote) if found.quote and found.quote.total > 0 else None,
            expected=ExpectedBy(earliest=found.expected.earliest, latest=found.expected.latest)
            if found.expected
            else None,
        )


class OrderOptionsOut(ResponseBody):
    """H1: "what can I do now?" for this order, this viewer, at `at`."""

    order_id: int
    at: Moment
    options: list[OrderOptionOut]

    @classmethod
    def of(cls, found: OrderOptions, words: Words) -> OrderOptionsOut:
        return cls(
            order_id=found.order_id,
            at=found.at,
            options=[OrderOptionOut.of(o, words, delivered=found.delivered) for o in found.options],
        )
