"""D3, D4 and D7 where the other tests stop short: the seller refuses with a counter-proposal
and their own evidence; the seller accepts the buyer's latest proposal and exactly that amount
goes through the ledger; the buyer withdraws at every step before a decision and at none after;
and (§2 `closed`) an order whose protection ended reads closed only once its return is settled
and the return's refund has reached the buyer."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from recourse.container import Container
from recourse.db import models as m
from recourse.db.queries.disputes import dispute_view
from recourse.domain.disputes import DisputeStatus, Party, Resolution
from recourse.domain.errors import RuleConflict
from recourse.domain.returns import ReturnLine
from recourse.integrations.clock import FixedClock
from recourse.integrations.gateways.sandbox import SandboxGateway, SandboxSettings
from recourse.services import disputes, returns
from recourse.services.settle import settle_due
from tests.factories import get_order
from tests.integration.support import run_worker, stored_status
from tests.integration.test_disputes import _escalated, _get, _open, _refunds, _world
from tests.integration.test_evidence_upload import png, upload


@pytest.fixture
def w(container: Container, clock: FixedClock) -> dict[str, Any]:
    return _world(container, clock)


def test_the_seller_refuses_with_a_counter_proposal_and_their_own_evidence(
    container: Container, w: dict[str, Any]
) -> None:
    c = container
    dispute_id = _open(c, w)
    (label,) = upload(c, w["seller"], w["order"], ("label.png", png()))
    d = disputes.respond(
        c.uow(),
        c.ctx,
        actor=w["seller"],
        dispute_id=dispute_id,
        action="counter",
        wanted="return_and_refund",
        note="Send it back and I refund it in full.",
        file_ids=[label.id],
    )
    assert d.status is DisputeStatus.negotiating
    assert [(p.by, p.wanted) for p in d.proposals] == [
        (Party.buyer, "full_refund"),
        (Party.seller, "return_and_refund"),
    ]
    with c.read_session() as s:
        view = dispute_view(s, dispute_id)
    assert view is not None
    assert [(f.id, f.name) for f in view.files] == [(label.id, "label.png")]


def test_the_seller_accepts_the_buyers_latest_proposal_and_that_amount_is_refunded(
    container: Container, w: dict[str, Any]
) -> None:
    c = container
    dispute_id = _open(c, w)
    disputes.respond(
        c.uow(),
        c.ctx,
        actor=w["seller"],
        dispute_id=dispute_id,
        action="counter",
        wanted="partial_refund",
        amount=800,
    )
    disputes.propose(
        c.uow(),
        c.ctx,
        actor=w["buyer"],
        dispute_id=dispute_id,
        wanted="partial_refund",
        amount=1200,
        note="Meet halfway?",
    )
    # the seller takes the buyer's latest (1200), not the buyer's opening full refund
    d = disputes.accept_proposal(c.uow(), c.ctx, actor=w["seller"], dispute_id=dispute_id)
    assert (d.status, d.resolution) == (DisputeStatus.resolved, Resolution.agreed)
    assert _refunds(c, w["order"]) == [(1200, "dispute", f"dispute:{dispute_id}")]
    with c.uow() as uow:
        assert uow.orders.settlement(w["order"]).open_cases == 0


def _negotiating(c: Container, w: dict[str, Any]) -> int:
    dispute_id = _open(c, w)
    disputes.respond(
        c.uow(),
        c.ctx,
        actor=w["seller"],
        dispute_id=dispute_id,
        action="counter",
        wanted="partial_refund",
        amount=500,
    )
    return dispute_id


def _decided(c: Container, w: dict[str, Any]) -> int:
    dispute_id = _escalated(c, w)
    disputes.decide(
        c.uow(),
        c.ctx,
        actor=w["agent"],
        dispute_id=dispute_id,
        outcome="no_refund",
        rationale="The photos show the lamp as listed.",
    )
    return dispute_id


def _appealed(c: Container, w: dict[str, Any]) -> int:
    dispute_id = _decided(c, w)
    disputes.appeal(c.uow(), c.ctx, actor=w["buyer"], dispute_id=dispute_id, reason="It is not.")
    return dispute_id


@pytest.mark.parametrize(
    ("step", "status"),
    [
        (_open, DisputeStatus.awaiting_seller),
        (_negotiating, DisputeStatus.negotiating),
        (_escalated, DisputeStatus.escalated),
    ],
)
def test_the_buyer_withdraws_at_every_step_before_a_decision(
    container: Container, w: dict[str, Any], step: Any, status: DisputeStatus
) -> None:
    dispute_id = step(container, w)
    assert _get(container, dispute_id).status is status
    d = disputes.withdraw(container.uow(), container.ctx, actor=w["buyer"], dispute_id=dispute_id)
    assert d.status is DisputeStatus.withdrawn
    assert _refunds(container, w["order"]) == []
    with container.uow() as uow:
        assert uow.orders.settlement(w["order"]).open_cases == 0


@pytest.mark.parametrize("step", [_decided, _appealed])
def test_no_withdrawal_once_support_decided(
    container: Container, w: dict[str, Any], step: Any
) -> None:
    dispute_id = step(container, w)
    before = _get(container, dispute_id).status
    with pytest.raises(RuleConflict) as refused:
        disputes.withdraw(container.uow(), container.ctx, actor=w["buyer"], dispute_id=dispute_id)
    assert refused.value.code == "dispute_not_at_step"
    assert _get(container, dispute_id).status is before


def test_an_order_closes_only_once_its_return_and_the_returns_refund_are_settled(
    container: Container, clock: FixedClock
) -> None:
    c = container
    sandbox = c.gateways["sandbox"]
    assert isinstance(sandbox, SandboxGateway)
    sandbox.configure(SandboxSettings(settle_seconds=3600))
    w = _world(c, clock)
    ends = get_order(c, w["order"]).deadlines.protection_ends_at
    assert ends is not None
    clock.set(ends - timedelta(days=2))
    lamp = get_order(c, w["order"]).lines[0].id
    rid = returns.request_return(
        c.uow(),
        c.ctx,
        actor=w["buyer"],
        order_id=w["order"],
        lines=[ReturnLine(lamp, 1)],
        reason="damaged",
        description="Cracked shade",
    )
    returns.approve_return(c.uow(), c.ctx, actor=w["seller"], return_id=rid)
    returns.ship_return(
        c.uow(), c.ctx, actor=w["buyer"], return_id=rid, carrier="DHL", tracking_number="R-1"
    )
    # protection ends with the return on its way back: the order is not closed
    clock.set(ends + timedelta(minutes=1))
    settle_due(c.uow(), c.ctx, order_id=w["order"])
    assert stored_status(c, w["order"]) == "completed"
    returns.receive_return(c.uow(), c.ctx, actor=w["seller"], return_id=rid, condition="ok")
    run_worker(c)  # the refund goes to the gateway, which settles it an hour later
    settle_due(c.uow(), c.ctx, order_id=w["order"])
    assert _refund_statuses(c, w["order"]) == ["processing"]
    assert stored_status(c, w["order"]) == "completed"
    clock.advance(timedelta(hours=2))
    run_worker(c)
    settle_due(c.uow(), c.ctx, order_id=w["order"])
    assert _refund_statuses(c, w["order"]) == ["succeeded"]
    assert stored_status(c, w["order"]) == "closed"


def _refund_statuses(c: Container, order_id: int) -> list[str]:
    with c.read_session() as s:
        return list(
            s.scalars(
                select(m.RefundRow.status)
                .where(m.RefundRow.order_id == order_id)
                .order_by(m.RefundRow.id)
            )
        )
