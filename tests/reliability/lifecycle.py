"""One order's life as a Hypothesis state machine, through the real services, worker and
sandbox gateway, with the invariants of §2, §3 and §6 checked after every step.

`OrderWorld` holds the parties and the order and reads what was stored; `OrderLife` is the
machine. Returns and disputes extend it: subclass `OrderLife`, add `@rule`s that call their
use cases through `self.attempt`, and `@invariant`s of their own; the ones here keep holding.
`ReturnLife` is §4's: it starts from a shipped or delivered order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

import hypothesis.strategies as st
from hypothesis import HealthCheck, Phase, event, settings
from hypothesis.control import currently_in_test_context
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from recourse.bootstrap import make_worker
from recourse.container import Container
from recourse.db import models as m
from recourse.db.queries.orders import order_detail
from recourse.db.queries.timeline import TimelineView
from recourse.domain.errors import DomainError
from recourse.domain.order import TERMINAL_STATUSES, NewLine, OrderStatus, PaymentStatus
from recourse.domain.refund import return_ref
from recourse.domain.returns import FINAL_STATUSES, Condition, ReturnLine, ReturnStatus
from recourse.domain.roles import Actor, Role
from recourse.domain.shipment import CarrierEvent, ShipmentLine
from recourse.integrations.clock import FixedClock
from recourse.integrations.gateways.sandbox import SandboxGateway, SandboxSettings
from recourse.services import cancellations, orders, refunds, returns, shipping
from recourse.services.cancellations import REJECTION_REASONS
from recourse.services.returns import parcels
from tests.factories import actor_of, make_order, make_store, make_user
from tests.reliability.conftest import Snapshot

OPERATOR = Actor(Role.operator)
LINES = (
    NewLine("LAMP-1", "Desk lamp", 2500, 2, 0, 475),
    NewLine("BULB-9", "Bulb", 399, 3, 100, 0),
)
BUYER_REASONS = ("changed_mind", "found_cheaper", "shipping_too_slow", "other")
SELLER_REASONS = ("out_of_stock", "pricing_error", "buyer_requested", "suspected_fraud")
# From inside the 30-minute grace to past every deadline: respond-by (48 h), ship-by (7
# business days), overdue auto-cancel (3 days later), the payment window (72 h), protection.
CLOCK_JUMPS = (
    timedelta(minutes=20),
    timedelta(hours=2),
    timedelta(hours=25),
    timedelta(hours=49),
    timedelta(days=4),
    timedelta(days=11),
    timedelta(days=61),
)
ACTIVE_STATUSES = frozenset(OrderStatus) - TERMINAL_STATUSES


@dataclass(frozen=True)
class Parties:
    """What the seed leaves behind: ids, which every copy of the database shares."""

    store: int
    buyer: int
    seller: int
    support: int
    order: int
    lines: tuple[int, ...]


def seed_order(c: Container, clock: FixedClock) -> Parties:
    """An approval store that allows partial cancels, its seller, a buyer, support, and one
    unpaid order of two lines."""
    store = make_store(c, name="Atelier", buyer_cancel="approval", allow_partial_cancel=True)
    buyer = make_user(c, role=Role.buyer, email="life.buyer@rel.example")
    seller = make_user(c, role=Role.seller, email="life.seller@rel.example", store_ids=[store])
    support = make_user(c, role=Role.support, email="life.support@rel.example")
    order = make_order(c, buyer_id=buyer, store_id=store, lines=LINES)
    with c.uow() as uow:
        found = uow.orders.get(order)
    assert found is not None
    return Parties(store, buyer, seller, support, order, tuple(line.id for line in found.lines))


@dataclass(frozen=True)
class Line:
    id: int
    ordered: int
    cancelled: int
    shipped: int
    delivered: int
    refunded: int


@dataclass(frozen=True)
class Refund:
    id: int
    amount: int
    status: str
    cause_ref: str | None


class OrderWorld:
    """The container, the clock, the parties and their one order, and reads of the rows."""

    def __init__(self, container: Container, clock: FixedClock, parties: Parties) -> None:
        self.c = container
        self.clock = clock
        self.parties = parties
        self.buyer = actor_of(container, parties.buyer)
        self.seller = actor_of(container, parties.seller)
        self.support = actor_of(container, parties.support)
        self.worker = make_worker(container)
        self.shipped_parcels = 0

    @property
    def order_id(self) -> int:
        return self.parties.order

    @property
    def sandbox(self) -> SandboxGateway:
        gateway = self.c.gateways["sandbox"]
        assert isinstance(gateway, SandboxGateway)
        return gateway

    def close(self) -> None:
        self.c.dispose()

    def observe(self) -> Observed:
        """Everything the invariants and preconditions look at, read in one session. Line
        counts are the raw columns: the domain's LineQuantities refuse impossible ones."""
        order_id = self.order_id
        with self.c.read_session() as s:
            lines = [
                Line(
                    r.id,
                    r.quantity,
                    r.qty_cancelled,
                    r.qty_shipped,
                    r.qty_delivered,
                    r.qty_refunded,
                )
                for r in s.scalars(
                    select(m.OrderLineRow)
                    .where(m.OrderLineRow.order_id == order_id)
                    .order_by(m.OrderLineRow.id)
                )
            ]
            refunds = [
                Refund(r.id, r.amount, r.status, r.cause_ref)
                for r in s.scalars(
                    select(m.RefundRow)
                    .where(m.RefundRow.order_id == order_id)
                    .order_by(m.RefundRow.id)
                )
            ]
            captured = s.scalar(select(m.OrderRow.amount_captured).where(m.OrderRow.id == order_id))
            shipments = list(
                s.scalars(
                    select(m.ShipmentRow.id)
                    .where(m.ShipmentRow.order_id == order_id)
                    .order_by(m.ShipmentRow.id)
                )
            )
            pending = s.scalar(
                select(m.CancellationRow.id).where(
                    m.CancellationRow.order_id == order_id,
                    m.CancellationRow.status == "pending_seller",
                )
            )
            failing = [
                f"{r.kind} {r.payload}: {(r.last_error or '').splitlines()[0]}"
                for r in s.scalars(
                    select(m.OutboxRow).where(
                        m.OutboxRow.last_error.is_not(None),
                        (m.OutboxRow.kind == "deadline") | m.OutboxRow.dead_at.is_not(None),
                    )
                )
            ]
            detail = order_detail(s, OPERATOR, order_id, self.clock.now())
        assert detail is not None
        return Observed(
            lines=lines,
            refunds=refunds,
            captured=int(captured or 0),
            shipments=shipments,
            pending=pending,
            status=str(detail.status),
            timeline=detail.timeline,
            failing=failing,
        )


@dataclass(frozen=True)
class Observed:
    lines: list[Line]
    refunds: list[Refund]
    captured: int
    shipments: list[int]
    pending: int | None
    status: str
    timeline: list[TimelineView]
    failing: list[str]


class OrderLife(RuleBasedStateMachine):
    """Rules are what people, the carrier, the gateway and time do to the order; a business
    refusal (a DomainError) is an allowed outcome of any of them, anything else fails."""

    # Set by the test that runs the machine: where each run gets its fresh database.
    snapshot: ClassVar[Snapshot[Parties]]
    directory: ClassVar[Path]
    runs: ClassVar[int] = 0

    def __init__(self) -> None:
        super().__init__()
        cls = type(self)
        cls.runs += 1
        container, clock, parties = cls.snapshot.open(cls.directory / f"run{cls.runs}")
        self.world = OrderWorld(container, clock, parties)
        self.terminal: str | None = None
        self.seen = self.world.observe()

    def teardown(self) -> None:
        self.world.close()

    def attempt(self, name: str, action: Callable[[], object]) -> None:
        try:
            action()
        except DomainError as refused:
            _tally(f"{name}: refused ({getattr(refused, 'code', type(refused).__name__)})")
        else:
            _tally(f"{name}: done")

    def _units(self, chosen: Mapping[int, int] | None) -> dict[int, int] | None:
        if chosen is None:
            return None
        return {self.world.parties.lines[i]: n for i, n in chosen.items()}

    @initialize(outcome=st.sampled_from(["captured", "captured", "review", "unpaid"]))
    def placed(self, outcome: str) -> None:
        """Most lives start paid: an unpaid order mostly ends in a cancellation at once."""
        self.pay(outcome)

    @rule(outcome=st.sampled_from(["captured", "review", "failed"]))
    def pay(self, outcome: str) -> None:
        if outcome == "unpaid":
            return
        w = self.world
        total = sum(line.gross - line.discount + line.tax for line in LINES) + 499
        self.attempt(
            f"payment {outcome}",
            lambda: orders.record_payment(
                w.c.uow(),
                w.c.ctx,
                actor=OPERATOR,
                order_id=w.order_id,
                status=PaymentStatus(outcome),
                amount=total if outcome == "captured" else None,
                reference=f"ch_{w.order_id}",
            ),
        )

    @rule(line=st.integers(0, len(LINES) - 1), quantity=st.integers(1, 3))
    def ship(self, line: int, quantity: int) -> None:
        w = self.world
        w.shipped_parcels += 1
        self.attempt(
            "ship",
            lambda: shipping.ship_order(
                w.c.uow(),
                w.c.ctx,
                actor=w.seller,
                order_id=w.order_id,
                lines=[ShipmentLine(w.parties.lines[line], quantity)],
                carrier="DHL",
                tracking_number=f"JJD{w.shipped_parcels:010d}",
            ),
        )

    @precondition(lambda self: bool(self.seen.shipments))
    @rule(carrier_event=st.sampled_from(list(CarrierEvent)), pick=st.integers(0, 5))
    def carrier_reports(self, carrier_event: CarrierEvent, pick: int) -> None:
        w = self.world
        parcels = self.seen.shipments
        self.attempt(
            f"parcel {carrier_event}",
            lambda: shipping.record_carrier_event(
                w.c.uow(),
                w.c.ctx,
                actor=OPERATOR,
                shipment_id=parcels[pick % len(parcels)],
                event=carrier_event,
            ),
        )

    def _cancel(self, actor: Actor, reason: str, units: Mapping[int, int] | None) -> None:
        w = self.world
        note = "Plans changed" if reason == "other" else None
        self.attempt(
            f"{actor.role} cancels {'all' if units is None else 'some'}",
            lambda: cancellations.cancel_order(
                w.c.uow(),
                w.c.ctx,
                actor=actor,
                order_id=w.order_id,
                reason=reason,
                note=note,
                lines=self._units(units),
            ),
        )

    some_units = st.none() | st.dictionaries(
        st.integers(0, len(LINES) - 1), st.integers(1, 3), min_size=1
    )

    @rule(reason=st.sampled_from(BUYER_REASONS), units=some_units)
    def buyer_cancels(self, reason: str, units: dict[int, int] | None) -> None:
        self._cancel(self.world.buyer, reason, units)

    @rule(reason=st.sampled_from(SELLER_REASONS), units=some_units)
    def seller_cancels(self, reason: str, units: dict[int, int] | None) -> None:
        self._cancel(self.world.seller, reason, units)

    @precondition(lambda self: self.seen.pending is not None)
    @rule()
    def seller_approves(self) -> None:
        w = self.world
        request = self.seen.pending
        assert request is not None
        self.attempt(
            "approve",
            lambda: cancellations.approve_cancellation(
                w.c.uow(), w.c.ctx, actor=w.seller, cancellation_id=request
            ),
        )

    @precondition(lambda self: self.seen.pending is not None)
    @rule(reason=st.sampled_from(REJECTION_REASONS))
    def seller_rejects(self, reason: str) -> None:
        w = self.world
        request = self.seen.pending
        assert request is not None
        w.shipped_parcels += 1
        self.attempt(
            f"reject {reason}",
            lambda: cancellations.reject_cancellation(
                w.c.uow(),
                w.c.ctx,
                actor=w.seller,
                cancellation_id=request,
                reason=reason,
                note="Already made for you",
                carrier="DHL",
                tracking_number=f"JJD{w.shipped_parcels:010d}",
            ),
        )

    @precondition(lambda self: self.seen.pending is not None)
    @rule()
    def buyer_withdraws(self) -> None:
        w = self.world
        request = self.seen.pending
        assert request is not None
        self.attempt(
            "withdraw",
            lambda: cancellations.withdraw_cancellation(
                w.c.uow(), w.c.ctx, actor=w.buyer, cancellation_id=request
            ),
        )

    @rule(amount=st.integers(1, 12_000))
    def support_refunds(self, amount: int) -> None:
        w = self.world
        self.attempt(
            "support refund",
            lambda: refunds.issue_manual_refund(
                w.c.uow(),
                w.c.ctx,
                actor=w.support,
                order_id=w.order_id,
                amount=amount,
                reason="goodwill",
                gateway="sandbox",
            ),
        )

    @precondition(lambda self: any(r.status == "failed" for r in self.seen.refunds))
    @rule()
    def support_retries_a_failed_refund(self) -> None:
        w = self.world
        failed = next(r.id for r in self.seen.refunds if r.status == "failed")
        self.attempt(
            "retry refund",
            lambda: refunds.retry_refund(
                w.c.uow(), w.c.ctx, actor=w.support, refund_id=failed, gateways=w.c.gateways
            ),
        )

    @rule(calls=st.integers(1, 3), declines=st.booleans())
    def gateway_misbehaves(self, calls: int, declines: bool) -> None:
        """The next calls fail (503); or, for a while, every refund is declined."""
        self.world.sandbox.configure(SandboxSettings(fail_next=calls, decline_always=declines))

    @rule()
    def gateway_recovers(self) -> None:
        self.world.sandbox.configure(SandboxSettings())

    @rule(jump=st.sampled_from(CLOCK_JUMPS))
    def time_passes(self, jump: timedelta) -> None:
        self.world.clock.advance(jump)

    @rule()
    def worker_runs(self) -> None:
        self.world.worker.run_once()

    @invariant()
    def order_stays_consistent(self) -> None:
        """Read once after every step; each property below names what broke."""
        self.seen = self.world.observe()
        self.refunds_never_exceed_what_was_captured(self.seen)
        self.line_quantities_add_up(self.seen)
        self.terminal_states_are_final(self.seen)
        self.each_deadline_and_cancellation_acts_once(self.seen)
        self.deadlines_take_effect(self.seen)

    def refunds_never_exceed_what_was_captured(self, seen: Observed) -> None:
        """F2."""
        refunded = sum(r.amount for r in seen.refunds if r.status != "failed")
        assert refunded <= seen.captured, seen.refunds

    def line_quantities_add_up(self, seen: Observed) -> None:
        """§2: cancelled + shipped ≤ ordered, delivered ≤ shipped, refunded ≤ ordered."""
        for line in seen.lines:
            assert line.cancelled + line.shipped <= line.ordered, line
            assert line.delivered <= line.shipped, line
            assert line.refunded <= line.ordered, line

    def terminal_states_are_final(self, seen: Observed) -> None:
        """Once cancelled, completed or closed, the order is never active again."""
        assert not (self.terminal and seen.status in ACTIVE_STATUSES), (self.terminal, seen.status)
        self.terminal = seen.status if seen.status in TERMINAL_STATUSES else self.terminal

    def each_deadline_and_cancellation_acts_once(self, seen: Observed) -> None:
        """No second `order.completed` or `order.cancelled`; each cancellation takes effect
        once; no two refunds for one cause (a cancellation's refund is `cancellation:<id>`)."""
        actions = Counter(entry.action for entry in seen.timeline)
        assert actions["order.completed"] <= 1, seen.timeline
        assert actions["order.cancelled"] <= 1, seen.timeline
        completions = Counter(
            _cancellation_of(entry)
            for entry in seen.timeline
            if entry.action in ("order.cancelled", "order.lines_cancelled")
        )
        assert all(n == 1 for n in completions.values()), completions
        causes = Counter(r.cause_ref for r in seen.refunds if r.cause_ref)
        assert all(n == 1 for n in causes.values()), causes

    def deadlines_take_effect(self, seen: Observed) -> None:
        """§10: a deadline's consequence happens when the worker runs. A deadline handler
        re-reads its object and acts only if it still applies, so it never fails; and the
        worker never gives up on anything this order sends (a dead letter)."""
        assert not seen.failing, seen.failing


REMORSE = ("no_longer_needed", "wrong_size", "found_better_price", "ordered_by_mistake")
NOT_AS_DESCRIBED = ("not_as_described", "damaged", "defective", "wrong_item", "missing_parts")


@dataclass(frozen=True)
class SeenReturn:
    id: int
    kind: str
    status: str
    return_shipment_id: int | None
    refund_id: int | None


class ReturnLife(OrderLife):
    """§4 on top of the order's life: the buyer asks to send units back, the seller answers
    (approve, decline, one offer), the buyer ships, the carrier scans the parcel back, the
    seller receives it, or somebody withdraws; refused parcels (the carrier's `refused`, which
    OrderLife already reports) get the buyer's reason. Invariants: returned units never exceed
    shipped ones, a final return stays final, one buyer return open at a time, and a refunded
    return has exactly one refund, caused by it."""

    def __init__(self) -> None:
        super().__init__()
        self.returns: list[SeenReturn] = []
        self.finals: dict[int, str] = {}

    @initialize(outcome=st.sampled_from(["delivered", "delivered", "shipped"]))
    def placed(self, outcome: str) -> None:
        """Returns begin after delivery (R1) or on the way (S2): every unit paid and shipped in
        one parcel, delivered in most lives."""
        w = self.world
        self.pay("captured")
        parcel = shipping.ship_order(
            w.c.uow(),
            w.c.ctx,
            actor=w.seller,
            order_id=w.order_id,
            lines=[
                ShipmentLine(i, line.quantity)
                for i, line in zip(w.parties.lines, LINES, strict=True)
            ],
            carrier="DHL",
            tracking_number="JJD0000000000",
        )
        if outcome == "delivered":
            shipping.record_carrier_event(
                w.c.uow(), w.c.ctx, actor=OPERATOR, shipment_id=parcel, event=CarrierEvent.delivered
            )

    def _return(self, *statuses: ReturnStatus) -> SeenReturn | None:
        wanted = {str(s) for s in statuses}
        return next((r for r in reversed(self.returns) if r.status in wanted), None)

    def _act(self, name: str, ret: SeenReturn | None, action: Callable[[int], object]) -> None:
        if ret is not None:
            self.attempt(name, lambda: action(ret.id))

    @precondition(lambda self: any(line.delivered for line in self.seen.lines))
    @rule(
        line=st.integers(0, len(LINES) - 1),
        quantity=st.integers(1, 3),
        reason=st.sampled_from(REMORSE + NOT_AS_DESCRIBED),
    )
    def buyer_asks_to_return(self, line: int, quantity: int, reason: str) -> None:
        w = self.world
        self.attempt(
            f"return {reason}",
            lambda: returns.request_return(
                w.c.uow(),
                w.c.ctx,
                actor=w.buyer,
                order_id=w.order_id,
                lines=[ReturnLine(w.parties.lines[line], quantity)],
                reason=reason,
                description="Sending it back",
            ),
        )

    @rule(answer=st.sampled_from(["approve", "decline", "offer"]), amount=st.integers(1, 4000))
    def seller_answers_return(self, answer: str, amount: int) -> None:
        w, ret = self.world, self._return(ReturnStatus.requested)
        uow, ctx, seller = w.c.uow, w.c.ctx, w.seller
        if answer == "approve":
            self._act(
                "approve return",
                ret,
                lambda rid: returns.approve_return(
                    uow(), ctx, actor=seller, return_id=rid, return_address="1 Rue X, Paris"
                ),
            )
        elif answer == "decline":
            self._act(
                "decline return",
                ret,
                lambda rid: returns.decline_return(
                    uow(), ctx, actor=seller, return_id=rid, reason="Worn"
                ),
            )
        else:
            self._act(
                "offer",
                ret,
                lambda rid: returns.offer_partial_refund(
                    uow(), ctx, actor=seller, return_id=rid, amount=amount
                ),
            )

    @rule(accept=st.booleans())
    def buyer_answers_offer(self, accept: bool) -> None:
        w, ret = self.world, self._return(ReturnStatus.offered)
        answer = returns.accept_offer if accept else returns.decline_offer
        self._act(
            "accept offer" if accept else "decline offer",
            ret,
            lambda rid: answer(w.c.uow(), w.c.ctx, actor=w.buyer, return_id=rid),
        )

    @rule()
    def buyer_ships_back(self) -> None:
        w, ret = self.world, self._return(ReturnStatus.approved)
        self._act(
            "ship back",
            ret,
            lambda rid: returns.ship_return(
                w.c.uow(),
                w.c.ctx,
                actor=w.buyer,
                return_id=rid,
                carrier="DHL",
                tracking_number=f"RET{rid:06d}",
            ),
        )

    @rule(carrier_event=st.sampled_from([CarrierEvent.in_transit, CarrierEvent.delivered]))
    def carrier_brings_it_back(self, carrier_event: CarrierEvent) -> None:
        w, ret = self.world, self._return(ReturnStatus.shipped)
        if ret is None or ret.return_shipment_id is None:
            return
        parcel = ret.return_shipment_id
        self.attempt(
            f"return parcel {carrier_event}",
            lambda: shipping.record_carrier_event(
                w.c.uow(), w.c.ctx, actor=OPERATOR, shipment_id=parcel, event=carrier_event
            ),
        )

    @rule(condition=st.sampled_from(list(Condition)))
    def seller_receives(self, condition: Condition) -> None:
        w = self.world
        ret = self._return(
            ReturnStatus.shipped, ReturnStatus.delivered, ReturnStatus.parcel_returning
        )
        note = "Worn" if condition is Condition.problem else None
        self._act(
            f"receive {condition}",
            ret,
            lambda rid: returns.receive_return(
                w.c.uow(), w.c.ctx, actor=w.seller, return_id=rid, condition=condition, note=note
            ),
        )

    @rule()
    def buyer_withdraws_return(self) -> None:
        w = self.world
        ret = self._return(ReturnStatus.requested, ReturnStatus.offered, ReturnStatus.approved)
        self._act(
            "withdraw return",
            ret,
            lambda rid: returns.withdraw_return(w.c.uow(), w.c.ctx, actor=w.buyer, return_id=rid),
        )

    @rule(reason=st.sampled_from(REMORSE + NOT_AS_DESCRIBED))
    def buyer_explains_a_parcel(self, reason: str) -> None:
        w = self.world
        ret = next((r for r in self.returns if r.kind != "return"), None)
        self._act(
            f"parcel reason {reason}",
            ret,
            lambda rid: parcels.give_parcel_reason(
                w.c.uow(), w.c.ctx, actor=w.buyer, return_id=rid, reason=reason
            ),
        )

    @invariant()
    def returns_stay_consistent(self) -> None:
        w = self.world
        with w.c.read_session() as s:
            self.returns = [
                SeenReturn(r.id, r.kind, r.status, r.return_shipment_id, r.refund_id)
                for r in s.scalars(
                    select(m.ReturnRow)
                    .where(m.ReturnRow.order_id == w.order_id)
                    .order_by(m.ReturnRow.id)
                )
            ]
            counts = s.execute(
                select(m.OrderLineRow.qty_returned, m.OrderLineRow.qty_shipped).where(
                    m.OrderLineRow.order_id == w.order_id
                )
            ).all()
            causes = Counter(
                s.scalars(select(m.RefundRow.cause_ref).where(m.RefundRow.order_id == w.order_id))
            )
        assert all(returned <= shipped for returned, shipped in counts), counts
        open_buyer = [r for r in self.returns if r.kind == "return" and r.status not in FINALS]
        assert len(open_buyer) <= 1, self.returns
        for r in self.returns:
            before = self.finals.get(r.id)
            assert before is None or before == r.status, (r, before)
            if r.status in FINALS:
                self.finals[r.id] = r.status
        for r in self.returns:
            if r.status == ReturnStatus.refunded:
                assert causes[return_ref(r.id)] == 1, (r, causes)


FINALS = frozenset(str(s) for s in FINAL_STATUSES)


def _tally(outcome: str) -> None:
    """What the rules did, for --hypothesis-show-statistics (not when a test replays steps)."""
    if currently_in_test_context():
        event(outcome)


def _cancellation_of(entry: TimelineView) -> Any:
    return (entry.data or {}).get("cancellation_id")


def bound(machine: type[OrderLife], directory: Path, database_template: str) -> type[OrderLife]:
    """`machine` (OrderLife or a subclass), each instance on a fresh copy of the seeded order."""
    return type(
        machine.__name__,
        (machine,),
        {
            "snapshot": Snapshot.take(directory / "seed", database_template, seed_order),
            "directory": directory,
        },
    )


def run(machine: type[OrderLife], directory: Path, database_template: str) -> None:
    run_state_machine_as_test(
        bound(machine, directory, database_template),
        settings=settings(
            max_examples=25,
            stateful_step_count=30,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            # Shrinking a failing life costs minutes of database work: the steps are reported
            # as generated (a found failure gets a replay test of its shortest form instead).
            phases=[Phase.explicit, Phase.generate],
        ),
    )
