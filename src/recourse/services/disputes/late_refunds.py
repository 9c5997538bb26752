"""F5 → D1: refunds whose last expected day passed without the money arriving, on which the
buyer may open a `refund_not_received` dispute now (the buyer's Refunds page links them)."""

from __future__ import annotations

from collections.abc import Iterable

from recourse.domain.dispute_opening import check_none_open, check_not_disputed_before, check_window
from recourse.domain.dispute_rules import check_buyer
from recourse.domain.disputes import DisputeType
from recourse.domain.errors import DomainError
from recourse.domain.roles import Actor
from recourse.services.disputes.open import subjects_for, window_for
from recourse.services.orders import load_order
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork


def disputable_refunds(
    uow: UnitOfWork, ctx: Context, *, actor: Actor, refunds: Iterable[tuple[int, int]]
) -> frozenset[int]:
    """Of the buyer's refunds (refund id, order id), those `open_dispute` would accept as
    `refund_not_received` now: the refund is the one the options guide offers for the type
    (`subjects_for`: the order's latest refund neither arrived nor failed), its window is open
    (D1), the order has no open dispute and this refund was not disputed before (D2). Reads
    only (the guide's and the use case's own checks, so the link leads to the form offering
    that very refund, never to a refusal the page could have known)."""
    now = ctx.clock.now()
    found: set[int] = set()
    with uow:
        for refund_id, order_id in refunds:
            try:
                order = load_order(uow, actor, order_id)
                check_buyer(actor, order)
                subject = subjects_for(uow, order).get(DisputeType.refund_not_received)
                if subject is None or subject.id != refund_id:
                    continue
                disputes = uow.disputes.for_order(order.id)
                check_none_open(disputes)
                check_not_disputed_before(disputes, DisputeType.refund_not_received, refund_id)
                window = window_for(uow, order, DisputeType.refund_not_received, refund_id)
                check_window(window, now)
            except DomainError:
                continue
            found.add(refund_id)
    return frozenset(found)
