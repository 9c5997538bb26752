"""H1 for returns: the buyer's `return_items` open exactly when a request would pass (with the
window's end, or protection's, as when it closes, and the quote of sending everything back),
the steps of an open return for the buyer and for the store's sellers, and nothing for anyone
else."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from recourse.domain.options import Option, PathName, Situation
from recourse.domain.order import Deadlines
from recourse.domain.policy import PlatformPolicy, StorePolicy
from recourse.domain.reasons import Fault
from recourse.domain.refund import RefundedSoFar
from recourse.domain.return_paths import return_items_quote, return_paths
from recourse.domain.returns import (
    OfferStatus,
    ReasonCategory,
    Return,
    ReturnKind,
    ReturnLine,
    ReturnStatus,
)
from recourse.domain.roles import Actor, Role
from tests.unit.builders import a_line, an_order, paid

DELIVERED = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
ENDS = DELIVERED + timedelta(days=59)
BUYER = Actor(Role.buyer, user_id=10)
SELLER = Actor(Role.seller, user_id=3, store_ids=frozenset({20}))
ORDER = paid(
    an_order(
        lines=[a_line(id=1, unit_price=2500, quantity=2, tax=500, shipped=2, delivered=2)],
        shipping_fee=500,
        deadlines=Deadlines(protection_ends_at=ENDS),
    )
)


def _situation(viewer: Actor = BUYER, *, now: datetime = DELIVERED, **kw: Any) -> Situation:
    return Situation(
        order=kw.pop("order", ORDER),
        viewer=viewer,
        now=now,
        policy=kw.pop("policy", StorePolicy()),
        platform=PlatformPolicy(),
        delivered_at=kw.pop("delivered_at", DELIVERED),
        **kw,
    )


def _return(status: ReturnStatus, **kw: Any) -> Return:
    base = Return(
        id=5,
        order_id=1,
        store_id=20,
        kind=ReturnKind.buyer_return,
        status=status,
        lines=(ReturnLine(1, 1),),
        created_at=DELIVERED,
        requested_by_role="buyer",
        reason="damaged",
        category=ReasonCategory.not_as_described,
        fault=Fault.seller,
    )
    return replace(base, **kw)


def _by_path(options: Any) -> dict[PathName, Option]:
    return {o.path: o for o in options}


def test_return_items_is_open_until_the_remorse_window_ends() -> None:
    [option] = return_paths(_situation())
    assert (option.path, option.open) == (PathName.return_items, True)
    assert option.closes_at == DELIVERED + timedelta(days=30)
    assert option.facts["category"] == "remorse"
    assert option.help == "returning-an-item"


def test_after_the_window_it_stays_open_for_what_is_wrong_until_protection_ends() -> None:
    [option] = return_paths(_situation(now=DELIVERED + timedelta(days=31)))
    assert (option.open, option.closes_at, option.facts["category"]) == (
        True,
        ENDS,
        "not_as_described",
    )
    [ended] = return_paths(_situation(now=ENDS))
    assert (ended.open, ended.blocker) == (False, "return_protection_ended")
    assert ended.facts["protection_ends_at"] == ENDS.isoformat()


def test_a_store_without_remorse_returns_opens_it_for_what_is_wrong_only() -> None:
    [option] = return_paths(_situation(policy=StorePolicy(accepts_remorse_returns=False)))
    assert (option.open, option.closes_at, option.facts["category"]) == (
        True,
        ENDS,
        "not_as_described",
    )


def test_nothing_delivered_yet() -> None:
    [option] = return_paths(_situation(delivered_at=None))
    assert (option.open, option.blocker) == (False, "return_nothing_delivered")


def test_the_quote_of_sending_everything_back() -> None:
    remorse = return_items_quote(_situation(), RefundedSoFar())
    assert remorse is not None and remorse.total == 5000 + 500 - 500
    later = return_items_quote(_situation(now=DELIVERED + timedelta(days=31)), RefundedSoFar())
    assert later is not None and later.total == 6000  # 6500 asked, capped at the capture (F2)
    assert return_items_quote(_situation(now=ENDS), RefundedSoFar()) is None


def test_an_open_return_closes_return_items_and_opens_its_steps() -> None:
    requested = _by_path(return_paths(_situation(buyer_returns=(_return(ReturnStatus.requested),))))
    assert requested[PathName.return_items].blocker == "return_already_open"
    assert requested[PathName.withdraw_return].open
    assert requested[PathName.ship_return].blocker == "return_not_approved"
    assert PathName.answer_offer not in requested
    ship_by = DELIVERED + timedelta(days=12)
    approved = _by_path(
        return_paths(
            _situation(
                buyer_returns=(
                    _return(ReturnStatus.approved, ship_by=ship_by, return_address="Desk"),
                )
            )
        )
    )
    ship = approved[PathName.ship_return]
    assert (ship.open, ship.closes_at, ship.facts["return_address"]) == (True, ship_by, "Desk")
    answer_by = DELIVERED + timedelta(days=3)
    offered = _by_path(
        return_paths(
            _situation(
                buyer_returns=(
                    _return(
                        ReturnStatus.offered,
                        offer_amount=900,
                        offer_status=OfferStatus.offered,
                        offer_answer_by=answer_by,
                    ),
                )
            )
        )
    )
    answer = offered[PathName.answer_offer]
    assert (answer.open, answer.closes_at, answer.facts["amount"]) == (True, answer_by, 900)
    shipped = _by_path(return_paths(_situation(buyer_returns=(_return(ReturnStatus.shipped),))))
    assert shipped[PathName.withdraw_return].blocker == "return_on_its_way"


def test_units_already_back_leave_nothing_to_return() -> None:
    both = _return(ReturnStatus.refunded, lines=(ReturnLine(1, 2),))
    [option] = return_paths(_situation(buyer_returns=(both,)))
    assert (option.open, option.blocker) == (False, "return_nothing_left")


def test_the_sellers_answer_then_confirm_what_came_back() -> None:
    respond_by = DELIVERED + timedelta(days=3)
    asked = _by_path(
        return_paths(
            _situation(
                SELLER, buyer_returns=(_return(ReturnStatus.requested, respond_by=respond_by),)
            )
        )
    )
    assert (asked[PathName.answer_return].open, asked[PathName.answer_return].closes_at) == (
        True,
        respond_by,
    )
    assert asked[PathName.receive_return].blocker == "return_not_sent"
    refund_by = DELIVERED + timedelta(days=9)
    back = _by_path(
        return_paths(
            _situation(
                SELLER, buyer_returns=(_return(ReturnStatus.delivered, refund_by=refund_by),)
            )
        )
    )
    assert (back[PathName.receive_return].open, back[PathName.receive_return].closes_at) == (
        True,
        refund_by,
    )
    assert back[PathName.answer_return].blocker == "return_answered"
    assert return_paths(_situation(SELLER)) == ()


def test_nobody_else_has_return_paths() -> None:
    open_one = (_return(ReturnStatus.requested),)
    for viewer in (
        Actor(Role.buyer, user_id=11),
        Actor(Role.seller, user_id=4, store_ids=frozenset({21})),
        Actor(Role.support, user_id=9),
    ):
        assert return_paths(_situation(viewer, buyer_returns=open_one)) == ()
