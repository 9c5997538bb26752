"""Sentences of confirming receipt and buyer protection (§2): the error keys the rules raise,
the blockers of the guide's `confirm_receipt` and `extend_protection`, and the paths' names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from recourse.i18n import N_, Words
from recourse.texts.core import Sentence, say, when
from recourse.texts.platform import number


def _order_completed(words: Words, facts: Mapping[str, Any]) -> str:
    if facts.get("receipt_confirmed"):
        return words._(N_("You confirmed receipt, so the order is completed."))
    return words._(
        N_("Buyer protection ended on %(completed_at)s, so the order is completed."),
        completed_at=words.when(facts.get("completed_at")),
    )


ERRORS: dict[str, Sentence] = {
    "receipt_not_possible": say(
        N_(
            "Receipt can be confirmed once the order has shipped, and only until it is "
            "completed or cancelled."
        )
    ),
    "protection_ended": say(
        N_("Buyer protection ended on %(protection_ends_at)s."),
        protection_ends_at=when("protection_ends_at"),
    ),
    "extension_not_possible": say(
        N_(
            "Buyer protection can only be extended while it runs: after the order has "
            "shipped and before it is completed."
        )
    ),
    "extension_pending": say(
        N_("A request to extend protection is already waiting for the seller's answer.")
    ),
    "protection.buyer_only": say(N_("Only the order's buyer can do this.")),
    "protection.seller_only": say(N_("Only the store's sellers can answer this request.")),
    "protection.no_such_request": say(N_("No such request to extend protection.")),
    "protection.reason_required": say(N_("Say briefly why you need more time.")),
    "protection.reason_too_long": say(
        N_("Keep the reason to %(limit)s characters (it has %(length)s)."),
        limit=number("limit"),
        length=number("length"),
    ),
    "protection.reason_control_character": say(
        N_("The reason contains a character that cannot be sent (%(character)s).")
    ),
    "protection.days_not_a_number": say(N_("Give the number of days as a whole number.")),
    "protection.days_out_of_range": say(
        N_("Choose between 1 and %(limit)s days."), limit=number("limit")
    ),
    "illegal_transition.protection_extension": say(
        N_("This request to extend protection has already been answered.")
    ),
}

BLOCKERS: dict[str, Sentence] = {
    "not_shipped_yet": say(N_("You can confirm receipt once the seller has shipped the order.")),
    "order_completed": _order_completed,
    "no_extension_request": say(N_("The buyer has not asked for more protection.")),
}

PATH_LABELS: dict[str, str] = {
    "confirm_receipt": N_("Confirm receipt"),
    "extend_protection": N_("Answer the request for more protection"),
}
"""The paths' names, as the button or link that takes them reads (texts/options reads them)."""
