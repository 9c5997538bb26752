"""One order's life, every path the rules allow, on a fresh database per run (lifecycle.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.reliability.lifecycle import OrderLife, ReturnLife, bound, run


def test_order_life_keeps_its_invariants(tmp_path: Path, database_template: str) -> None:
    run(OrderLife, tmp_path, database_template)


@pytest.fixture
def life(tmp_path: Path, database_template: str) -> Iterator[OrderLife]:
    machine = bound(OrderLife, tmp_path, database_template)()
    yield machine
    machine.teardown()


def test_return_life_keeps_its_invariants(tmp_path: Path, database_template: str) -> None:
    run(ReturnLife, tmp_path, database_template)


def test_payment_after_the_window_closed_does_not_reopen_the_cancelled_order(
    life: OrderLife,
) -> None:
    """C2/§10, as the machine found it: past `pay_by` the unpaid order reads `cancelled`
    before the worker has run; a capture arriving then must not make it active again."""
    life.placed(outcome="unpaid")
    life.order_stays_consistent()
    life.time_passes(jump=timedelta(days=4))
    life.order_stays_consistent()

    life.pay(outcome="captured")

    life.order_stays_consistent()


def test_unanswered_request_is_approved_at_respond_by_after_a_support_refund(
    life: OrderLife,
) -> None:
    """C4 with F2, as the machine found it: support refunded part of the order, then the buyer
    asked to cancel. The request's full refund no longer fits under what is left of the
    capture; silence must still approve it at respond-by, refunding what is left, rather than
    fail in the worker until it dies and leave the request pending and the lines unshippable."""
    life.placed(outcome="captured")
    life.time_passes(jump=timedelta(hours=2))
    life.support_refunds(amount=5000)
    life.buyer_cancels(reason="changed_mind", units=None)
    life.order_stays_consistent()
    life.time_passes(jump=timedelta(hours=49))

    life.worker_runs()

    life.order_stays_consistent()
    assert life.seen.pending is None
