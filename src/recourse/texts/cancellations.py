"""Sentences of cancellations: error keys and blockers (see `recourse.texts`).

A blocker (C1) is read twice: on its own (`BLOCKERS`, by its code) and as the error that carries
it to the API and the pages (`ERRORS`, `cancellation_blocked.<code>`): the same sentence."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from recourse.i18n import N_, Words
from recourse.texts.core import Sentence, day, money, say, when
from recourse.texts.web import reason_label


def _seller_not_late(words: Words, facts: Mapping[str, Any]) -> str:
    """C5: the reason's label (as this reader reads it) quoted; the ship-by time if there is
    one."""
    reason = repr(reason_label(facts.get("reason"), facts.get("reason_label"), words))
    if facts.get("ship_by"):
        return words._(
            N_(
                "The seller is not late: they have until %(ship_by)s to ship. "
                "Choose another reason than %(reason)s."
            ),
            ship_by=words.when(facts["ship_by"]),
            reason=reason,
        )
    return words._(
        N_("The seller is not late: Choose another reason than %(reason)s."), reason=reason
    )


def _already_shipped(words: Words, facts: Mapping[str, Any]) -> str:
    """Everything has shipped, or fewer units of one line are left than were asked for."""
    if facts.get("title") is None:
        return words._(
            N_("Everything in this order has shipped, so it can no longer be cancelled.")
        )
    return words._(
        N_(
            "Only %(cancellable)s of %(title)s can still be cancelled; "
            "the rest has shipped or is already cancelled."
        ),
        cancellable=facts.get("cancellable", 0),
        title=repr(str(facts["title"])),
    )


def _partial_cancel_not_allowed(words: Words, facts: Mapping[str, Any]) -> str:
    if facts.get("shipped_some"):
        return words._(
            N_("This store only cancels whole orders, and part of this order has already shipped.")
        )
    return words._(N_("This store only cancels whole orders."))


def _request_pending(words: Words, facts: Mapping[str, Any]) -> str:
    """C9/C10: the buyer waits for the seller's answer; the seller answers instead."""
    if facts.get("audience") == "seller":
        return words._(N_("The buyer has asked to cancel: approve or reject that request instead."))
    return words._(
        N_("You already asked the seller to cancel; wait for their answer or withdraw it.")
    )


BLOCKERS: dict[str, Sentence] = {
    "order_cancelled": say(N_("This order is already cancelled.")),
    "order_closed": say(N_("This order is closed.")),
    "payment_under_review": say(
        N_("Your payment is being verified; cancelling is possible once that is done.")
    ),
    "already_shipped": _already_shipped,
    "partial_cancel_not_allowed": _partial_cancel_not_allowed,
    "request_pending": _request_pending,
}

ERRORS: dict[str, Sentence] = {
    "cancellation.quantity_too_small": say(N_("Quantity must be at least 1.")),
    "cancellation.no_items": say(N_("Choose at least one item to cancel.")),
    "seller_not_late": _seller_not_late,
    "quote_changed": say(N_("The order changed since you saw the refund; here is the new one.")),
    "cancellation.rejection_reason": say(N_("Choose a reason for rejecting.")),
    "cancellation.rejection_note": say(N_("Explain to the buyer why you reject the cancellation.")),
    "cancellation.rejection_carrier": say(N_("Name the carrier the parcel left with.")),
    "cancellation.rejection_tracking_number": say(N_("Enter the parcel's tracking number.")),
    "cancellation_pending": say(
        N_(
            "The buyer asked to cancel these items. Reject the request first "
            "(with the carrier and tracking number if the parcel already left)."
        )
    ),
    "respond_by_passed": say(
        N_("The time to answer this request has passed: it was approved automatically.")
    ),
    "overdue_autocancelled": say(
        N_("The order was not shipped in time and has been cancelled automatically.")
    ),
    "cancellation.not_found": say(N_("No cancellation %(cancellation_id)s.")),
    "illegal_transition.cancellation": say(
        N_("A cancellation cannot go from %(current)s to %(target)s.")
    ),
    # The pages' and the API's own checks of a cancellation form.
    "cancellation.page_quantity": say(N_("Enter a whole number of items, 0 or more.")),
    "cancellation.choose_reason": say(N_("Choose a reason.")),
    "cancellation.note_too_long": say(
        N_("Keep the note under %(limit)s characters."),
        limit=lambda w, f: w.number(int(f["limit"])),
    ),
    "cancellation.no_such": say(N_("There is no such cancellation.")),
    "cancellation.no_such_request": say(N_("There is no such cancellation request.")),
    "cancellation.line_twice": say(N_("The same line is listed twice.")),
    "cancellation.no_store": say(N_("No store %(store_id)s.")),
    **{f"cancellation_blocked.{code}": sentence for code, sentence in BLOCKERS.items()},
}

# -- the cancellation pages' words ------------------------------------------------------------

STATUS_LABELS = {
    "pending_seller": N_("Waiting for the seller"),
    "completed": N_("Cancelled"),
    "approved": N_("Approved by the seller"),
    "auto_approved": N_("Approved automatically"),
    "rejected": N_("Declined by the seller"),
    "withdrawn": N_("Withdrawn"),
}

# The seller's reasons for declining a request, in the order the form offers them.
REJECTION_LABELS = {
    "already_shipped": N_("The parcel has already left"),
    "made_to_order": N_("The item is made to order"),
    "buyer_agreed_to_keep": N_("The buyer agreed to keep the order"),
    "other": N_("Another reason"),
}


# What to do instead (C1, §8): a short title and, where it helps, one sentence more.
ALTERNATIVES: dict[str, tuple[str, str]] = {
    "ask_seller": (
        N_("Ask the seller to stop the parcel"),
        N_(
            "If the seller can still intercept it, the parcel comes back to them and you are "
            "refunded."
        ),
    ),
    "refuse_delivery": (
        N_("Refuse the delivery"),
        N_(
            "Say no to the carrier at the door; you are refunded once the parcel is back with "
            "the seller."
        ),
    ),
    "return_after_delivery": (
        N_("Return it after it arrives"),
        N_("Once the parcel is delivered you can ask for a return from this page."),
    ),
    "wait": (N_("Wait"), N_("Once the check is done you can cancel from this page.")),
    "withdraw_request": (
        N_("Withdraw your request"),
        N_("The order then goes ahead as placed."),
    ),
    "cancel_whole_order": (
        N_("Cancel the whole order"),
        N_("This store cancels whole orders only; you can cancel every item instead."),
    ),
    "contact_support": (
        N_("Contact support"),
        N_("Our support team can look into it with you."),
    ),
    "approve_request": (
        N_("Approve the buyer's request"),
        N_("Answer the request on this page: approve it, or reject it with a reason."),
    ),
}
DELIVERED_RETURN = (N_("Return it"), N_("The parcel has arrived: you can ask for a return."))


def duration_words(delta: timedelta, words: Words) -> str:
    """'1 day 3 hours', '5 hours', '40 minutes': whole units, rounded down."""
    seconds = max(int(delta.total_seconds()), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60

    def in_days(n: int) -> str:
        return words.ngettext("%(num)d day", "%(num)d days", n)

    def in_hours(n: int) -> str:
        return words.ngettext("%(num)d hour", "%(num)d hours", n)

    def in_minutes(n: int) -> str:
        return words.ngettext("%(num)d minute", "%(num)d minutes", n)

    if days:
        if not hours:
            return in_days(days)
        return words._(N_("%(days)s %(hours)s"), days=in_days(days), hours=in_hours(hours))
    if hours:
        if not minutes:
            return in_hours(hours)
        return words._(
            N_("%(hours)s %(minutes)s"), hours=in_hours(hours), minutes=in_minutes(minutes)
        )
    if minutes:
        return in_minutes(minutes)
    return words._(N_("less than a minute"))


# C6: what confirming does at once, by what is cancelled (as its reader says it) and whether
# money comes back: (what, refund) → sentence.
INSTANT_NEXT: dict[tuple[str, bool], str] = {
    ("your_order", True): N_(
        "Your order is cancelled at once and the refund is issued straight away."
    ),
    ("your_order", False): N_("Your order is cancelled at once."),
    ("the_order", True): N_(
        "The order is cancelled at once and the refund is issued straight away."
    ),
    ("the_order", False): N_("The order is cancelled at once."),
    ("items", True): N_(
        "These items are cancelled at once and the refund is issued straight away."
    ),
    ("items", False): N_("These items are cancelled at once."),
}


__all__ = [
    "ALTERNATIVES",
    "BLOCKERS",
    "DELIVERED_RETURN",
    "ERRORS",
    "INSTANT_NEXT",
    "N_",
    "REJECTION_LABELS",
    "STATUS_LABELS",
    "day",
    "duration_words",
    "money",
    "say",
    "when",
]
