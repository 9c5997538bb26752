"""C9/§11: two sellers shipping the same last units at once — exactly one parcel leaves.

Real threads on real connections: PostgreSQL locks the order row (SELECT … FOR UPDATE);
SQLite serialises writers with BEGIN IMMEDIATE. Both must hold, so this runs on both.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from recourse.container import Container
from recourse.domain.shipment import ShipmentLine
from recourse.services import shipping
from tests.factories import get_order, make_order, pay
from tests.integration.support import OPERATOR, Parties, row_counts


def race(*calls: Callable[[], object]) -> list[object]:
    """Start every call at the same moment on its own thread; each result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int, call: Callable[[], object]) -> None:
        barrier.wait()
        try:
            results[i] = call()
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def outcome(result: object) -> str:
    """'int:' for a shipment id, 'RuleConflict:<code>' (or any other error) for a refusal."""
    return f"{type(result).__name__}:{getattr(result, 'code', '')}"


@pytest.mark.parametrize("attempt", range(3))
def test_two_sellers_shipping_the_last_units_at_once_only_one_succeeds(
    container: Container, parties: Parties, attempt: int
) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    pay(container, order_id)
    line_id = get_order(container, order_id).lines[0].id
    shipping.ship_order(
        container.uow(),
        container.ctx,
        actor=OPERATOR,
        order_id=order_id,
        lines=[ShipmentLine(line_id, 1)],
        carrier="DHL",
        tracking_number="FIRST",
    )

    def ship_last_unit(tracking: str) -> Callable[[], object]:
        return lambda: shipping.ship_order(
            container.uow(),
            container.ctx,
            actor=parties.seller,
            order_id=order_id,
            lines=[ShipmentLine(line_id, 1)],
            carrier="DHL",
            tracking_number=tracking,
        )

    results = race(ship_last_unit("A"), ship_last_unit("B"))

    assert sorted(outcome(r) for r in results) == ["RuleConflict:quantity_not_shippable", "int:"]
    qty = get_order(container, order_id).lines[0].qty
    assert (qty.shipped, qty.ordered) == (2, 2)
    assert row_counts(container)["shipments"] == 2


def test_many_concurrent_parcels_never_ship_more_than_was_ordered(
    container: Container, parties: Parties
) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    pay(container, order_id)
    line_id = get_order(container, order_id).lines[0].id

    def ship_one(tracking: str) -> Callable[[], object]:
        return lambda: shipping.ship_order(
            container.uow(),
            container.ctx,
            actor=parties.seller,
            order_id=order_id,
            lines=[ShipmentLine(line_id, 1)],
            carrier="DHL",
            tracking_number=tracking,
        )

    results = race(*(ship_one(f"T{i}") for i in range(5)))

    assert (
        sorted(outcome(r) for r in results)
        == ["RuleConflict:quantity_not_shippable"] * 3 + ["int:"] * 2
    )
    assert get_order(container, order_id).lines[0].qty.shipped == 2
    assert row_counts(container)["shipments"] == 2
