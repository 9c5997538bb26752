"""H2 "Contact support": a buyer or a seller writes to support about one order; support reads
the queue and closes the ticket. Who may open one, what a message may hold, and the states."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from enum import StrEnum

from recourse.domain.errors import IllegalTransition, InvalidInput, NotAllowed
from recourse.domain.roles import Actor, Role

MESSAGE_MAX = 4000
"""Characters in a message, counted after trimming."""

DUPLICATE_WINDOW = timedelta(minutes=1)
"""The same message from the same person about the same order within this window is the same
ticket sent twice (a double-click, a resubmitted form), not a second one."""

# Line breaks and tabs are part of a message; no other control character is.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class TicketStatus(StrEnum):
    open = "open"
    answered = "answered"
    closed = "closed"


TRANSITIONS: dict[TicketStatus, frozenset[TicketStatus]] = {
    TicketStatus.open: frozenset({TicketStatus.answered, TicketStatus.closed}),
    TicketStatus.answered: frozenset({TicketStatus.closed}),
    TicketStatus.closed: frozenset(),
}


def ticket_transition(current: TicketStatus, target: TicketStatus) -> TicketStatus:
    if target not in TRANSITIONS[current]:
        raise IllegalTransition("ticket", current, target)
    return target


def clean_message(text: str) -> str:
    """The message as kept: trimmed, 1..MESSAGE_MAX characters, no control characters but line
    breaks and tabs. Line endings are kept as the person typed them, made `\\n`."""
    message = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not message:
        raise InvalidInput("message", "ticket.message_required")
    if len(message) > MESSAGE_MAX:
        raise InvalidInput(
            "message", "ticket.message_too_long", limit=MESSAGE_MAX, length=len(message)
        )
    found = _CONTROL.search(message)
    if found is not None:
        raise InvalidInput(
            "message", "ticket.message_control_character", character=f"U+{ord(found.group()):04X}"
        )
    return message


def opener_role(actor: Actor, *, buyer_id: int, store_id: int) -> Role:
    """The order's buyer or one of its store's sellers opens a ticket; support and the
    operator see the order but write no ticket to themselves. Whoever cannot see the order
    never gets here (it is not found for them)."""
    if actor.role is Role.buyer and actor.user_id == buyer_id:
        return Role.buyer
    if actor.role is Role.seller and store_id in actor.store_ids and actor.user_id is not None:
        return Role.seller
    raise NotAllowed("ticket.not_a_party")


def can_close(actor: Actor) -> bool:
    """Support closes tickets; nobody else does."""
    return actor.role is Role.support and actor.user_id is not None


def is_duplicate(
    *, earlier_message: str, earlier_at: datetime, message: str, now: datetime
) -> bool:
    """Same words, sent again within the window: the first ticket stands."""
    return earlier_message == message and now - earlier_at < DUPLICATE_WINDOW
