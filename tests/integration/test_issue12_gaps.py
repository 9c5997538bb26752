"""R4 where the other tests stop short: a seller who reports a problem with what came back
leaves the return flagged to support with no refund, and the buyer is offered the dispute
about it (`return_refused`, naming the return), which opens and carries the return's id."""

from __future__ import annotations

from recourse.container import Container
from recourse.db.queries.returns import problem_returns
from recourse.domain.disputes import DisputeStatus, DisputeType
from recourse.domain.returns import Condition, ReturnStatus
from recourse.integrations.clock import FixedClock
from recourse.services import disputes, returns
from recourse.services.options import order_options
from tests.integration.test_evidence_upload import png, upload
from tests.integration.test_returns import _buyer, _get, _request, _seller, _ship, _world


def test_a_problem_on_receipt_is_flagged_and_the_buyer_may_dispute_that_return(
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

    guide = order_options(c.uow(), c.ctx, _buyer(c, w), w["order"])
    offered = [
        o.option
        for o in guide.options
        if str(o.option.path) == "open_dispute" and o.option.facts.get("type") == "return_refused"
    ]
    assert len(offered) == 1 and offered[0].open, offered
    assert offered[0].facts["return_id"] == rid

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
