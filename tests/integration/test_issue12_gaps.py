"""S1 and R4 where the other tests stop short: a parcel the seller intercepted comes back and is
refunded the S2 way (the seller confirming it, or by itself `returned_parcel_refund_days` after
the carrier brought it back, with the worker down); and a seller who reports a problem with what
came back leaves the return flagged to support with no refund, and the buyer is offered the
dispute about it (`return_refused`, naming the return), which opens and carries the return's id."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from recourse.container import Container
from recourse.db.queries.returns import problem_returns
from recourse.domain.disputes import DisputeStatus, DisputeType
from recourse.domain.returns import Condition, ReturnKind, ReturnStatus
from recourse.domain.roles import Role
from recourse.domain.shipment import CarrierEvent
from recourse.integrations.clock import FixedClock
from recourse.services import conversation, disputes, returns
from recourse.services.options import order_options
from recourse.services.settle import settle_due
from tests.factories import (
    actor_of,
    carrier_event,
    make_order,
    make_store,
    make_user,
    pay,
    ship_all,
)
from tests.integration.support import run_worker
from tests.integration.test_evidence_upload import png, upload
from tests.integration.test_returns import _buyer, _get, _request, _seller, _ship, _world


def test_a_problem_on_receipt_is_flagged_and_opens_the_dispute_of_that_return(
    container: Container, clock: FixedClock
) -> None:
    c = container
    w = _world(c, clock)
    rid = _request(c, w, "damaged", description="The shade arrived cracked")
    returns.approve_return(c.uow(), c.ctx, actor=_seller(c, w), return_id=rid)
    _ship(c, w, rid)
    (photo,) = upload(c, _seller(c, w), w["order"], ("empty-box.png", png()))
    problem = returns.receive_return(
        c.uow(),
        c.ctx,
        actor=_seller(c, w),
        return_id=rid,
        condition=Condition.problem,
        note="The box came back empty",
        file_ids=[photo.id],
    )
    assert (problem.status, problem.refund_id) == (ReturnStatus.problem, None)
    with c.read_session() as s:
        assert [v.ret.id for v in problem_returns(s)] == [rid]

    # SPEC R4: the problem opened the dispute of that return, with support
    with c.uow() as uow:
        (opened,) = uow.disputes.for_order(w["order"])
    assert (opened.type, opened.status, opened.return_id) == (
        DisputeType.return_refused,
        DisputeStatus.escalated,
        rid,
    )
    guide = order_options(c.uow(), c.ctx, _buyer(c, w), w["order"])
    offered = [
        o.option
        for o in guide.options
        if str(o.option.path) == "open_dispute" and o.option.facts.get("type") == "return_refused"
    ]
    assert len(offered) == 1 and not offered[0].open, offered
    assert offered[0].blocker == "dispute_already_open"
    assert offered[0].facts["dispute_id"] == opened.id

    # withdrawn, it may be opened again by the buyer, who then waits for the seller (D7)
    disputes.withdraw(c.uow(), c.ctx, actor=_buyer(c, w), dispute_id=opened.id)
    dispute_id = disputes.open_dispute(
        c.uow(),
        c.ctx,
        actor=_buyer(c, w),
        order_id=w["order"],
        type="return_refused",
        wanted="full_refund",
        amount=None,
        description="I sent the lamp back; the box was not empty.",
        return_id=rid,
    )
    with c.uow() as uow:
        d = uow.disputes.get(dispute_id)
    assert d is not None
    assert (d.type, d.status, d.return_id) == (
        DisputeType.return_refused,
        DisputeStatus.awaiting_seller,
        rid,
    )
    assert _get(c, rid).status is ReturnStatus.problem


def _intercepted(c: Container) -> tuple[int, int, int]:
    """A shipped order whose parcel the seller stopped at the buyer's request: (order, seller,
    return)."""
    store = make_store(c)
    buyer = make_user(c, role=Role.buyer)
    seller = make_user(c, role=Role.seller, store_ids=[store])
    order = make_order(c, buyer_id=buyer, store_id=store)
    pay(c, order)
    shipment = ship_all(c, order)
    asked = conversation.request_intercept(
        c.uow(), c.ctx, actor=actor_of(c, buyer), order_id=order, note="Wrong address"
    )
    done = conversation.answer_intercept(
        c.uow(),
        c.ctx,
        actor=actor_of(c, seller),
        order_id=order,
        request_id=asked.request_id,
        outcome="intercepted",
    )
    assert done.return_id is not None
    # the return is open already; the carrier's scans bring the parcel back
    carrier_event(c, shipment, CarrierEvent.returned_to_sender)
    carrier_event(c, shipment, CarrierEvent.delivered_to_sender)
    with c.uow() as uow:
        assert [r.id for r in uow.returns.for_order(order)] == [done.return_id]
    return order, seller, done.return_id


def _refunded_total(c: Container, order_id: int) -> int:
    with c.uow() as uow:
        return uow.refunds.so_far(order_id).total


@pytest.mark.parametrize("how", ["seller_confirms", "nobody_acts"])
def test_an_intercepted_parcel_back_with_the_seller_is_refunded_as_in_s2(
    container: Container, clock: FixedClock, how: str
) -> None:
    c = container
    order, seller, rid = _intercepted(c)
    back = _get(c, rid)
    assert (back.kind, back.status) == (ReturnKind.intercepted, ReturnStatus.delivered)
    with c.uow() as uow:
        days = uow.platform.policy().returned_parcel_refund_days
    assert back.refund_by == clock.now() + timedelta(days=days)
    assert _refunded_total(c, order) == 0
    if how == "seller_confirms":
        returns.receive_return(
            c.uow(), c.ctx, actor=actor_of(c, seller), return_id=rid, condition="ok"
        )
    else:
        assert back.refund_by is not None
        clock.set(back.refund_by + timedelta(hours=1))  # the worker was down
        settle_due(c.uow(), c.ctx, order_id=order)
    done = _get(c, rid)
    assert done.status is ReturnStatus.refunded and done.refund_id is not None
    paid_back = _refunded_total(c, order)
    # the units' price and tax; no reason given, so the outbound shipping stays paid
    assert paid_back == 5475
    clock.advance(timedelta(days=1))
    run_worker(c)
    assert _refunded_total(c, order) == paid_back


# R2/R3: the buyer withdraws at every step before shipping; R4: a problem after the carrier's scan


def _offered(c: Container, w: dict[str, int]) -> int:
    rid = _request(c, w, "defective", description="Flickers")
    returns.offer_partial_refund(c.uow(), c.ctx, actor=_seller(c, w), return_id=rid, amount=900)
    return rid


def _approved(c: Container, w: dict[str, int]) -> int:
    rid = _request(c, w)
    returns.approve_return(c.uow(), c.ctx, actor=_seller(c, w), return_id=rid)
    return rid


@pytest.mark.parametrize(
    ("step", "status"),
    [(_offered, ReturnStatus.offered), (_approved, ReturnStatus.approved)],
)
def test_the_buyer_withdraws_an_offered_or_approved_return(
    container: Container, clock: FixedClock, step: Any, status: ReturnStatus
) -> None:
    c = container
    w = _world(c, clock)
    rid = step(c, w)
    assert _get(c, rid).status is status
    gone = returns.withdraw_return(c.uow(), c.ctx, actor=_buyer(c, w), return_id=rid)
    assert (gone.status, gone.refund_id, gone.due_at) == (ReturnStatus.withdrawn, None, None)
    with c.uow() as uow:
        assert uow.refunds.so_far(w["order"]).total == 0
        assert uow.orders.settlement(w["order"]).open_cases == 0


def test_a_problem_reported_after_the_carrier_delivered_the_return(
    container: Container, clock: FixedClock
) -> None:
    c = container
    w = _world(c, clock)
    rid = _approved(c, w)
    parcel = _ship(c, w, rid).return_shipment_id
    assert parcel is not None
    carrier_event(c, parcel, CarrierEvent.delivered)
    delivered = _get(c, rid)
    assert delivered.status is ReturnStatus.delivered and delivered.refund_by is not None
    problem = returns.receive_return(
        c.uow(),
        c.ctx,
        actor=_seller(c, w),
        return_id=rid,
        condition=Condition.problem,
        note="A different lamp came back",
    )
    assert (problem.status, problem.refund_id, problem.due_at) == (ReturnStatus.problem, None, None)
    # refund_by no longer decides anything: the problem waits for support
    clock.set(delivered.refund_by + timedelta(days=1))
    settle_due(c.uow(), c.ctx, order_id=w["order"])
    run_worker(c)
    assert _get(c, rid).status is ReturnStatus.problem
    assert _refunded_total(c, w["order"]) == 0
