"""H2 "Contact support": who may open a ticket, what a message may hold, its states."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from recourse.domain.errors import IllegalTransition, InvalidInput, NotAllowed
from recourse.domain.roles import Actor, Role
from recourse.domain.tickets import (
    DUPLICATE_WINDOW,
    MESSAGE_MAX,
    TicketStatus,
    can_close,
    clean_message,
    is_duplicate,
    opener_role,
    ticket_transition,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_message_is_trimmed_and_keeps_line_breaks_and_tabs() -> None:
    assert clean_message("  Hello\r\n\tthere  \n") == "Hello\n\tthere"


@pytest.mark.parametrize("text", ["", "   ", "\n\t\n"])
def test_empty_message_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        clean_message(text)
    assert (caught.value.field, caught.value.key) == ("message", "ticket.message_required")


def test_message_length_counts_after_trimming() -> None:
    assert len(clean_message(" " + "x" * MESSAGE_MAX + " ")) == MESSAGE_MAX
    with pytest.raises(InvalidInput) as caught:
        clean_message("x" * (MESSAGE_MAX + 1))
    assert caught.value.key == "ticket.message_too_long"
    assert caught.value.facts["limit"] == MESSAGE_MAX


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x0b"])
def test_control_characters_are_refused(char: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        clean_message(f"before{char}after")
    assert caught.value.key == "ticket.message_control_character"
    assert caught.value.facts["character"] == f"U+{ord(char):04X}"


def test_the_buyer_and_the_stores_sellers_open_tickets() -> None:
    assert opener_role(Actor(Role.buyer, 7), buyer_id=7, store_id=1) is Role.buyer
    seller = Actor(Role.seller, 8, frozenset({1, 2}))
    assert opener_role(seller, buyer_id=7, store_id=2) is Role.seller


@pytest.mark.parametrize(
    "actor",
    [
        Actor(Role.support, 9),
        Actor(Role.operator),
        Actor(Role.system),
        Actor(Role.buyer, 70),
        Actor(Role.seller, 8, frozenset({3})),
    ],
)
def test_nobody_else_opens_one(actor: Actor) -> None:
    with pytest.raises(NotAllowed):
        opener_role(actor, buyer_id=7, store_id=1)


def test_only_support_closes() -> None:
    assert can_close(Actor(Role.support, 9))
    assert not can_close(Actor(Role.operator))
    assert not can_close(Actor(Role.buyer, 7))
    assert not can_close(Actor(Role.seller, 8, frozenset({1})))


def test_states() -> None:
    assert ticket_transition(TicketStatus.open, TicketStatus.closed) is TicketStatus.closed
    assert ticket_transition(TicketStatus.answered, TicketStatus.closed) is TicketStatus.closed
    with pytest.raises(IllegalTransition):
        ticket_transition(TicketStatus.closed, TicketStatus.closed)
    with pytest.raises(IllegalTransition):
        ticket_transition(TicketStatus.closed, TicketStatus.open)


def test_duplicate_is_the_same_words_within_the_window() -> None:
    earlier = NOW - DUPLICATE_WINDOW + timedelta(seconds=1)
    assert is_duplicate(earlier_message="Hi", earlier_at=earlier, message="Hi", now=NOW)
    assert not is_duplicate(earlier_message="Hi", earlier_at=earlier, message="Hello", now=NOW)
    late = NOW - DUPLICATE_WINDOW
    assert not is_duplicate(earlier_message="Hi", earlier_at=late, message="Hi", now=NOW)
