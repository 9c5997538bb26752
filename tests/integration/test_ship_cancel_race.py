"""C9 under real concurrency: ship and cancel at the same moment; exactly one wins."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from recourse.bootstrap import build
from recourse.config import Settings
from recourse.db import models as m
from recourse.domain.errors import RuleConflict
from recourse.domain.roles import Role
from recourse.domain.shipment import ShipmentLine
from recourse.integrations.clock import FixedClock
from recourse.services import cancellations, shipping
from tests.factories import actor_of, get_order, make_order, make_store, make_user, pay

RACES = 100


def test_a_hundred_ship_versus_cancel_races_end_with_exactly_one_winner_each(
    settings: Settings, clock: FixedClock
) -> None:
    c = build(settings.model_copy(update={"web_pool_size": 40}), clock=clock, fast_hashing=True)
    store = make_store(c, buyer_cancel="instant")
    buyer_id = make_user(c, role=Role.buyer)
    buyer = actor_of(c, buyer_id)
    seller = actor_of(c, make_user(c, role=Role.seller, store_ids=[store]))
    orders = [make_order(c, buyer_id=buyer_id, store_id=store) for _ in range(RACES)]
    captured = {o: pay(c, o).payment.amount_captured for o in orders}
    barrier = threading.Barrier(2 * RACES)

    def ship(order_id: int) -> str:
        order = get_order(c, order_id)
        barrier.wait(timeout=60)
        try:
            shipping.ship_order(
                c.uow(),
                c.ctx,
                actor=seller,
                order_id=order_id,
                lines=[ShipmentLine(line.id, line.quantity) for line in order.lines],
                carrier="DHL",
                tracking_number=f"R{order_id}",
            )
        except RuleConflict as exc:
            return exc.code
        return "shipped"

    def cancel(order_id: int) -> str:
        barrier.wait(timeout=60)
        try:
            cancellations.cancel_order(
                c.uow(), c.ctx, actor=buyer, order_id=order_id, reason="changed_mind"
            )
        except RuleConflict as exc:
            return exc.code
        return "cancelled"

    with ThreadPoolExecutor(max_workers=2 * RACES) as pool:
        shipped = [pool.submit(ship, o) for o in orders]
        cancelled = [pool.submit(cancel, o) for o in orders]
        outcomes = [(s.result(), k.result()) for s, k in zip(shipped, cancelled, strict=True)]

    with c.read_session() as s:
        units = dict(
            s.execute(
                select(
                    m.OrderLineRow.order_id,
                    func.sum(m.OrderLineRow.qty_shipped) * 1000
                    + func.sum(m.OrderLineRow.qty_cancelled),
                ).group_by(m.OrderLineRow.order_id)
            ).all()
        )
        refunded = dict(
            s.execute(
                select(m.RefundRow.order_id, func.sum(m.RefundRow.amount)).group_by(
                    m.RefundRow.order_id
                )
            ).all()
        )
    c.dispose()
    winners = {pair for pair in outcomes}
    assert winners <= {("shipped", "already_shipped"), ("quantity_not_shippable", "cancelled")}
    for order_id, (ship_result, _) in zip(orders, outcomes, strict=True):
        shipped_units, cancelled_units = divmod(units[order_id], 1000)
        assert (shipped_units > 0) != (cancelled_units > 0)
        assert (ship_result == "shipped") == (shipped_units > 0)
        assert refunded.get(order_id, 0) == (0 if shipped_units else captured[order_id])
