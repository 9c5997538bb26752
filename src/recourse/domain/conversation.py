"""M1 the order's conversation and S1 asking the seller to stop a parcel.

Each order has one conversation between its buyer and the store's sellers; support reads every
conversation and takes part (may post) only once a dispute is escalated, which a later
capability decides and hands in as `support_joined`. A message is text (1..BODY_MAX characters
once trimmed), or attachments only.

S1: while some parcel of the order is still going out to the buyer (`shipped`/`in_transit`),
the buyer may ask the seller to intercept it; one request waits at a time, and a seller of the
store answers it once, `intercepted` (the order then waits for the parcel to come back, as in
S2) or `cannot`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from recourse.domain.errors import IllegalTransition, InvalidInput, NotAllowed, RuleConflict
from recourse.domain.roles import Actor, Role
from recourse.domain.shipment import ShipmentStatus

BODY_MAX = 4000
"""How long a message may be (characters, once trimmed)."""

NOTE_MAX = 1000
"""How long the note of an intercept request or answer may be."""

GOING_OUT = frozenset({ShipmentStatus.shipped, ShipmentStatus.in_transit})
"""Parcel states in which the carrier still carries it towards the buyer (S1)."""


class MessageKind(StrEnum):
    text = "text"
    intercept_request = "intercept_request"
    intercept_answer = "intercept_answer"


EMAILED_AT_ONCE = frozenset({MessageKind.intercept_request, MessageKind.intercept_answer})
"""Messages that ask someone to act or tell an outcome: emailed when written, never again in
the digest of unread messages."""


class InterceptStatus(StrEnum):
    requested = "requested"
    intercepted = "intercepted"
    cannot = "cannot"


INTERCEPT_TRANSITIONS: dict[InterceptStatus, frozenset[InterceptStatus]] = {
    InterceptStatus.requested: frozenset({InterceptStatus.intercepted, InterceptStatus.cannot}),
    InterceptStatus.intercepted: frozenset(),
    InterceptStatus.cannot: frozenset(),
}

OUTCOMES = frozenset({InterceptStatus.intercepted, InterceptStatus.cannot})


def intercept_transition(current: InterceptStatus, target: InterceptStatus) -> InterceptStatus:
    """S1: a waiting request is answered once."""
    if target not in INTERCEPT_TRANSITIONS[current]:
        raise IllegalTransition("intercept_request", str(current), str(target))
    return target


def parse_outcome(value: str) -> InterceptStatus:
    """The seller's answer: `intercepted` or `cannot`."""
    try:
        outcome = InterceptStatus(value)
    except ValueError:
        outcome = None
    if outcome not in OUTCOMES:
        raise InvalidInput("outcome", "conversation.outcome_unknown", outcome=str(value)[:40])
    assert outcome is not None
    return outcome


# Who takes part


def is_buyer(actor: Actor, *, buyer_id: int) -> bool:
    return actor.role is Role.buyer and actor.user_id == buyer_id


def is_seller(actor: Actor, *, store_id: int) -> bool:
    return actor.role is Role.seller and store_id in actor.store_ids


def can_read(actor: Actor, *, buyer_id: int, store_id: int) -> bool:
    """M1: the order's buyer, the store's sellers, and support (every conversation)."""
    return (
        is_buyer(actor, buyer_id=buyer_id)
        or is_seller(actor, store_id=store_id)
        or actor.role is Role.support
    )


def check_can_read(actor: Actor, *, buyer_id: int, store_id: int) -> None:
    if not can_read(actor, buyer_id=buyer_id, store_id=store_id):
        raise NotAllowed("conversation.not_participant")


def poster_role(
    actor: Actor, *, buyer_id: int, store_id: int, support_joined: bool = False
) -> Role | None:
    """M1: the side the actor writes as — the buyer, the store's sellers, or support once a
    dispute is escalated (`support_joined`); None for anyone else."""
    if is_buyer(actor, buyer_id=buyer_id):
        return Role.buyer
    if is_seller(actor, store_id=store_id):
        return Role.seller
    if actor.role is Role.support and support_joined:
        return Role.support
    return None


def check_can_post(
    actor: Actor, *, buyer_id: int, store_id: int, support_joined: bool = False
) -> Role:
    """M1: who may write; support reads until a dispute is escalated."""
    role = poster_role(actor, buyer_id=buyer_id, store_id=store_id, support_joined=support_joined)
    if role is None:
        if actor.role is Role.support:
            raise NotAllowed("conversation.support_reads_only")
        raise NotAllowed("conversation.not_participant")
    return role


def check_is_buyer(actor: Actor, *, buyer_id: int) -> None:
    """S1: asking to intercept is the order's buyer's alone."""
    if not is_buyer(actor, buyer_id=buyer_id):
        raise NotAllowed("conversation.intercept_buyer_only")


def check_is_seller(actor: Actor, *, store_id: int) -> None:
    """S1: the store's sellers answer an intercept request."""
    if not is_seller(actor, store_id=store_id):
        raise NotAllowed("conversation.intercept_seller_only")


# What a message may say


def _check_characters(field: str, text: str) -> None:
    for ch in text:
        if ch not in "\n\r\t" and unicodedata.category(ch) in ("Cc", "Cf"):
            raise InvalidInput(
                field, "conversation.control_character", character=f"U+{ord(ch):04X}"
            )


def clean_body(body: str | None, *, has_files: bool = False) -> str:
    """M1: 1..BODY_MAX characters once trimmed, or empty when files carry the message."""
    text = (body or "").strip()
    if not text and not has_files:
        raise InvalidInput("body", "conversation.body_required")
    if len(text) > BODY_MAX:
        raise InvalidInput("body", "conversation.body_too_long", limit=BODY_MAX, length=len(text))
    _check_characters("body", text)
    return text


def clean_note(note: str | None) -> str:
    """An optional note: 0..NOTE_MAX characters once trimmed."""
    text = (note or "").strip()
    if len(text) > NOTE_MAX:
        raise InvalidInput("note", "conversation.note_too_long", limit=NOTE_MAX, length=len(text))
    _check_characters("note", text)
    return text


# S1: when an intercept may be asked


def intercept_blocker(
    parcels: Iterable[ShipmentStatus], *, waiting_request: int | None
) -> tuple[str, dict[str, object]] | None:
    """Why the buyer may not ask to intercept now (a blocker code and its facts), or None.

    `intercept_nothing_shipped` before any parcel left; `intercept_nothing_going_out` once
    every parcel arrived or is coming back; `intercept_waiting` while a request waits for the
    seller's answer."""
    statuses = list(parcels)
    if not statuses:
        return "intercept_nothing_shipped", {}
    if not any(s in GOING_OUT for s in statuses):
        delivered = all(s is ShipmentStatus.delivered for s in statuses)
        return "intercept_nothing_going_out", {"delivered": delivered}
    if waiting_request is not None:
        return "intercept_waiting", {"request_id": waiting_request}
    return None


def check_can_request_intercept(
    parcels: Iterable[ShipmentStatus], *, waiting_request: int | None
) -> None:
    """S1: 409 with the blocker's code and facts when the buyer may not ask."""
    blocker = intercept_blocker(parcels, waiting_request=waiting_request)
    if blocker is not None:
        code, facts = blocker
        raise RuleConflict(code, **facts)


# Unread and the digest


@dataclass(frozen=True, slots=True)
class MessageMark:
    """What the unread count and the digest need of a message."""

    id: int
    author_role: str
    kind: str


def from_other_side(message: MessageMark, viewer_role: Role) -> bool:
    """A message another side wrote: a seller's own, or a co-seller's, is never unread for
    the store's sellers."""
    return message.author_role != str(viewer_role)


def unread(messages: Iterable[MessageMark], *, viewer_role: Role, last_read_id: int) -> int:
    """M1: how many messages the other side wrote after what the viewer read."""
    return sum(1 for m in messages if m.id > last_read_id and from_other_side(m, viewer_role))


def digest_ids(
    messages: Iterable[MessageMark],
    *,
    recipient_role: Role,
    last_read_id: int,
    notified_upto_id: int,
) -> list[int]:
    """M2: the messages the digest emails: written by the other side after both what the
    recipient read and what an earlier email told them, and not already emailed on their own
    (intercept requests and answers)."""
    after = max(last_read_id, notified_upto_id)
    return [
        m.id
        for m in messages
        if m.id > after and from_other_side(m, recipient_role) and m.kind not in EMAILED_AT_ONCE
    ]
