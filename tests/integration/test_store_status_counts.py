"""The counts a store keeps per stored status (what the seller's tab counts read) equal a
COUNT(*) of its orders after a random life through the use cases: orders created, paid,
shipped, delivered, cancelled, payment windows closed and protection ended by the worker —
and the seller's tab counts agree with the orders each tab lists, also before the worker ran."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import func, select

from recourse.container import Container
from recourse.db import models as m
from recourse.db.models.orders import StoreStatusCountRow
from recourse.db.queries import orders as order_queries
from recourse.domain.roles import Actor, Role
from recourse.domain.shipment import CarrierEvent
from recourse.integrations.clock import FixedClock
from recourse.services import cancellations
from tests.factories import carrier_event, make_order, make_store, make_user, pay, ship_all
from tests.integration.support import run_worker


def kept_counts(c: Container) -> dict[tuple[int, str], int]:
    with c.read_session() as s:
        rows = s.execute(
            select(
                StoreStatusCountRow.store_id,
                StoreStatusCountRow.status,
                func.sum(StoreStatusCountRow.count),
            ).group_by(StoreStatusCountRow.store_id, StoreStatusCountRow.status)
        ).all()
    return {(store, status): int(n) for store, status, n in rows if n}


def counted(c: Container) -> dict[tuple[int, str], int]:
    with c.read_session() as s:
        rows = s.execute(
            select(m.OrderRow.store_id, m.OrderRow.status, func.count()).group_by(
                m.OrderRow.store_id, m.OrderRow.status
            )
        ).all()
    return {(store, status): int(n) for store, status, n in rows}


def listed(c: Container, actor: Actor, tab: str) -> int:
    with c.read_session() as s:
        return len(order_queries.list_orders(s, actor, c.clock.now(), tab=tab, limit=500).items)


def test_kept_counts_equal_a_count_after_a_random_life(
    container: Container, clock: FixedClock
) -> None:
    rng = random.Random(14)
    stores = [make_store(container, buyer_cancel="instant"), make_store(container, name="Other")]
    buyers = [make_user(container, email=f"life{i}@example.com") for i in range(3)]
    sellers = [
        Actor(
            Role.seller,
            user_id=make_user(
                container, role=Role.seller, email=f"seller{i}@example.com", store_ids=(store,)
            ),
            store_ids=frozenset({store}),
        )
        for i, store in enumerate(stores)
    ]
    support = Actor(Role.support, user_id=make_user(container, role=Role.support))
    steps = ("stay", "pay", "ship", "deliver", "cancel_unpaid", "cancel_paid")
    for round_ in range(3):
        for _ in range(12):
            buyer = rng.choice(buyers)
            order_id = make_order(container, buyer_id=buyer, store_id=rng.choice(stores))
            step = rng.choice(steps)
            if step in ("pay", "ship", "deliver", "cancel_paid"):
                pay(container, order_id)
            if step in ("ship", "deliver"):
                shipment = ship_all(container, order_id)
                if step == "deliver":
                    carrier_event(container, shipment, CarrierEvent.delivered)
            if step.startswith("cancel"):
                cancellations.cancel_order(
                    container.uow(),
                    container.ctx,
                    actor=Actor(Role.buyer, user_id=buyer),
                    order_id=order_id,
                    reason="changed_mind",
                )
            clock.advance(timedelta(hours=rng.randrange(1, 30)))
        assert kept_counts(container) == counted(container)
        # The clock moves on: payment windows close and protection periods end before the
        # worker writes them; the tab counts follow the clock like the lists do.
        clock.advance(timedelta(days=(3, 40, 120)[round_]))
        for actor in (*sellers, support):
            with container.read_session() as s:
                counts = order_queries.tab_counts(s, actor, clock.now())
            assert counts == {tab: listed(container, actor, tab) for tab in order_queries.TABS}
        while run_worker(container):
            pass
        assert kept_counts(container) == counted(container)
    assert {status for _, status in counted(container)} >= {"completed", "cancelled"}


def test_a_seller_sees_only_their_stores_counts(container: Container) -> None:
    mine, theirs = make_store(container), make_store(container, name="Theirs")
    buyer = make_user(container)
    for store in (mine, theirs, theirs):
        make_order(container, buyer_id=buyer, store_id=store)
    seller = Actor(Role.seller, user_id=1, store_ids=frozenset({mine}))
    with container.read_session() as s:
        now = container.clock.now()
        assert order_queries.tab_counts(s, seller, now)["all"] == 1
        assert order_queries.tab_counts(s, seller, now, store_id=theirs)["all"] == 0
        everyone = Actor(Role.support, user_id=1)
        assert order_queries.tab_counts(s, everyone, now, store_id=theirs)["to_pay"] == 2


def test_the_sellers_pages_neither_repeat_nor_skip_an_order(container: Container) -> None:
    store = make_store(container)
    buyer = make_user(container)
    made = [make_order(container, buyer_id=buyer, store_id=store) for _ in range(23)]
    for order_id in made[::3]:
        pay(container, order_id)
    seller = Actor(Role.seller, user_id=1, store_ids=frozenset({store}))
    for tab, expected in (("all", made), ("to_ship", made[::3])):
        seen: list[int] = []
        cursor = None
        while True:
            with container.read_session() as s:
                page = order_queries.list_orders(
                    s, seller, container.clock.now(), tab=tab, cursor=cursor, limit=5
                )
            seen.extend(item.id for item in page.items)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        assert seen == sorted(expected, reverse=True)
