"""M1/S1 rules: who reads and writes the conversation (support only once a dispute is
escalated), what a message may be, when the buyer may ask to stop a parcel, the answer's
transitions, unread counts and what the digest emails; the guide's paths."""

from __future__ import annotations

import pytest

from recourse.domain.conversation import (
    BODY_MAX,
    NOTE_MAX,
    InterceptStatus,
    MessageMark,
    check_can_post,
    check_can_read,
    check_can_request_intercept,
    clean_body,
    clean_note,
    digest_ids,
    intercept_blocker,
    intercept_transition,
    parse_outcome,
    unread,
)
from recourse.domain.conversation_paths import HELP, conversation_paths
from recourse.domain.errors import IllegalTransition, InvalidInput, NotAllowed, RuleConflict
from recourse.domain.guide import PATHS
from recourse.domain.options import Situation
from recourse.domain.policy import PlatformPolicy, StorePolicy
from recourse.domain.roles import Actor, Role
from recourse.domain.shipment import ShipmentStatus as S
from tests.unit.test_cancellation_paths import BUYER, NOW, OPERATOR, SELLER, SUPPORT, order_in

OTHER_BUYER = Actor(Role.buyer, user_id=11)
OTHER_SELLER = Actor(Role.seller, user_id=31, store_ids=frozenset({21}))
ORDER = order_in("shipped")


def _post(actor: Actor, *, support_joined: bool = False) -> Role:
    return check_can_post(
        actor, buyer_id=ORDER.buyer_id, store_id=ORDER.store_id, support_joined=support_joined
    )


def _read(actor: Actor) -> None:
    check_can_read(actor, buyer_id=ORDER.buyer_id, store_id=ORDER.store_id)


def test_the_parties_write_and_support_reads_until_a_dispute_is_escalated() -> None:
    assert _post(BUYER) is Role.buyer
    assert _post(SELLER) is Role.seller
    with pytest.raises(NotAllowed) as refused:
        _post(SUPPORT)
    assert refused.value.key == "conversation.support_reads_only"
    assert _post(SUPPORT, support_joined=True) is Role.support
    _read(SUPPORT)


@pytest.mark.parametrize("outsider", [OTHER_BUYER, OTHER_SELLER, OPERATOR])
def test_nobody_else_reads_or_writes(outsider: Actor) -> None:
    with pytest.raises(NotAllowed):
        _read(outsider)
    with pytest.raises(NotAllowed):
        _post(outsider, support_joined=True)


def test_a_message_is_trimmed_text_within_the_limit_or_files_alone() -> None:
    assert clean_body("  hi  ") == "hi"
    assert clean_body("   ", has_files=True) == ""
    assert clean_body("x" * BODY_MAX) == "x" * BODY_MAX
    with pytest.raises(InvalidInput) as empty:
        clean_body(" \n ")
    assert empty.value.key == "conversation.body_required"
    with pytest.raises(InvalidInput) as long:
        clean_body("x" * (BODY_MAX + 1))
    assert long.value.facts == {"field": "body", "limit": BODY_MAX, "length": BODY_MAX + 1}
    with pytest.raises(InvalidInput) as control:
        clean_body("a\x00b")
    assert control.value.facts["character"] == "U+0000"
    assert clean_body("line one\nline two\ttab") == "line one\nline two\ttab"


def test_a_note_is_optional_and_short() -> None:
    assert clean_note(None) == "" and clean_note("  ok ") == "ok"
    with pytest.raises(InvalidInput):
        clean_note("x" * (NOTE_MAX + 1))


@pytest.mark.parametrize(
    ("parcels", "waiting", "blocker"),
    [
        ((), None, "intercept_nothing_shipped"),
        ((S.shipped,), None, None),
        ((S.in_transit,), None, None),
        ((S.delivered, S.in_transit), None, None),
        ((S.delivered,), None, "intercept_nothing_going_out"),
        ((S.refused,), None, "intercept_nothing_going_out"),
        ((S.returned_to_sender, S.delivered), None, "intercept_nothing_going_out"),
        ((S.shipped,), 7, "intercept_waiting"),
    ],
)
def test_the_buyer_may_ask_while_a_parcel_goes_out_and_none_waits(
    parcels: tuple[S, ...], waiting: int | None, blocker: str | None
) -> None:
    found = intercept_blocker(parcels, waiting_request=waiting)
    assert (found[0] if found else None) == blocker
    if blocker is None:
        check_can_request_intercept(parcels, waiting_request=waiting)
    else:
        with pytest.raises(RuleConflict) as refused:
            check_can_request_intercept(parcels, waiting_request=waiting)
        assert refused.value.code == blocker


def test_delivered_says_so() -> None:
    assert intercept_blocker((S.delivered,), waiting_request=None) == (
        "intercept_nothing_going_out",
        {"delivered": True},
    )


@pytest.mark.parametrize("outcome", [InterceptStatus.intercepted, InterceptStatus.cannot])
def test_a_request_is_answered_once(outcome: InterceptStatus) -> None:
    assert intercept_transition(InterceptStatus.requested, outcome) is outcome
    for again in (InterceptStatus.intercepted, InterceptStatus.cannot):
        with pytest.raises(IllegalTransition):
            intercept_transition(outcome, again)


@pytest.mark.parametrize("value", ["requested", "maybe", ""])
def test_the_answer_is_intercepted_or_cannot(value: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_outcome(value)
    assert refused.value.field == "outcome"


MESSAGES = [
    MessageMark(1, "buyer", "text"),
    MessageMark(2, "seller", "text"),
    MessageMark(3, "buyer", "intercept_request"),
    MessageMark(4, "buyer", "text"),
    MessageMark(5, "buyer", "text"),
]


def test_unread_counts_what_the_other_side_wrote_after_the_read_mark() -> None:
    assert unread(MESSAGES, viewer_role=Role.seller, last_read_id=0) == 4
    assert unread(MESSAGES, viewer_role=Role.seller, last_read_id=3) == 2
    assert unread(MESSAGES, viewer_role=Role.buyer, last_read_id=0) == 1


def test_the_digest_leaves_out_what_was_read_told_or_emailed_at_once() -> None:
    assert digest_ids(MESSAGES, recipient_role=Role.seller, last_read_id=0, notified_upto_id=0) == [
        1,
        4,
        5,
    ]
    assert digest_ids(MESSAGES, recipient_role=Role.seller, last_read_id=4, notified_upto_id=0) == [
        5
    ]
    assert (
        digest_ids(MESSAGES, recipient_role=Role.seller, last_read_id=1, notified_upto_id=5) == []
    )


def _situation(viewer: Actor, parcels: tuple[S, ...], waiting: int | None = None) -> Situation:
    return Situation(
        order=ORDER,
        viewer=viewer,
        now=NOW,
        policy=StorePolicy(),
        platform=PlatformPolicy(),
        parcels=parcels,
        intercept_request=waiting,
    )


def test_the_buyers_paths() -> None:
    message, ask = conversation_paths(_situation(BUYER, (S.in_transit,)))
    assert (str(message.path), message.open, message.help) == ("message_seller", True, HELP)
    assert (str(ask.path), ask.open) == ("ask_intercept", True)
    _, closed = conversation_paths(_situation(BUYER, (S.shipped,), waiting=4))
    assert (closed.open, closed.blocker, dict(closed.facts)) == (
        False,
        "intercept_waiting",
        {"request_id": 4},
    )


def test_the_sellers_paths() -> None:
    message, answer = conversation_paths(_situation(SELLER, (S.shipped,)))
    assert (str(message.path), message.open) == ("message_buyer", True)
    assert (answer.open, answer.blocker) == (False, "no_intercept_request")
    _, waiting = conversation_paths(_situation(SELLER, (S.shipped,), waiting=4))
    assert (waiting.open, dict(waiting.facts)) == (True, {"request_id": 4})


@pytest.mark.parametrize("viewer", [OTHER_BUYER, OTHER_SELLER, SUPPORT, OPERATOR])
def test_nobody_else_has_these_paths(viewer: Actor) -> None:
    assert conversation_paths(_situation(viewer, (S.shipped,), waiting=4)) == ()


def test_listed_in_the_guide() -> None:
    assert conversation_paths in PATHS
