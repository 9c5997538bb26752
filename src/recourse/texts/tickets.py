"""Sentences of support tickets (H2 "Contact support"): the error keys the rules raise."""

from __future__ import annotations

from recourse.i18n import N_
from recourse.texts.core import Sentence, say
from recourse.texts.platform import number

ERRORS: dict[str, Sentence] = {
    "ticket.message_required": say(N_("Write what you need help with.")),
    "ticket.message_too_long": say(
        N_("Keep the message to %(limit)s characters (it has %(length)s)."),
        limit=number("limit"),
        length=number("length"),
    ),
    "ticket.message_control_character": say(
        N_("The message contains a character that cannot be sent (%(character)s).")
    ),
    "ticket.not_a_party": say(
        N_("Only the order's buyer or its seller can contact support about it.")
    ),
    "ticket.no_such": say(N_("No such ticket.")),
    "ticket.queue_is_supports": say(N_("Only support reads the tickets.")),
    "illegal_transition.ticket": say(N_("This ticket is already closed.")),
}

BLOCKERS: dict[str, Sentence] = {}
