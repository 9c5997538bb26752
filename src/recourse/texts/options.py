"""Words of the "what can I do now?" guide (H1): each path's name, the sentences of the blockers
only a path has (the rest are the cancellation blockers and errors, read by the same code), and
what to do instead."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from recourse.i18n import N_, Words
from recourse.texts import cancellations, conversation, disputes, parcels, receipt, returns
from recourse.texts.core import Sentence, label, say

# A path's name, as the button or link that takes it reads.
PATH_LABELS: dict[str, str] = {
    "cancel": N_("Cancel the order"),
    "cancel_items": N_("Cancel some items"),
    "withdraw_request": N_("Withdraw your request"),
    "approve_request": N_("Approve the cancellation request"),
    "reject_request": N_("Reject the cancellation request"),
    "ship": N_("Ship the order"),
    "cancel_as_seller": N_("Cancel items"),
    "refund": N_("Refund the buyer"),
    "contact_support": N_("Contact support"),
    **receipt.PATH_LABELS,
    **conversation.PATH_LABELS,
    **parcels.PATH_LABELS,
    **returns.PATH_LABELS,
    **disputes.PATH_LABELS,
}


def path_label(path: str, words: Words) -> str:
    return label(PATH_LABELS, path, words)


def _no_request_pending(words: Words, facts: Mapping[str, Any]) -> str:
    if facts.get("audience") == "seller":
        return words._(N_("No cancellation request is waiting for your answer."))
    return words._(N_("You have no cancellation request waiting for the seller."))


def _nothing_to_refund(words: Words, facts: Mapping[str, Any]) -> str:
    if facts.get("captured"):
        return words._(N_("Everything captured has been refunded."))
    return words._(N_("Nothing can be refunded until the payment is captured."))


BLOCKERS: dict[str, Sentence] = {
    "no_request_pending": _no_request_pending,
    "single_item_left": say(N_("Only one item is left to ship: cancelling it cancels the order.")),
    "payment_not_captured": say(N_("You can ship this order once its payment is captured.")),
    "nothing_to_ship": say(N_("Everything on this order has shipped or been cancelled.")),
    "nothing_to_refund": _nothing_to_refund,
    # The same sentence as the action's refusal (ERRORS), read as a path's blocker.
    "respond_by_passed": cancellations.ERRORS["respond_by_passed"],
    "overdue_autocancelled": cancellations.ERRORS["overdue_autocancelled"],
    "cancellation_pending": cancellations.ERRORS["cancellation_pending"],
}

ERRORS: dict[str, Sentence] = {}


def alternative_title(code: str, words: Words, *, delivered: bool = False) -> str:
    """What to do instead, in a few words: an alternative's title, or another path's name."""
    pair = cancellations.ALTERNATIVES.get(code)
    if code == "return_after_delivery" and delivered:
        pair = cancellations.DELIVERED_RETURN
    if pair is not None:
        return words._(pair[0])
    return path_label(code, words)


__all__ = ["BLOCKERS", "ERRORS", "PATH_LABELS", "alternative_title", "path_label"]
