"""C6 for a return (R1, R5): the quote the buyer confirms, worded: what goes back, what
comes back and how it is made up (the deductions of a change of mind split into restocking
fee and return shipping), where to, by when, and what happens next."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from recourse.db.queries.orders import OrderDetail
from recourse.domain.roles import Role
from recourse.domain.settlement import ExpectedBy
from recourse.i18n import N_, Words
from recourse.texts.refund_dates import date_range, destination_words
from recourse.web.pages.shared.return_labels import category_label, return_reason_label
from recourse.web.templating import local_time


@dataclass(frozen=True, slots=True)
class ReturnQuoteWords:
    """C6 for a return: what goes back, what comes back and how it is made up, where to, by
    when, and what happens next."""

    lines: list[dict[str, Any]]
    parts: list[tuple[str, str]]
    total: str | None
    nothing: str | None
    destination: str | None
    expected: str | None
    fees_note: str | None
    next_step: str
    reason: str
    category: str


def _quote_of(found: Any) -> Any:
    """The refund quote inside the service's answer (or the answer itself)."""
    return getattr(found, "quote", None) or getattr(found, "refund", None) or found


def quote_words(
    detail: OrderDetail,
    found: Any,
    values: Mapping[str, Any],
    words: Words,
    expected: ExpectedBy | None = None,
) -> ReturnQuoteWords:
    order = detail.order
    currency = order.currency
    quote = _quote_of(found)
    total = int(quote.total)
    policy = detail.policy.policy
    restocking, return_shipping = fee_parts(int(quote.items), int(quote.fees), policy)
    parts = [
        (words._(name), words.money(value, currency))
        for name, value in (
            (N_("Items"), quote.items),
            (N_("Tax"), quote.tax),
            (N_("Shipping"), quote.shipping),
            (N_("Restocking fee"), -restocking),
            (N_("Return shipping"), -return_shipping),
        )
        if value
    ]
    category = str(getattr(found, "category", "") or "")
    fees_note = None
    if int(quote.fees) < 0:
        fees_note = _fees_note(policy, words)
    elif category == "not_as_described" and int(quote.shipping) > 0:
        fees_note = words._(
            N_(
                "As the item is not as described, the return shipping is refunded too, and "
                "the original shipping when everything goes back."
            )
        )
    respond_by = getattr(found, "respond_by", None)
    next_step = words._(
        N_(
            "This sends your return to the seller, who answers by %(time)s: they approve "
            "it (and you send the items back), decline it, or offer a partial refund for you "
            "to keep them. Without an answer by then it is approved automatically."
        ),
        time=local_time(words, respond_by) if isinstance(respond_by, datetime) else "",
    )
    titles = {line.id: line.title for line in order.lines}
    chosen = [
        {"title": titles.get(int(k), "#" + k), "quantity": int(v)}
        for k, v in values["qty"].items()
        if k.isdigit() and str(v).strip().isdigit() and int(v)
    ]
    with_reasons = getattr(found, "reason_label", None)
    return ReturnQuoteWords(
        lines=chosen,
        parts=parts,
        total=words.money(total, currency) if total > 0 else None,
        nothing=None if total > 0 else words._(N_("Nothing is refunded for these items.")),
        destination=destination_words(str(order.payment.method), Role.buyer, words)
        if total > 0
        else None,
        expected=date_range(expected.earliest, expected.latest, words)
        if expected is not None and total > 0
        else None,
        fees_note=fees_note,
        next_step=next_step,
        reason=str(with_reasons)
        if with_reasons
        else return_reason_label(str(values["reason"]), None, words),
        category=category_label(category or None, words),
    )


def fee_parts(items: int, fees: int, policy: Any) -> tuple[int, int]:
    """R5: the deductions of a change-of-mind return (`fees` ≤ 0) as (restocking fee, return
    shipping), both ≥ 0 and adding up to what the quote deducts: the restocking fee is the
    store's percentage of the items, the rest is the return shipping."""
    deducted = -fees
    percent = int(getattr(policy, "restocking_fee_percent", 0) or 0)
    restocking = min(items * percent // 100, deducted)
    return restocking, deducted - restocking


def _fees_note(policy: Any, words: Words) -> str:
    """R5: what the fees of a change-of-mind return are made of, from the store's policy."""
    restocking = int(getattr(policy, "restocking_fee_percent", 0) or 0)
    shipping = bool(getattr(policy, "buyer_pays_remorse_return_shipping", False))
    if restocking and shipping:
        return words._(
            N_(
                "As you changed your mind, the store keeps a restocking fee of %(percent)s%% "
                "of the items' price, and the cost of the return shipping (the same as the "
                "original shipping) is deducted."
            ),
            percent=restocking,
        )
    if restocking:
        return words._(
            N_(
                "As you changed your mind, the store keeps a restocking fee of %(percent)s%% "
                "of the items' price."
            ),
            percent=restocking,
        )
    return words._(
        N_(
            "As you changed your mind, the cost of the return shipping (the same as the "
            "original shipping) is deducted."
        )
    )
