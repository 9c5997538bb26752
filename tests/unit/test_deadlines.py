"""§10: which passed deadlines still have a consequence to apply, and the 409s a late action
meets once it has been applied."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from recourse.domain.cancellation import CancellationStatus
from recourse.domain.deadlines import (
    Deadline,
    check_not_autocancelled,
    check_request_unanswered,
    due_now,
)
from recourse.domain.errors import RuleConflict
from recourse.domain.order import Deadlines, Order, derive_status
from recourse.domain.policy import PlatformPolicy
from tests.unit.builders import T0, a_line, an_order, paid

POLICY = PlatformPolicy()
SHIP_BY = T0 + timedelta(days=7)
AUTOCANCEL = SHIP_BY + timedelta(days=POLICY.overdue_autocancel_days)
PAY_BY = T0 + timedelta(days=1)
ENDS = T0 + timedelta(days=30)


@dataclass(frozen=True)
class Request:
    id: int
    status: CancellationStatus
    respond_by: datetime | None


PENDING = Request(5, CancellationStatus.pending_seller, T0 + timedelta(days=2))


def _names(order: Order, now: datetime, *requests: Request, stored: str | None = None) -> list:
    return [d.deadline for d in due_now(order, requests, POLICY, now, stored_status=stored)]


@pytest.mark.parametrize(
    ("order", "requests", "now", "due"),
    [
        (paid(an_order()), (PENDING,), PENDING.respond_by, [Deadline.respond_by]),
        (paid(an_order()), (PENDING,), T0 + timedelta(days=1), []),
        (
            paid(an_order()),
            (Request(5, CancellationStatus.rejected, PENDING.respond_by),),
            T0 + timedelta(days=3),
            [],
        ),
        (
            paid(an_order(deadlines=Deadlines(ship_by=SHIP_BY))),
            (),
            AUTOCANCEL,
            [Deadline.overdue_autocancel],
        ),
        (paid(an_order(deadlines=Deadlines(ship_by=SHIP_BY))), (), SHIP_BY, []),
        (an_order(deadlines=Deadlines(pay_by=PAY_BY)), (), PAY_BY, [Deadline.payment_window_ends]),
        (an_order(deadlines=Deadlines(pay_by=PAY_BY)), (), T0, []),
        (
            paid(an_order(deadlines=Deadlines(ship_by=SHIP_BY)), at=T0),
            (PENDING,),
            AUTOCANCEL,
            [Deadline.respond_by, Deadline.overdue_autocancel],
        ),
    ],
    ids=[
        "unanswered at respond_by",
        "still time to answer",
        "answered",
        "overdue at the auto-cancel time",
        "only late",
        "unpaid at pay_by",
        "still time to pay",
        "silence first, then the order",
    ],
)
def test_due_now_names_what_still_has_to_happen(
    order: Order, requests: tuple[Request, ...], now: datetime, due: list[Deadline]
) -> None:
    assert _names(order, now, *requests) == due


def test_protection_end_is_due_only_while_the_stored_status_lags() -> None:
    order = paid(
        an_order(
            lines=[a_line(shipped=2, delivered=2)],
            deadlines=Deadlines(protection_ends_at=ENDS),
            first_shipped_at=T0,
        )
    )
    assert _names(order, ENDS, stored="delivered") == [Deadline.protection_ends]
    assert _names(order, ENDS, stored=str(derive_status(order, ENDS))) == []
    assert _names(order, ENDS - timedelta(seconds=1), stored="delivered") == []


def test_a_late_answer_names_respond_by() -> None:
    respond_by = T0 + timedelta(days=2)
    with pytest.raises(RuleConflict) as refused:
        check_request_unanswered(CancellationStatus.auto_approved, respond_by, respond_by)
    assert refused.value.code == "respond_by_passed"
    assert refused.value.facts["respond_by"] == respond_by.isoformat()
    check_request_unanswered(CancellationStatus.pending_seller, respond_by, respond_by)


def test_shipping_an_order_that_cancelled_itself_names_ship_by() -> None:
    order = paid(an_order(lines=[a_line(cancelled=2)], deadlines=Deadlines(ship_by=SHIP_BY)))
    with pytest.raises(RuleConflict) as refused:
        check_not_autocancelled(order, POLICY, AUTOCANCEL)
    assert refused.value.code == "overdue_autocancelled"
    assert refused.value.facts["ship_by"] == SHIP_BY.isoformat()
    check_not_autocancelled(order, POLICY, AUTOCANCEL - timedelta(seconds=1))
