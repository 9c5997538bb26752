"""§4 buyer returns on a real database, through the use cases: R1 eligibility with its dates,
R2 answers (approve, decline, one offer, accepted or declined), R3 shipping back, R4 receiving
and the refund (R5 amounts), withdrawal — and every deadline deciding while the worker is
down: a read settles it, a late action gets 409 with the deadline, the worker's late firing
changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from recourse.container import Container
from recourse.db import models as m
from recourse.db.queries.returns import problem_returns, returns_inbox
from recourse.domain.disputes import DisputeStatus, DisputeType, Wanted
from recourse.domain.errors import InvalidInput, NotAllowed, NotFound, RuleConflict
from recourse.domain.order import NewLine
from recourse.domain.returns import Condition, OfferStatus, Return, ReturnLine, ReturnStatus
from recourse.domain.roles import Role
from recourse.domain.shipment import CarrierEvent, ShipmentDirection
from recourse.integrations.clock import FixedClock
from recourse.services import disputes, protection, returns
from recourse.services.settle import settle_due
from tests.factories import (
    actor_of,
    carrier_event,
    get_order,
    make_order,
    make_store,
    make_user,
    pay,
    ship_all,
)
from tests.integration.support import mail_templates, run_worker, timeline_of

BUYER = "rhea@example.com"
SELLER = "sol@example.com"
ADDRESS = "Maison Lune, Returns desk, Hauptstr. 1, 10115 Berlin"
# The fixture's parcel is delivered on Tuesday 3 March 2026, 09:00 UTC (10:00 in Berlin).
DELIVERED = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
# Three business days of the buyer's calendar (Germany) later: Friday.
RESPOND_BY = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)


def _world(
    c: Container, clock: FixedClock, *, address: str | None = ADDRESS, **policy: Any
) -> dict[str, int]:
    store = make_store(c, name="Maison Lune", return_address=address, **policy)
    buyer = make_user(c, role=Role.buyer, email=BUYER, name="Rhea")
    seller = make_user(c, role=Role.seller, email=SELLER, store_ids=[store])
    order = make_order(
        c,
        buyer_id=buyer,
        store_id=store,
        shipping_fee=500,
        lines=[
            NewLine("SKU-1", "Desk lamp", 2500, 2, 0, 500),
            NewLine("SKU-2", "Bulb", 1000, 1, 0, 200),
        ],
    )
    pay(c, order)
    shipment = ship_all(c, order)
    clock.set(DELIVERED)
    carrier_event(c, shipment, CarrierEvent.delivered)
    o = get_order(c, order)
    return {
        "store": store,
        "buyer": buyer,
        "seller": seller,
        "order": order,
        "lamp": o.lines[0].id,
        "bulb": o.lines[1].id,
    }


@pytest.fixture
def world(container: Container, clock: FixedClock) -> dict[str, int]:
    return _world(container, clock)


def _request(
    c: Container,
    w: dict[str, int],
    reason: str = "no_longer_needed",
    lines: list[ReturnLine] | None = None,
    description: str | None = "Too bright for my desk",
) -> int:
    return returns.request_return(
        c.uow(),
        c.ctx,
        actor=actor_of(c, w["buyer"]),
        order_id=w["order"],
        lines=lines or [ReturnLine(w["lamp"], 1)],
        reason=reason,
        description=description,
    )


def _get(c: Container, return_id: int) -> Return:
    with c.uow() as uow:
        found = uow.returns.get(return_id)
    assert found is not None
    return found


def _read(c: Container, return_id: int) -> Return:
    """What a reader sees: the order's passed deadlines applied first (§10)."""
    settle_due(c.uow(), c.ctx, order_id=_get(c, return_id).order_id)
    return _get(c, return_id)


def _seller(c: Container, w: dict[str, int]) -> Any:
    return actor_of(c, w["seller"])


def _buyer(c: Container, w: dict[str, int]) -> Any:
    return actor_of(c, w["buyer"])


def _events(c: Container, prefix: str = "return.") -> list[str]:
    with c.read_session() as s:
        return list(
            s.scalars(
                select(m.EventRow.type)
                .where(m.EventRow.type.startswith(prefix))
                .order_by(m.EventRow.id)
            )
        )


def _kinds(c: Container, user_id: int) -> list[str]:
    with c.read_session() as s:
        return list(
            s.scalars(
                select(m.NotificationRow.kind)
                .where(m.NotificationRow.user_id == user_id)
                .order_by(m.NotificationRow.id)
            )
        )


def _refund(c: Container, refund_id: int) -> m.RefundRow:
    with c.read_session() as s:
        row = s.get(m.RefundRow, refund_id)
        assert row is not None
        s.expunge(row)
        return row


def _ship(c: Container, w: dict[str, int], rid: int) -> Return:
    return returns.ship_return(
        c.uow(), c.ctx, actor=_buyer(c, w), return_id=rid, carrier="DHL", tracking_number="RET-1"
    )


def test_a_remorse_return_goes_back_and_is_refunded(
    container: Container, clock: FixedClock
) -> None:
    c = container
    w = _world(c, clock, restocking_fee_percent=10)
    rid = _request(c, w)
    requested = _get(c, rid)
    assert requested.status is ReturnStatus.requested
    assert (requested.respond_by, requested.due_at) == (RESPOND_BY, RESPOND_BY)
    clock.advance(timedelta(hours=2))
    approved = returns.approve_return(c.uow(), c.ctx, actor=_seller(c, w), return_id=rid)
    assert approved.return_address == ADDRESS
    assert approved.ship_by == clock.now() + timedelta(days=10)
    assert approved.due_at == approved.ship_by
    shipped = _ship(c, w, rid)
    assert shipped.status is ReturnStatus.shipped and shipped.due_at is None
    assert shipped.return_shipment_id is not None
    with c.uow() as uow:
        parcel = uow.shipments.get(shipped.return_shipment_id)
    assert parcel is not None
    assert (parcel.direction, parcel.return_id, parcel.units) == (
        ShipmentDirection.back,
        rid,
        {w["lamp"]: 1},
    )
    clock.advance(timedelta(days=2))
    carrier_event(c, shipped.return_shipment_id, CarrierEvent.delivered)
    delivered = _get(c, rid)
    assert delivered.status is ReturnStatus.delivered
    # two business days of the buyer's calendar after Thursday 10:00 Berlin: Monday
    assert delivered.refund_by == datetime(2026, 3, 9, 11, 0, tzinfo=UTC)
    # the buyer's parcel back delivers nothing to the buyer
    assert get_order(c, w["order"]).lines[0].qty.delivered == 2
    refunded = returns.receive_return(
        c.uow(), c.ctx, actor=_seller(c, w), return_id=rid, condition=Condition.ok
    )
    assert refunded.status is ReturnStatus.refunded
    assert refunded.condition is Condition.ok and refunded.received_at == clock.now()
    assert refunded.refund_id is not None
    refund = _refund(c, refunded.refund_id)
    # R5: 2500 + 250 tax, minus 10 % restocking (250) and the return shipping (500)
    assert (refund.amount, refund.cause, refund.cause_ref) == (
        2000,
        "remorse_return",
        f"return:{rid}",
    )
    qty = get_order(c, w["order"]).lines[0].qty
    assert (qty.returned, qty.refunded) == (1, 1)
    assert sorted(_events(c)) == [
        "return.approved",
        "return.delivered",
        "return.received",
        "return.refunded",
        "return.requested",
        "return.shipped",
    ]
    run_worker(c)
    assert mail_templates(c, SELLER) == ["return_delivered", "return_requested"]
    assert mail_templates(c, BUYER)[-2:] == ["refund_created", "return_approved"]
    actions = [e.action for e in timeline_of(c, w["order"], "return.refunded")]
    assert actions == ["return.refunded"]


def test_not_as_described_refunds_everything_with_both_shippings_when_all_comes_back(
    container: Container, world: dict[str, int]
) -> None:
    c, w = container, world
    rid = _request(
        c,
        w,
        "damaged",
        lines=[ReturnLine(w["lamp"], 2), ReturnLine(w["bulb"], 1)],
        description="Both arrived broken",
    )
    returns.approve_return(c.uow(), c.ctx, actor=_seller(c, w), return_id=rid)
    _ship(c, w, rid)
    # the parcel reached the seller before the carrier scanned it: receipt while shipped
    done = returns.receive_return(
        c.uow(), c.ctx, actor=_seller(c, w), return_id=rid, condition="ok"
    )
    assert done.refund_id is not None
    refund = _refund(c, done.refund_id)
    # 5000 + 500 + 1000 + 200, the original shipping 500 and the return shipping 500 would be
    # 7700: F2 caps it at the 7200 captured, the shipping parts giving way
    assert (refund.amount, refund.cause) == (7200, "not_as_described_return")
    assert get_order(c, w["order"]).payment.amount_captured == 7200


def test_the_seller_declines_and_the_return_ends(
    container: Container, world: dict[str, int]
) -> None:
    c, w = container, world
    rid = _request(c, w)
    with pytest.raises(InvalidInput) as blank:
        returns.decline_return(c.uow(), c.ctx, actor=_seller(c, w), return_id=rid, reason="  ")
    assert blank.value.field == "reason"
    declined = returns.decline_return(
        c.uow(), c.ctx, actor=_seller(c, w), return_id=rid, reason="Used, not as sent"
    )
    assert (declined.status, declined.decline_reason, declined.due_at) == (
        ReturnStatus.declined,
        "Used, not as sent",
        None,
    )
    with pytest.raises(RuleConflict) as again:
        returns.approve_return(c.uow(), c.ctx, actor=_seller(c, w), return_id=rid)
    assert again.value.code == "return_not_at_step"
    assert "return.declined" in _kinds(c, w["buyer"])
    run_worker(c)
    assert "return_declined" in mail_templates(c, BUYER)


def test_one_offer_accepted_refunds_its_amount_and_the_buyer_keeps_the_item(
    container: Container, world: dict[str, int]
) -> None:
    c, w = container, world
    rid = _request(c, w, "defective", description="Flickers")
    offered = returns.offer_partial_refund(
        c.uow(), c.ctx, actor=_seller(c, w), return_id=rid, amount=900
    )
    assert offered.status is ReturnStatus.offered
    assert offered.offer_answer_by == RESPOND_BY and offered.due_at == RESPOND_BY
    kept = returns.accept_offer(c.uow(), c.ctx, actor=_buyer(c, w), return_id=rid)
    assert (kept.status, kept.offer_status) == (ReturnStatus.offer_accepted, OfferStatus.accepted)
    assert kept.refund_id is not None
    refund = _refund(c, kept.refund_id)
    assert (refund.amount, refund.cause) == (900, "not_as_described_return")
    qty = get_order(c, w["order"]).lines[0].qty
    assert (qty.returned, qty.refunded) == (0, 0)
    # the kept unit cannot be returned again; the other one can
    with pytest.raises(RuleConflict) as taken:
        _request(c, w, "defective", lines=[ReturnLine(w["lamp"], 2)], description="x")
    assert (taken.value.code, taken.value.facts["returnable_units"]) == ("units_not_returnable", 1)
    assert "return.offer_accepted" in _events(c)
    run_worker(c)
    assert "return_offered" in mail_templates(c, BUYER)


def test_a_declined_offer_goes_back_to_the_seller_who_may_not_offer_twice(
    container: Container, clock: FixedClock, world: dict[str, int]
) -> None:
    c, w = container, world
    rid = _request(c, w)
    returns.offer_partial_refund(c.uow(), c.ctx, actor=_seller(c, w), return_id=rid, amount=500)
    clock.advance(timedelta(hours=1))
    back = returns.decline_offer(c.uow(), c.ctx, actor=_buyer(c, w), return_id=rid)
    assert (back.status, back.offer_status) == (ReturnStatus.requested, OfferStatus.declined)
    assert back.respond_by == RESPOND_BY + timedelta(hours=1)
    with pytest.raises(RuleConflict) as twice:
        returns.offer_partial_refund(c.uow(), c.ctx, actor=_seller(c, w), return_id=rid, amount=400)
    assert twice.value.code == "return_offer_made_once"
    assert returns.approve_return(c.uow(), c.ctx, actor=_seller(c, w), return_id=rid).status is (
        ReturnStatus.approved
    )


@pytest.mark.parametrize("amount", [0, 2250, 5000])
def test_the_offer_must_be_part_of_the_refund(
    container: Container, world: dict[str, int], amount: int
) -> None:
    """R2: above zero and below the full refund (one lamp, remorse: 2500 + 250 - 500)."""
    c, w = container, world
    rid = _request(c, w)
    with pytest.raises(InvalidInput) as refused:
        returns.offer_partial_refund(
            c.uow(), c.ctx, actor=_seller(c, w), return_id=rid, amount=amount
        )
    assert refused.value.field == "amount"


def test_the_buyer_withdraws_before_shipping_only(
    container: Container, world: dict[str, int]
) -> None:
    c, w = container, world
    first = _request(c, w)
    gone = returns.withdraw_return(c.uow(), c.ctx, actor=_buyer(c, w), return_id=first)
    assert gone.status is ReturnStatus.withdrawn
    assert "return.withdrawn" in _kinds(c, w["seller"])
    second = _request(c, w)
    returns.approve_return(c.uow(), c.ctx, actor=_seller(c, w), return_id=second)
    _ship(c, w, second)
    with pytest.raises(RuleConflict) as late:
        returns.withdraw_return(c.uow(), c.ctx, actor=_buyer(c, w), return_id=second)
    assert late.value.facts["status"] == "shipped"


def test_who_may_do_what(container: Container, world: dict[str, int]) -> None:
    c, w = container, world
    rid = _request(c, w)
    stranger = actor_of(c, make_user(c, role=Role.buyer))
    with pytest.raises(NotFound):
        returns.withdraw_return(c.uow(), c.ctx, actor=stranger, return_id=rid)
    with pytest.raises(NotAllowed):
        returns.approve_return(c.uow(), c.ctx, actor=_buyer(c, w), return_id=rid)
    with pytest.raises(NotAllowed):
        returns.withdraw_return(c.uow(), c.ctx, actor=_seller(c, w), return_id=rid)
    with pytest.raises(NotAllowed):
        _request(c, {**w, "buyer": w["seller"]})


def test_a_problem_goes_to_support_without_a_refund(
    container: Container, world: dict[str, int]
) -> None:
    c, w = container, world
    rid = _request(c, w)
    returns.approve_return(c.uow(), c.ctx, actor=_seller(c, w), return_id=rid)
    _ship(c, w, rid)
    with pytest.raises(InvalidInput) as no_note:
        returns.receive_return(
            c.uow(), c.ctx, actor=_seller(c, w), return_id=rid, condition=Condition.problem
        )
    assert no_note.value.field == "note"
    problem = returns.receive_return(
        c.uow(),
        c.ctx,
        actor=_seller(c, w),
        return_id=rid,
        condition=Condition.problem,
        note="The box came back empty",
    )
    assert (problem.status, problem.refund_id) == (ReturnStatus.problem, None)
    with c.read_session() as s:
        flagged = problem_returns(s)
    assert [v.ret.id for v in flagged] == [rid]
    assert "return.problem" in _events(c)
    # SPEC R4: the problem opens a dispute for the buyer, straight with support
    with c.uow() as uow:
        (dispute,) = uow.disputes.for_order(w["order"])
    assert (dispute.type, dispute.status, dispute.return_id) == (
        DisputeType.return_refused,
        DisputeStatus.escalated,
        rid,
    )
    assert dispute.escalated_by == "system" and dispute.sla_due_at is not None
    assert dispute.sla_due_at > dispute.opened_at
    # what the buyer sent the lamp back for: the refund the return would have paid had it
    # come back fine (2250, as test_the_seller_left_alone_the_refund_goes_by_itself below
    # pays for the same return), less than what is left to refund
    assert (dispute.wanted, dispute.amount) == (Wanted.partial_refund, 2250)
    assert dispute.description == "The box came back empty"
    # event ids are random: compare as a set
    assert sorted(_events(c, "dispute.")) == ["dispute.escalated", "dispute.opened"]
    # nobody has to act, so no email: the buyer hears in-app of the problem, and both sides
    # that support decides (the sellers reported it themselves)
    run_worker(c)
    assert not [t for t in mail_templates(c, BUYER) if t.startswith(("dispute", "return_p"))]
    assert not [t for t in mail_templates(c, SELLER) if t.startswith("dispute")]
    with c.read_session() as s:
        told = s.scalars(
            select(m.NotificationRow.user_id).where(m.NotificationRow.kind == "dispute.escalated")
        ).all()
    assert sorted(told) == sorted([w["buyer"], w["seller"]])


def test_a_problem_opens_no_second_dispute_on_an_order_that_has_one_open(
    container: Container, world: dict[str, int]
) -> None:
    c, w = container, world
    rid = _request(c, w, reason="damaged", description="Cracked shade")
    returns.approve_return(c.uow(), c.ctx, actor=_seller(c, w), return_id=rid)
    _ship(c, w, rid)
    opened = disputes.open_dispute(
        c.uow(),
        c.ctx,
        actor=_buyer(c, w),
        order_id=w["order"],
        type=DisputeType.not_as_described,
        wanted=Wanted.full_refund,
        amount=None,
        description="The bulb does not fit either",
    )
    problem = returns.receive_return(
        c.uow(),
        c.ctx,
        actor=_seller(c, w),
        return_id=rid,
        condition=Condition.problem,
        note="Shade scratched on purpose",
    )
    assert problem.status is ReturnStatus.problem
    with c.uow() as uow:
        assert [d.id for d in uow.disputes.for_order(w["order"])] == [opened]


def test_eligibility_names_the_rule_and_its_date(
    container: Container, clock: FixedClock, world: dict[str, int]
) -> None:
    c, w = container, world
    with pytest.raises(RuleConflict) as too_many:
        _request(c, w, lines=[ReturnLine(w["lamp"], 3)])
    assert too_many.value.code == "units_not_returnable"
    clock.set(DELIVERED + timedelta(days=30))
    with pytest.raises(RuleConflict) as closed:
        _request(c, w)
    assert closed.value.code == "return_window_closed"
    assert closed.value.facts["window_ends_at"] == (DELIVERED + timedelta(days=30)).isoformat()
    rid = _request(c, w, "wrong_item", description="A kettle instead")
    with pytest.raises(RuleConflict) as open_one:
        _request(c, w, "damaged", lines=[ReturnLine(w["bulb"], 1)], description="Broken")
    assert (open_one.value.code, open_one.value.facts["return_id"]) == ("return_already_open", rid)
    returns.withdraw_return(c.uow(), c.ctx, actor=_buyer(c, w), return_id=rid)
    ends = get_order(c, w["order"]).deadlines.protection_ends_at
    assert ends is not None
    clock.set(ends)
    with pytest.raises(RuleConflict) as ended:
        _request(c, w, "damaged", description="Broken")
    assert ended.value.code == "return_protection_ended"
    assert ended.value.facts["protection_ends_at"] == ends.isoformat()


def test_a_store_that_takes_no_remorse_returns(container: Container, clock: FixedClock) -> None:
    c = container
    w = _world(c, clock, accepts_remorse_returns=False)
    with pytest.raises(RuleConflict) as refused:
        returns.quote_return(
            c.uow(),
            c.ctx,
            actor=_buyer(c, w),
            order_id=w["order"],
            lines=[ReturnLine(w["lamp"], 1)],
            reason="wrong_size",
        )
    assert refused.value.code == "remorse_not_accepted"
    quote = returns.quote_return(
        c.uow(),
        c.ctx,
        actor=_buyer(c, w),
        order_id=w["order"],
        lines=[ReturnLine(w["lamp"], 1)],
        reason="missing_parts",
    )
    assert (quote.quote.total, quote.window_ends_at, quote.respond_by) == (3250, None, RESPOND_BY)


def test_nothing_delivered_nothing_to_return(container: Container) -> None:
    c = container
    store = make_store(c)
    buyer = make_user(c, role=Role.buyer)
    order = make_order(c, buyer_id=buyer, store_id=store)
    pay(c, order)
    ship_all(c, order)
    line = get_order(c, order).lines[0].id
    with pytest.raises(RuleConflict) as early:
        returns.request_return(
            c.uow(),
            c.ctx,
            actor=actor_of(c, buyer),
            order_id=order,
            lines=[ReturnLine(line, 1)],
            reason="damaged",
            description="x",
        )
    assert early.value.code == "return_nothing_delivered"


def test_an_open_return_keeps_the_order_from_closing(
    container: Container, clock: FixedClock, world: dict[str, int]
) -> None:
    c, w = container, world
    rid = _request(c, w, "damaged", description="Cracked")
    protection.confirm_receipt(c.uow(), c.ctx, actor=_buyer(c, w), order_id=w["order"])
    with c.uow() as uow:
        assert uow.orders.settlement(w["order"]).open_cases == 1
    returns.withdraw_return(c.uow(), c.ctx, actor=_buyer(c, w), return_id=rid)
    with c.uow() as uow:
        assert uow.orders.settlement(w["order"]).open_cases == 0


# §10: every deadline decides with the worker down; a read shows it, a late action is told


def test_silence_approves_with_the_worker_down(
    container: Container, clock: FixedClock, world: dict[str, int]
) -> None:
    c, w = container, world
    rid = _request(c, w)
    clock.set(RESPOND_BY + timedelta(days=1))
    approved = _read(c, rid)
    assert (approved.status, approved.decided_by_role) == (ReturnStatus.approved, "system")
    assert approved.decided_at == RESPOND_BY
    assert approved.ship_by == RESPOND_BY + timedelta(days=10)
    assert approved.return_address == ADDRESS
    with pytest.raises(RuleConflict) as late:
        returns.decline_return(c.uow(), c.ctx, actor=_seller(c, w), return_id=rid, reason="No")
    assert late.value.code == "return_respond_by_passed"
    assert late.value.facts["respond_by"] == RESPOND_BY.isoformat()
    run_worker(c)
    assert _get(c, rid).status is ReturnStatus.approved
    assert len(timeline_of(c, w["order"], "return.approved")) == 1
    assert _events(c).count("return.approved") == 1


def test_silence_without_an_address_on_file_asks_the_sellers(
    container: Container, clock: FixedClock
) -> None:
    c = container
    w = _world(c, clock, address=None)
    rid = _request(c, w)
    with pytest.raises(InvalidInput) as needed:
        returns.approve_return(c.uow(), c.ctx, actor=_seller(c, w), return_id=rid)
    assert needed.value.field == "return_address"
    clock.set(RESPOND_BY)
    run_worker(c)
    approved = _get(c, rid)
    assert (approved.status, approved.return_address) == (ReturnStatus.approved, None)
    assert "return.address_needed" in _kinds(c, w["seller"])


def test_an_unanswered_offer_lapses_and_a_long_silence_decides_every_step(
    container: Container, clock: FixedClock, world: dict[str, int]
) -> None:
    c, w = container, world
    rid = _request(c, w)
    returns.offer_partial_refund(c.uow(), c.ctx, actor=_seller(c, w), return_id=rid, amount=500)
    clock.set(RESPOND_BY + timedelta(hours=1))
    lapsed = _read(c, rid)
    assert (lapsed.status, lapsed.offer_status) == (ReturnStatus.requested, OfferStatus.lapsed)
    # a fresh answer-by counted from the lapse: Wednesday after Friday
    assert lapsed.respond_by == datetime(2026, 3, 11, 9, 0, tzinfo=UTC)
    with pytest.raises(RuleConflict) as late:
        returns.accept_offer(c.uow(), c.ctx, actor=_buyer(c, w), return_id=rid)
    assert late.value.code == "return_offer_answer_by_passed"
    assert late.value.facts["offer_answer_by"] == RESPOND_BY.isoformat()
    # three weeks of silence: approved at its answer-by, closed at its ship-by, in one read
    clock.set(datetime(2026, 3, 31, 9, 0, tzinfo=UTC))
    closed = _read(c, rid)
    assert closed.status is ReturnStatus.closed
    assert closed.ship_by == datetime(2026, 3, 21, 9, 0, tzinfo=UTC)
    run_worker(c)
    assert _get(c, rid).status is ReturnStatus.closed
    assert "return.closed" in _kinds(c, w["buyer"])


def test_not_shipped_in_time_closes_without_a_refund(
    container: Container, clock: FixedClock, world: dict[str, int]
) -> None:
    c, w = container, world
    rid = _request(c, w)
    approved = returns.approve_return(c.uow(), c.ctx, actor=_seller(c, w), return_id=rid)
    assert approved.ship_by is not None
    clock.set(approved.ship_by - timedelta(hours=12))
    run_worker(c)
    assert "return.reminder" in _kinds(c, w["buyer"])
    clock.set(approved.ship_by + timedelta(minutes=1))
    with pytest.raises(RuleConflict) as late:
        _ship(c, w, rid)
    assert late.value.code == "return_ship_by_passed"
    assert late.value.facts["ship_by"] == approved.ship_by.isoformat()
    closed = _get(c, rid)
    assert (closed.status, closed.refund_id, closed.closed_at) == (
        ReturnStatus.closed,
        None,
        approved.ship_by,
    )
    run_worker(c)
    assert len(timeline_of(c, w["order"], "return.closed")) == 1
    assert {"return_reminder", "return_closed"} <= set(mail_templates(c, BUYER))


def test_the_seller_left_alone_the_refund_goes_by_itself(
    container: Container, clock: FixedClock, world: dict[str, int]
) -> None:
    c, w = container, world
    rid = _request(c, w)
    returns.approve_return(c.uow(), c.ctx, actor=_seller(c, w), return_id=rid)
    shipment = _ship(c, w, rid).return_shipment_id
    assert shipment is not None
    carrier_event(c, shipment, CarrierEvent.delivered)
    refund_by = _get(c, rid).refund_by
    assert refund_by is not None
    clock.set(refund_by + timedelta(seconds=1))
    with pytest.raises(RuleConflict) as late:
        returns.receive_return(
            c.uow(),
            c.ctx,
            actor=_seller(c, w),
            return_id=rid,
            condition=Condition.problem,
            note="x",
        )
    assert late.value.code == "return_refund_by_passed"
    assert late.value.facts["refund_by"] == refund_by.isoformat()
    done = _get(c, rid)
    assert done.status is ReturnStatus.refunded and done.refund_id is not None
    assert _refund(c, done.refund_id).amount == 2250
    run_worker(c)
    with c.read_session() as s:
        refunds = s.scalars(select(m.RefundRow).where(m.RefundRow.cause_ref == f"return:{rid}"))
        assert len(list(refunds)) == 1
    assert "return.refunded_automatically" in _kinds(c, w["seller"])


def test_the_sellers_inbox_puts_the_nearest_deadline_first(
    container: Container, clock: FixedClock
) -> None:
    c = container
    w = _world(c, clock)
    declined = _request(c, w)
    returns.decline_return(c.uow(), c.ctx, actor=_seller(c, w), return_id=declined, reason="No")
    waiting = _request(c, w, lines=[ReturnLine(w["bulb"], 1)])
    with c.read_session() as s:
        open_page = returns_inbox(s, [w["store"]], status="open")
        every = returns_inbox(s, [w["store"]], limit=1)
        rest = returns_inbox(s, [w["store"]], limit=1, cursor=every.next_cursor)
    assert [v.ret.id for v in open_page.items] == [waiting]
    assert [v.ret.id for v in every.items + rest.items] == [waiting, declined]
    assert rest.next_cursor is None
    assert open_page.items[0].items == [{"line_id": w["bulb"], "title": "Bulb", "quantity": 1}]
