"""H1 for parcels coming back (S1/S2): the buyer's `refuse_delivery` — open while a parcel is
still on its way (refusing it at the door opens the return by itself), closed once every parcel
arrived or nothing is on its way — and, once a parcel is coming back, the buyer's `give_reason`
(while the return is not refunded and no reason was given) and the seller's
`confirm_parcel_back` (while the return waits for the seller; it closes when `refund_by` passes,
since the refund then comes by itself).

`give_reason` and `confirm_parcel_back` concern only an order with a parcel coming back, so an
order without one does not list them. Each path asks what the action itself asks
(`parcel_reason_blocker`, the return's receiving step), so it is open exactly when the action
would be accepted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from recourse.domain.options import Option, PathName, Situation
from recourse.domain.parcel_returns import parcel_reason_blocker
from recourse.domain.returns import Return, ReturnStatus
from recourse.domain.roles import Role
from recourse.domain.shipment import ShipmentStatus

HELP = "refusing-a-delivery"

GOING_OUT = frozenset({ShipmentStatus.shipped, ShipmentStatus.in_transit})
"""Parcel states in which the carrier still carries it towards the buyer."""

WAITING_FOR_SELLER = frozenset({ReturnStatus.parcel_returning, ReturnStatus.delivered})
"""A parcel return the seller may confirm (the parcel may be back before the carrier says so)
and the buyer may still explain."""


def _refuse_delivery(situation: Situation) -> Option:
    # the parcels not already coming back (an intercepted one may still read in transit)
    parcels = list((Counter(situation.parcels) - Counter(situation.parcels_in_returns)).elements())
    if any(status in GOING_OUT for status in parcels):
        return Option(PathName.refuse_delivery, open=True, help=HELP)
    if parcels and all(status is ShipmentStatus.delivered for status in parcels):
        return Option(
            PathName.refuse_delivery,
            open=False,
            blocker="parcel.delivered",
            alternatives=("return_after_delivery",),
            help=HELP,
        )
    return Option(
        PathName.refuse_delivery, open=False, blocker="parcel.nothing_going_out", help=HELP
    )


def _give_reason(returns: Sequence[Return]) -> Option:
    """Open for the first parcel return the buyer may still explain; closed otherwise with the
    code and facts the action refuses with (a reason given, or the return already settled)."""
    closed: tuple[str, dict[str, object]] | None = None
    for ret in returns:
        blocker = parcel_reason_blocker(ret)
        if blocker is None:
            return Option(PathName.give_reason, open=True, facts={"return_id": ret.id}, help=HELP)
        closed = closed or blocker
    assert closed is not None
    code, facts = closed
    return Option(PathName.give_reason, open=False, blocker=code, facts=facts, help=HELP)


def _confirm_parcel_back(returns: Sequence[Return]) -> Option | None:
    waiting = [r for r in returns if r.status in WAITING_FOR_SELLER]
    if not waiting:
        return None
    ret = waiting[0]
    return Option(
        PathName.confirm_parcel_back,
        open=True,
        facts={"return_id": ret.id},
        closes_at=ret.refund_by,
        help=HELP,
    )


def parcel_paths(situation: Situation) -> Sequence[Option]:
    """The order's buyer: `refuse_delivery`, and `give_reason` when a parcel came back; the
    store's sellers: `confirm_parcel_back` while a parcel return waits for them; nobody else
    has any."""
    viewer, order = situation.viewer, situation.order
    returns = [r for r in situation.parcel_returns if r.is_parcel]
    if viewer.role is Role.buyer and viewer.user_id == order.buyer_id:
        found = [_refuse_delivery(situation)]
        if returns:
            found.append(_give_reason(returns))
        return found
    if viewer.role is Role.seller and order.store_id in viewer.store_ids:
        confirm = _confirm_parcel_back(returns)
        return [confirm] if confirm is not None else []
    return []
