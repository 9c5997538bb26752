"""An order a use case locks is read and changed as plain rows (db/order_records.py): its
changes wait as column values and are written at the commit, yet the transaction reads them
everywhere as the autoflush let it read its mapped rows' changes. On both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from recourse.container import Container
from recourse.db import models as m
from recourse.domain.order import Deadlines, LineQuantities
from tests.factories import make_order
from tests.integration.support import Parties
from tests.integration.test_store_status_counts import counted, kept_counts


def _stored(c: Container, order_id: int) -> tuple[str, list[int]]:
    with c.uow() as uow:
        status = uow.session.scalar(select(m.OrderRow.status).where(m.OrderRow.id == order_id))
        cancelled = uow.session.scalars(
            select(m.OrderLineRow.qty_cancelled)
            .where(m.OrderLineRow.order_id == order_id)
            .order_by(m.OrderLineRow.position)
        ).all()
    return str(status), list(cancelled)


def test_changes_of_a_locked_order_are_read_back_in_the_transaction_and_written_once(
    container: Container, parties: Parties
) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    now = container.clock.now()
    with container.uow() as uow:
        order = uow.orders.get(order_id, for_update=True)
        assert order is not None
        first = order.lines[0]
        uow.orders.save_quantities(
            order_id, {first.id: LineQuantities(ordered=first.quantity, cancelled=1)}
        )
        uow.orders.set_status(order_id, "cancelled", now)
        # the repository answers from the record, with the changes
        assert uow.orders.stored_status(order_id) == "cancelled"
        again = uow.orders.get(order_id)
        assert again is not None and again.lines[0].qty.cancelled == 1
        # locked again: read from the table, after the changes are written to it
        relocked = uow.orders.get(order_id, for_update=True)
        assert relocked is not None and relocked.lines[0].qty.cancelled == 1
        uow.orders.set_status(order_id, "closed", now)
        # an ORM query sees the change too: it is written before it, as an autoflush would
        status = uow.session.scalar(select(m.OrderRow.status).where(m.OrderRow.id == order_id))
        assert status == "closed"
        uow.orders.set_status(order_id, "cancelled", now)
        uow.commit()
    assert _stored(container, order_id)[0] == "cancelled"
    assert _stored(container, order_id)[1][0] == 1
    assert kept_counts(container) == counted(container)  # the count moved once


def test_a_bulk_update_after_a_change_keeps_both(container: Container, parties: Parties) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    now = container.clock.now()
    ship_by = now + timedelta(days=3)
    with container.uow() as uow:
        order = uow.orders.get(order_id, for_update=True)
        assert order is not None
        uow.orders.set_status(order_id, "cancelled", now)
        uow.orders.save_deadlines(order_id, Deadlines(ship_by=ship_by))
        # the record was dropped by the bulk UPDATE: locked again, the row has both
        relocked = uow.orders.get(order_id, for_update=True)
        assert relocked is not None and relocked.deadlines.ship_by == ship_by
        assert uow.orders.stored_status(order_id) == "cancelled"
        uow.commit()
    assert _stored(container, order_id)[0] == "cancelled"


def test_a_rollback_forgets_the_changes_and_the_record(
    container: Container, parties: Parties
) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    before = _stored(container, order_id)
    with container.uow() as uow:
        order = uow.orders.get(order_id, for_update=True)
        assert order is not None
        uow.orders.set_status(order_id, "cancelled", container.clock.now())
        uow.rollback()
        assert uow.orders.stored_status(order_id) == before[0]  # read from the table again
        uow.commit()
    assert _stored(container, order_id) == before
    assert kept_counts(container) == counted(container)


def test_a_line_of_another_order_is_refused(container: Container, parties: Parties) -> None:
    first = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    other = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    with container.uow() as uow:
        locked = uow.orders.get(first, for_update=True)
        foreign = uow.orders.get(other, for_update=True)
        assert locked is not None and foreign is not None
        line = foreign.lines[0]
        with pytest.raises(LookupError):
            uow.orders.save_quantities(first, {line.id: LineQuantities(ordered=line.quantity)})
