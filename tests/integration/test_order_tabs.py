"""The tab counts on "My orders" and the seller's orders agree with the orders each tab lists,
also for orders whose status the clock moved on before the worker wrote it (§10)."""

from __future__ import annotations

from datetime import timedelta

from recourse.container import Container
from recourse.db.queries import orders as order_queries
from recourse.domain.roles import Actor, Role
from recourse.domain.shipment import CarrierEvent
from recourse.integrations.clock import FixedClock
from tests.factories import carrier_event, make_order, make_store, make_user, pay, ship_all


def listed(c: Container, actor: Actor, tab: str) -> int:
    with c.read_session() as s:
        return len(order_queries.list_orders(s, actor, c.clock.now(), tab=tab, limit=500).items)


def test_counts_follow_the_clock_before_the_worker_does(
    container: Container, clock: FixedClock
) -> None:
    store = make_store(container)
    other_store = make_store(container, name="Elsewhere")
    buyer = make_user(container, email="tabs@example.com")
    seller = make_user(
        container, role=Role.seller, email="tabs-seller@example.com", store_ids=(store,)
    )
    unpaid = [make_order(container, buyer_id=buyer, store_id=store) for _ in range(2)]
    paid = [make_order(container, buyer_id=buyer, store_id=store) for _ in range(3)]
    for order_id in paid:
        pay(container, order_id)
    shipped = ship_all(container, paid[0])
    carrier_event(container, shipped, CarrierEvent.delivered)
    ship_all(container, paid[1])
    make_order(container, buyer_id=buyer, store_id=other_store)  # not the seller's
    as_buyer = Actor(Role.buyer, user_id=buyer)
    as_seller = Actor(Role.seller, user_id=seller, store_ids=frozenset({store}))

    # No worker runs: the payment windows close and the protection periods end on the clock.
    for days in (0, 3, 120):
        clock.advance(timedelta(days=days))
        for actor in (as_buyer, as_seller):
            with container.read_session() as s:
                counts = order_queries.tab_counts(s, actor, clock.now())
            assert counts == {tab: listed(container, actor, tab) for tab in order_queries.TABS}
    assert counts["completed"] == 2 and counts["cancelled"] == 2  # the last round, as seller
    assert counts["all"] == len(unpaid) + len(paid)
