"""Sentences of web: error keys and blockers (see `recourse.texts`), the reason catalogue's
built-in labels and the store policy as the order page words it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from recourse.domain.policy import BuyerCancel, StorePolicy
from recourse.i18n import N_, Words
from recourse.texts import returns
from recourse.texts.core import Sentence, day, money, say, when


def _control_character(words: Words, facts: Mapping[str, Any]) -> str:
    name = facts.get("name")
    if name:
        return words._(
            N_("Remove the control character %(character)s from %(name)s."),
            character=facts.get("character", ""),
            name=name,
        )
    return words._(
        N_("Remove the control character %(character)s from a field."),
        character=facts.get("character", ""),
    )


ERRORS: dict[str, Sentence] = {
    "page.not_found": say(N_("There is no such page.")),
    "page.no_order": say(N_("No order %(order_id)s.")),
    "page.whole_number": say(N_("Enter a whole number.")),
    "page.choose_one": say(N_("Choose one of the options.")),
    "page.date": say(N_("Enter a date as year-month-day, e.g. 2026-03-31.")),
    "page.control_character": _control_character,
    "page.ship_quantity": say(N_("Enter a whole number of items, 0 or more.")),
    "page.no_webhook_endpoint": say(N_("No webhook endpoint %(endpoint_id)s.")),
    "page.mailbox_off": say(N_("The demo mailbox is off: email goes out by SMTP.")),
    "page.no_message": say(N_("There is no such message.")),
    "page.no_dead_letter": say(N_("Message %(message_id)s is not waiting for a retry.")),
    "locale_unsupported": say(N_("Choose one of the languages offered.")),
}

BLOCKERS: dict[str, Sentence] = {}


# The reason catalogue is data the operator edits; these are the labels a new installation
# is seeded with (`recourse.domain.reasons.DEFAULT_REASONS`), as msgids.
REASON_LABELS: dict[str, str] = {
    "changed_mind": N_("I changed my mind"),
    "ordered_by_mistake": N_("I ordered by mistake"),
    "found_cheaper": N_("I found it cheaper elsewhere"),
    "wrong_address": N_("The delivery address is wrong"),
    "wrong_payment_method": N_("I chose the wrong payment method"),
    "shipping_too_slow": N_("Delivery would take too long"),
    "seller_asked": N_("The seller asked me to cancel"),
    "not_shipped_in_time": N_("The seller did not ship in time"),
    "other": N_("Something else"),
    "out_of_stock": N_("Out of stock"),
    "cannot_ship_to_address": N_("Cannot ship to this address"),
    "pricing_error": N_("The price was wrong"),
    "buyer_requested": N_("The buyer asked to cancel"),
    "suspected_fraud": N_("Suspected fraud"),
    "payment_window_expired": N_("No payment arrived in time"),
    "seller_overdue": N_("The seller did not ship in time"),
    # R1: the return reasons
    **returns.REASON_LABELS,
}


def reason_label(code: str | None, stored_label: str | None, words: Words) -> str:
    """A catalogue reason's label for this reader. The stored label is the operator's words:
    English readers see it as stored; others see the built-in reason's translation while the
    label is still the seeded one, else the operator's label as it is."""
    stored = stored_label or ""
    seeded = REASON_LABELS.get(code or "")
    if seeded is None:
        return stored or (code or "").replace("_", " ").capitalize()
    if not stored or stored == seeded:
        return words._(seeded)
    return stored


def _days(words: Words, n: int) -> str:
    return words.ngettext("%(num)d day", "%(num)d days", n)


def _business_days(words: Words, n: int) -> str:
    return words.ngettext("%(num)d business day", "%(num)d business days", n)


def _hours(words: Words, hours: int) -> str:
    if hours % 24 == 0 and hours >= 48:
        return _days(words, hours // 24)
    return words.ngettext("%(num)d hour", "%(num)d hours", hours)


def policy_sentences(policy: StorePolicy, words: Words) -> list[str]:
    """§9: the store's policy in plain words, as buyers see it on every order page."""
    lines: list[str] = []
    if policy.buyer_cancel is BuyerCancel.instant:
        lines.append(
            words._(N_("You can cancel an unshipped order at once, without asking the seller."))
        )
    else:
        lines.append(
            words._(
                N_(
                    "Cancelling a paid order asks the seller, who has %(time)s to answer; "
                    "no answer means it is approved."
                ),
                time=_hours(words, policy.cancel_response_hours),
            )
        )
    if policy.allow_partial_cancel:
        lines.append(words._(N_("You may cancel some items of an order and keep the rest.")))
    else:
        lines.append(
            words._(N_("Cancellations cover the whole order; single items cannot be cancelled."))
        )
    lines.append(
        words._(
            N_("The seller ships within %(days)s."),
            days=_business_days(words, policy.processing_days),
        )
    )
    if policy.accepts_remorse_returns:
        days = _days(words, policy.return_window_days)
        if policy.buyer_pays_remorse_return_shipping:
            sentence = words._(
                N_(
                    "Changed your mind? Return within %(days)s of delivery; "
                    "you pay the return shipping."
                ),
                days=days,
            )
        else:
            sentence = words._(
                N_(
                    "Changed your mind? Return within %(days)s of delivery; "
                    "the seller pays the return shipping."
                ),
                days=days,
            )
        if policy.restocking_fee_percent:
            fee = words._(
                N_("A restocking fee of %(percent)s%% applies."),
                percent=policy.restocking_fee_percent,
            )
            sentence = f"{sentence} {fee}"
        lines.append(sentence)
    else:
        lines.append(words._(N_("This store does not take back items you simply no longer want.")))
    lines.append(
        words._(
            N_(
                "Items that are damaged, faulty or not as described can be returned at the "
                "seller's cost while buyer protection lasts; the seller answers within "
                "%(days)s."
            ),
            days=_business_days(words, policy.return_response_business_days),
        )
    )
    return lines


__all__ = [
    "BLOCKERS",
    "ERRORS",
    "N_",
    "REASON_LABELS",
    "day",
    "money",
    "policy_sentences",
    "reason_label",
    "say",
    "when",
]
