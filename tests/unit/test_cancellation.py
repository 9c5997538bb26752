"""§3: a cancellation's states, and the rules the services ask before they change one."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from itertools import product

import pytest

from recourse.domain.cancellation import (
    CANCELLATION_TRANSITIONS,
    CancellationStatus,
    Initiator,
    Mode,
    cancellation_quote,
    cancellation_transition,
    check_quote_current,
    every_unshipped_unit,
    fully_cancelled,
    is_whole_order,
    opening_status,
    overdue_autocancel_due,
    quote_fingerprint,
    refund_needed,
    seller_is_told,
)
from recourse.domain.errors import IllegalTransition, RuleConflict
from recourse.domain.order import Deadlines, Order, OrderLine
from recourse.domain.policy import PlatformPolicy
from recourse.domain.refund import RefundCause, RefundedSoFar
from tests.unit.builders import T0, a_line, an_order, paid

S = CancellationStatus
ALLOWED = {
    (S.pending_seller, S.approved),
    (S.pending_seller, S.auto_approved),
    (S.pending_seller, S.rejected),
    (S.pending_seller, S.withdrawn),
}
REFUSED = sorted(set(product(S, S)) - ALLOWED)
FINAL = [s for s in S if s is not S.pending_seller]


def test_the_table_allows_exactly_the_answers_to_a_pending_request() -> None:
    allowed = {(a, b) for a, targets in CANCELLATION_TRANSITIONS.items() for b in targets}
    assert allowed == ALLOWED
    assert set(CANCELLATION_TRANSITIONS) == set(S)


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_a_pending_request_is_approved_rejected_withdrawn_or_approved_by_silence(
    current: CancellationStatus, target: CancellationStatus
) -> None:
    assert cancellation_transition(current, target) is target


@pytest.mark.parametrize(("current", "target"), REFUSED)
def test_every_other_move_is_illegal(
    current: CancellationStatus, target: CancellationStatus
) -> None:
    with pytest.raises(IllegalTransition) as excinfo:
        cancellation_transition(current, target)
    assert excinfo.value.facts == {"current": str(current), "target": str(target)}


def test_a_rejected_request_cannot_be_approved() -> None:
    with pytest.raises(IllegalTransition):
        cancellation_transition(S.rejected, S.approved)


def test_a_withdrawn_request_cannot_be_approved_by_silence() -> None:
    with pytest.raises(IllegalTransition):
        cancellation_transition(S.withdrawn, S.auto_approved)


def test_an_approved_request_cannot_be_withdrawn() -> None:
    with pytest.raises(IllegalTransition):
        cancellation_transition(S.approved, S.withdrawn)


@pytest.mark.parametrize("status", FINAL)
def test_every_decided_cancellation_is_final(status: CancellationStatus) -> None:
    assert CANCELLATION_TRANSITIONS[status] == frozenset()


@pytest.mark.parametrize(
    ("mode", "status"), [(Mode.instant, S.completed), (Mode.request, S.pending_seller)]
)
def test_an_instant_cancellation_is_complete_when_made_and_a_request_waits_for_the_seller(
    mode: Mode, status: CancellationStatus
) -> None:
    assert opening_status(mode) is status


@pytest.mark.parametrize(
    ("initiator", "told"),
    [(Initiator.buyer, True), (Initiator.system, True), (Initiator.seller, False)],
)
def test_the_store_is_told_of_every_cancellation_it_did_not_make(
    initiator: Initiator, told: bool
) -> None:
    assert seller_is_told(initiator) is told


PARTLY_SHIPPED = an_order(
    lines=[a_line(id=1, quantity=2, shipped=1), a_line(id=2, quantity=3), a_line(id=3, shipped=2)]
)


def test_the_whole_order_is_every_unit_still_to_ship() -> None:
    assert every_unshipped_unit(PARTLY_SHIPPED) == {1: 1, 2: 3}


@pytest.mark.parametrize(
    ("units", "whole"),
    [({1: 1, 2: 3}, True), ({2: 3}, False), ({1: 1, 2: 2}, False), ({1: 1, 2: 3, 3: 1}, False)],
)
def test_a_cancellation_is_of_the_whole_order_only_when_it_takes_every_unshipped_unit(
    units: dict[int, int], whole: bool
) -> None:
    assert is_whole_order(PARTLY_SHIPPED, units) is whole


@pytest.mark.parametrize(
    ("lines", "cancelled"),
    [
        ([a_line(id=1, cancelled=2), a_line(id=2, quantity=1, cancelled=1)], True),
        ([a_line(id=1, cancelled=2), a_line(id=2, quantity=1)], False),
        ([a_line(id=1, cancelled=1, shipped=1)], False),
    ],
)
def test_an_order_is_cancelled_when_every_unit_ordered_is(
    lines: list[OrderLine], cancelled: bool
) -> None:
    assert fully_cancelled(an_order(lines=lines)) is cancelled


def test_cancelling_an_unpaid_order_has_nothing_to_quote() -> None:
    assert cancellation_quote(an_order(), {1: 2}, RefundedSoFar()) is None


def test_cancelling_nothing_has_nothing_to_quote() -> None:
    assert cancellation_quote(paid(an_order()), {}, RefundedSoFar()) is None


def test_cancelling_every_unit_of_a_paid_order_quotes_items_and_shipping() -> None:
    quote = cancellation_quote(paid(an_order()), {1: 2}, RefundedSoFar())
    assert quote is not None
    assert (quote.cause, quote.items, quote.shipping, quote.total) == (
        RefundCause.cancellation,
        2000,
        500,
        2500,
    )


def test_cancelling_some_units_quotes_their_share_and_no_shipping() -> None:
    quote = cancellation_quote(paid(an_order()), {1: 1}, RefundedSoFar())
    assert quote is not None
    assert (quote.cause, quote.items, quote.shipping) == (RefundCause.item_cancellation, 1000, 0)


def test_a_quote_that_pays_something_back_needs_a_refund() -> None:
    assert refund_needed(cancellation_quote(paid(an_order()), {1: 1}, RefundedSoFar()))


def test_a_quote_of_nothing_left_to_pay_back_needs_no_refund() -> None:
    so_far = RefundedSoFar(total=2500, shipping=500)
    assert not refund_needed(cancellation_quote(paid(an_order()), {1: 2}, so_far))


def test_no_quote_needs_no_refund() -> None:
    assert not refund_needed(None)


def test_the_quote_the_buyer_saw_is_confirmed_as_it_is() -> None:
    order = paid(an_order())
    quote = cancellation_quote(order, {1: 2}, RefundedSoFar())
    seen = quote_fingerprint(order, {1: 2}, quote)
    assert check_quote_current(seen, order, {1: 2}, quote) == seen


def test_a_confirmation_without_a_seen_quote_takes_the_current_one() -> None:
    order = paid(an_order())
    assert check_quote_current(None, order, {1: 2}, None) == quote_fingerprint(order, {1: 2}, None)


def test_a_quote_made_before_the_order_changed_is_refused_with_the_new_one() -> None:
    before = paid(an_order())
    seen = quote_fingerprint(before, {1: 1}, cancellation_quote(before, {1: 1}, RefundedSoFar()))
    after = replace(before, lines=(a_line(id=1, shipped=1),))
    quote = cancellation_quote(after, {1: 1}, RefundedSoFar())
    with pytest.raises(RuleConflict) as excinfo:
        check_quote_current(seen, after, {1: 1}, quote)
    assert excinfo.value.code == "quote_changed"
    assert excinfo.value.facts["quote_id"] == quote_fingerprint(after, {1: 1}, quote)
    assert excinfo.value.facts["refund"] == 1000


SHIP_BY = T0 + timedelta(days=7)
DUE = SHIP_BY + timedelta(days=PlatformPolicy().overdue_autocancel_days)
OVERDUE = paid(an_order(deadlines=Deadlines(ship_by=SHIP_BY)))


@pytest.mark.parametrize(
    ("order", "now", "due"),
    [
        (OVERDUE, DUE - timedelta(seconds=1), False),
        (OVERDUE, DUE, True),
        (OVERDUE, DUE + timedelta(days=30), True),
        (an_order(deadlines=Deadlines(ship_by=SHIP_BY)), DUE, False),
        (paid(an_order()), DUE, False),
        (replace(OVERDUE, lines=(a_line(id=1, shipped=1),)), DUE, False),
        (replace(OVERDUE, lines=(a_line(id=1, cancelled=2),)), DUE, False),
    ],
    ids=[
        "a second before",
        "at the time",
        "long after",
        "unpaid",
        "no ship-by",
        "partly shipped",
        "already cancelled",
    ],
)
def test_an_order_cancels_itself_only_when_paid_unshipped_and_past_the_overdue_time(
    order: Order, now: datetime, due: bool
) -> None:
    assert overdue_autocancel_due(order, now, PlatformPolicy()) is due
