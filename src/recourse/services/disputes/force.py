"""C10/D5: support forces a cancellation the seller refused. The seller said the units had
already shipped, but the carrier never scanned the parcel: support voids every parcel of the
order with no carrier event (its units go back to unshipped), cancels every unit still to ship
with a full refund of them (the shipping too when nothing is left), through the cancellations
capability's own completion, and decides the `cancellation_refused` dispute as a full refund,
fault seller, with the rationale both sides see. One transaction; the decision is appealable
like any other (D6)."""

from __future__ import annotations

from datetime import datetime

from recourse.domain.cancellation import (
    CancellationStatus,
    Initiator,
    Mode,
    every_unshipped_unit,
    is_whole_order,
)
from recourse.domain.dispute_rules import check_step, check_support, check_text
from recourse.domain.disputes import (
    Decision,
    Dispute,
    DisputeStatus,
    DisputeType,
    Outcome,
    forced_key,
)
from recourse.domain.errors import RuleConflict
from recourse.domain.order import LineQuantities, Order
from recourse.domain.reasons import Fault
from recourse.domain.roles import Actor
from recourse.domain.shipment import (
    Shipment,
    ShipmentStatus,
    merged,
    never_scanned,
    void_shipment,
)
from recourse.domain.timeline import TimelineEntry
from recourse.services import settle, subscribers
from recourse.services.cancellations.completion import complete
from recourse.services.disputes.common import entry, load
from recourse.services.disputes.support import RATIONALE_MAX, save_decision
from recourse.services.events import DisputeDecided
from recourse.services.orders import refresh_status
from recourse.services.ports.cancellations import Cancellation, NewCancellation
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork

# C10: forced on an escalated dispute (an appeal is decided with `decide`, D6)
FORCEABLE = frozenset({DisputeStatus.escalated})


def force_cancellation(
    uow: UnitOfWork, ctx: Context, *, actor: Actor, dispute_id: int, rationale: str | None
) -> Dispute:
    """C10: support forces the refused cancellation of an escalated `cancellation_refused`
    dispute: parcels the carrier never scanned are voided, every unit still to ship is
    cancelled with a full refund of it, and the dispute is decided (full refund, charged to
    the store: the seller's fault) with the rationale. 409 when the dispute is of another type
    or at another step, or nothing is left to cancel (every parcel was scanned)."""
    now = ctx.clock.now()
    settle.settle_for_dispute(uow, ctx, dispute_id=dispute_id)
    with uow:
        # §1: another party's dispute is 404 before anyone is told only support may force
        d, order = load(uow, actor, dispute_id, for_update=True)
        check_support(actor)
        text = check_text(
            "rationale", rationale, needed="dispute.rationale_needed", maximum=RATIONALE_MAX
        )
        if d.type is not DisputeType.cancellation_refused:
            raise RuleConflict("dispute_force_not_cancellation", type=str(d.type))
        check_step(d, FORCEABLE)
        voided = [s for s in uow.shipments.for_order(order.id) if never_scanned(s)]
        current = _void(uow, actor, order, voided, now)
        units = every_unshipped_unit(current)
        if not any(units.values()):
            raise RuleConflict("dispute_nothing_to_cancel", dispute_id=d.id)
        cancellation = _cancellation(uow, actor, current, d, units, text, now)
        complete(uow, ctx, current, cancellation, actor, now, event="cancellation.approved")
        made = uow.cancellations.get(cancellation.id)
        assert made is not None
        after = _decide(uow, ctx, current, d, actor, text, made, voided, now)
        uow.commit()
    return after


def _void(
    uow: UnitOfWork, actor: Actor, order: Order, parcels: list[Shipment], now: datetime
) -> Order:
    """C10: each never-scanned parcel is voided; its units count as unshipped again."""
    current = order
    changes: dict[int, LineQuantities] = {}
    for parcel in parcels:
        changed = void_shipment(current, parcel)
        current = merged(current, changed)
        changes.update(changed)
        uow.shipments.set_status(parcel.id, ShipmentStatus.voided)
        uow.timeline.add(
            TimelineEntry(
                order_id=order.id,
                at=now,
                actor=actor,
                action="parcel.voided",
                from_state=str(parcel.status),
                to_state=str(ShipmentStatus.voided),
                data={
                    "shipment_id": parcel.id,
                    "carrier": parcel.carrier,
                    "tracking_number": parcel.tracking_number,
                    "shipped_at": parcel.shipped_at.isoformat(),
                    "lines": {str(k): v for k, v in parcel.units.items()},
                },
            )
        )
    if changes:
        uow.orders.save_quantities(order.id, changes)
    return current


def _cancellation(
    uow: UnitOfWork,
    actor: Actor,
    order: Order,
    d: Dispute,
    units: dict[int, int],
    rationale: str,
    now: datetime,
) -> Cancellation:
    """The buyer's refused request, carried out by support: the buyer's reason, the seller's
    fault, the rationale as its note."""
    refused = uow.cancellations.get(d.cancellation_id) if d.cancellation_id else None
    cancellation_id = uow.cancellations.add(
        NewCancellation(
            order_id=order.id,
            store_id=order.store_id,
            status=CancellationStatus.completed,
            initiator=str(Initiator.buyer),
            mode=str(Mode.instant),
            reason=refused.reason if refused is not None else "other",
            fault=str(Fault.seller),
            note=rationale,
            whole_order=is_whole_order(order, units),
            units={k: v for k, v in units.items() if v},
            requested_by_role=str(actor.role),
            requested_by_id=actor.user_id,
            respond_by=None,
            created_at=now,
            request_key=forced_key(d.id),
        )
    )
    made = uow.cancellations.get(cancellation_id)
    assert made is not None
    return made


def _decide(
    uow: UnitOfWork,
    ctx: Context,
    order: Order,
    d: Dispute,
    actor: Actor,
    rationale: str,
    cancellation: Cancellation,
    voided: list[Shipment],
    now: datetime,
) -> Dispute:
    """D5: decided as a full refund charged to the store, appealable until `appeal_by`."""
    assert actor.user_id is not None
    decision = Decision(
        outcome=Outcome.full_refund,
        amount=None,
        rationale=rationale,
        decided_by_id=actor.user_id,
        decided_at=now,
        charged_to_store=True,
    )
    after = save_decision(uow, d, decision)
    uow.timeline.add(
        entry(
            order,
            after,
            actor,
            now,
            "dispute.decided",
            note=rationale,
            outcome=str(decision.outcome),
            amount=None,
            currency=order.currency,
            charged_to_store=True,
            forced_cancellation_id=cancellation.id,
            voided_shipment_ids=[s.id for s in voided],
            refund_id=cancellation.refund_id,
            return_id=None,
        )
    )
    subscribers.record(
        uow,
        ctx,
        DisputeDecided(
            order=order,
            dispute=after,
            decision=decision,
            appeal=False,
            refund_id=cancellation.refund_id,
            return_id=None,
            at=now,
        ),
    )
    stored = uow.orders.get(order.id)
    assert stored is not None
    refresh_status(uow, stored, now)
    return after
