"""Sentences of the order conversation (M1) and intercept requests (S1): the error keys the rules
raise, the blockers of the guide's `ask_intercept` and `answer_intercept`, the paths' names and
the notifications."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from recourse.i18n import N_, Words
from recourse.texts.core import Sentence, say
from recourse.texts.platform import number


def _nothing_going_out(words: Words, facts: Mapping[str, Any]) -> str:
    if facts.get("delivered"):
        return words._(N_("The parcel has already been delivered, so it cannot be stopped."))
    return words._(N_("No parcel of this order is on its way to you any more."))


_INTERCEPT: dict[str, Sentence] = {
    "intercept_nothing_shipped": say(
        N_("Nothing has shipped yet: to stop the order, cancel it instead.")
    ),
    "intercept_nothing_going_out": _nothing_going_out,
    "intercept_waiting": say(
        N_("A request to stop the parcel is already waiting for the seller's answer.")
    ),
}
"""Why the buyer may not ask to stop a parcel: the guide's blocker and the refusal alike."""

ERRORS: dict[str, Sentence] = {
    "conversation.not_participant": say(
        N_("Only the order's buyer and the store's sellers take part in this conversation.")
    ),
    "conversation.support_reads_only": say(
        N_("Support can write in this conversation once a dispute is escalated.")
    ),
    "conversation.intercept_buyer_only": say(
        N_("Only the order's buyer can ask to stop a parcel.")
    ),
    "conversation.intercept_seller_only": say(
        N_("Only the store's sellers can answer a request to stop a parcel.")
    ),
    "conversation.outcome_unknown": say(
        N_("Answer whether the parcel was intercepted or cannot be stopped.")
    ),
    "conversation.control_character": say(
        N_("The text contains a character that cannot be sent (%(character)s).")
    ),
    "conversation.body_required": say(N_("Write a message or attach a file.")),
    "conversation.body_too_long": say(
        N_("Keep the message to %(limit)s characters (it has %(length)s)."),
        limit=number("limit"),
        length=number("length"),
    ),
    "conversation.note_too_long": say(
        N_("Keep the note to %(limit)s characters (it has %(length)s)."),
        limit=number("limit"),
        length=number("length"),
    ),
    "conversation.up_to_invalid": say(N_("Give the id of the last message you read.")),
    "conversation.no_such_intercept": say(N_("No such request to stop a parcel.")),
    "illegal_transition.intercept_request": say(
        N_("This request to stop a parcel has already been answered.")
    ),
    **_INTERCEPT,
}

BLOCKERS: dict[str, Sentence] = {
    "no_intercept_request": say(N_("The buyer has not asked to stop a parcel.")),
    **_INTERCEPT,
}

PATH_LABELS: dict[str, str] = {
    "message_seller": N_("Message the seller"),
    "message_buyer": N_("Message the buyer"),
    "ask_intercept": N_("Ask the seller to stop the parcel"),
    "answer_intercept": N_("Answer the request to stop the parcel"),
}
"""The paths' names, as the button or link that takes them reads (texts/options reads them)."""


_FROM: dict[str, Sentence] = {
    "buyer": say(N_("Order #%(order_id)s: a message from the buyer")),
    "seller": say(N_("Order #%(order_id)s: a message from the seller")),
    "support": say(N_("Order #%(order_id)s: a message from support")),
}


def _from(words: Words, facts: Mapping[str, Any]) -> str:
    return _FROM.get(str(facts.get("author")), _FROM["buyer"])(words, facts)


NOTICES: dict[str, tuple[Sentence, Sentence]] = {
    "conversation.message": (_from, say(N_("Read it and reply in the order's conversation."))),
    "conversation.intercept_requested": (
        say(N_("Order #%(order_id)s: the buyer asks you to stop the parcel")),
        say(
            N_(
                "Try to intercept the parcel with the carrier, then say whether you managed "
                "to stop it."
            )
        ),
    ),
    "conversation.intercept_intercepted": (
        say(N_("Order #%(order_id)s: the seller stopped the parcel")),
        say(N_("The parcel is coming back to the seller; you will be refunded as it returns.")),
    ),
    "conversation.intercept_cannot": (
        say(N_("Order #%(order_id)s: the parcel could not be stopped")),
        say(
            N_("The seller could not intercept it. Once it arrives you can refuse it or return it.")
        ),
    ),
}
