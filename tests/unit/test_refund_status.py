"""F4/T1: the refund ledger moves only as the gateway's own record can say it moved."""

from __future__ import annotations

from itertools import product

import pytest

from recourse.domain.errors import IllegalTransition, RuleConflict
from recourse.domain.refund import (
    AnswerEffect,
    RefundStatus,
    RetryKind,
    after_gateway_lookup,
    gateway_answer_effect,
    refund_transition,
    retry_kind,
)

S = RefundStatus
ALLOWED = {
    (S.pending, S.processing),
    (S.pending, S.succeeded),
    (S.pending, S.failed),
    (S.processing, S.succeeded),
    (S.processing, S.failed),
    (S.failed, S.pending),
    (S.failed, S.processing),
    (S.failed, S.succeeded),
}
REFUSED = sorted(set(product(S, S)) - ALLOWED)


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_refund_moves_a_gateway_can_report_are_allowed(
    current: RefundStatus, target: RefundStatus
) -> None:
    assert refund_transition(current, target) is target


@pytest.mark.parametrize(("current", "target"), REFUSED)
def test_refund_moves_no_gateway_reports_are_illegal(
    current: RefundStatus, target: RefundStatus
) -> None:
    with pytest.raises(IllegalTransition):
        refund_transition(current, target)


@pytest.mark.parametrize("confirmed", [None, S.failed])
def test_a_failure_the_gateway_confirms_or_never_saw_may_be_sent_again(
    confirmed: RefundStatus | None,
) -> None:
    assert after_gateway_lookup(confirmed) is S.pending


@pytest.mark.parametrize("confirmed", [S.processing, S.succeeded])
def test_a_failure_the_gateway_contradicts_takes_the_gateway_status_instead_of_a_resend(
    confirmed: RefundStatus,
) -> None:
    assert after_gateway_lookup(confirmed) is confirmed


@pytest.mark.parametrize(("current", "reported"), sorted(ALLOWED - {(S.failed, S.pending)}))
def test_the_ledger_moves_to_what_the_gateway_reports(
    current: RefundStatus, reported: RefundStatus
) -> None:
    assert gateway_answer_effect(current, reported) is AnswerEffect.moves


@pytest.mark.parametrize(("current", "reported"), [(s, s) for s in S])
def test_the_gateway_repeating_the_ledgers_status_changes_nothing(
    current: RefundStatus, reported: RefundStatus
) -> None:
    assert gateway_answer_effect(current, reported) is AnswerEffect.unchanged


@pytest.mark.parametrize("reported", [S.pending, S.processing])
def test_nothing_the_gateway_says_moves_a_succeeded_refund_back(reported: RefundStatus) -> None:
    assert gateway_answer_effect(S.succeeded, reported) is AnswerEffect.unchanged


def test_a_paid_refund_the_gateway_reverses_is_flagged_not_moved() -> None:
    assert gateway_answer_effect(S.succeeded, S.failed) is AnswerEffect.reversed


def test_a_gateway_answer_against_the_table_is_illegal() -> None:
    with pytest.raises(IllegalTransition):
        gateway_answer_effect(S.processing, S.pending)


def test_a_failed_refund_is_retried_by_sending_it_again_with_a_fresh_key() -> None:
    assert retry_kind(S.failed, needs_attention=True) is RetryKind.resend


def test_a_pending_refund_stuck_for_support_is_nudged() -> None:
    assert retry_kind(S.pending, needs_attention=True) is RetryKind.nudge


@pytest.mark.parametrize(
    ("status", "needs_attention"),
    [(S.pending, False), (S.processing, False), (S.processing, True), (S.succeeded, False)],
)
def test_a_refund_on_its_way_or_paid_is_not_retried(
    status: RefundStatus, needs_attention: bool
) -> None:
    with pytest.raises(RuleConflict) as excinfo:
        retry_kind(status, needs_attention=needs_attention)
    assert excinfo.value.code == "refund_not_retryable"
    assert excinfo.value.facts == {"status": str(status)}
