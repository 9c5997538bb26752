"""F5 → D1: refunds whose last expected day passed without the money arriving, on which the
buyer may open a `refund_not_received` dispute now (the buyer's Refunds page links them)."""

from __future__ import annotations

from collections.abc import Iterable

from recourse.domain.dispute_rules import (
    check_buyer,
    check_none_open,
    check_not_disputed_before,
    check_window,
)
from recourse.domain.disputes import DisputeType
from recourse.domain.errors import DomainError
from recourse.domain.roles import Actor
from recourse.services.disputes.open import window_for
from recourse.services.orders import load_order
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork


def disputable_refunds(
    uow: UnitOfWork, ctx: Context, *, actor: Actor, refunds: Iterable[tuple[int, int]]
) -> frozenset[int]:
    """Of the buyer's refunds (refund id, order id), those `open_dispute` would accept as
    `refund_not_received` now: the refund's window is open (D1), the order has no open
    dispute and this refund was not disputed before (D2). Reads only (the same checks the
    use case makes, so the link never leads to a refusal the page could have known)."""
    now = ctx.clock.now()
    found: set[int] = set()
    with uow:
        for refund_id, order_id in refunds:
            try:
                order = load_order(uow, actor, order_id)
                check_buyer(actor, order)
                disputes = uow.disputes.for_order(order.id)
                check_none_open(disputes)
                check_not_disputed_before(disputes, DisputeType.refund_not_received, refund_id)
                window = window_for(uow, order, DisputeType.refund_not_received, refund_id)
                check_window(window, now)
            except DomainError:
                continue
            found.add(refund_id)
    return frozenset(found)
