"""F4/T1: the refund ledger moves only as the gateway's own record can say it moved."""

from __future__ import annotations

from itertools import product

import pytest

from recourse.domain.errors import IllegalTransition
from recourse.domain.refund import RefundStatus, after_gateway_lookup, refund_transition

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
