"""New cancellations and refunds take their ids in advance (PostgreSQL: the connection's block
of the table's sequence, db/ids.py); at commit the rows a use case added and the order rows it
changed are written by the appends statement itself, without a flush (db/unflushed.py). A
query before the commit still finds them; a commit writes nothing twice; a transaction that
also wrote other rows keeps the flush. On both databases (SQLite flushes as before)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import timedelta

from sqlalchemy import select

from recourse.container import Container
from recourse.db import models as m
from recourse.db.ids import id_in_advance
from recourse.domain.cancellation import CancellationStatus
from recourse.services.ports import NewCancellation
from tests.factories import make_order
from tests.integration.support import Parties
from tests.integration.test_appends import statements


def writes(c: Container) -> AbstractContextManager[list[str]]:
    """The statements that write, as they reach the driver."""
    return statements(c, writes_only=True)


def _new(c: Container, order_id: int, store_id: int, line_ids: list[int]) -> NewCancellation:
    return NewCancellation(
        order_id=order_id,
        store_id=store_id,
        status=CancellationStatus.completed,
        initiator="buyer",
        mode="instant",
        reason="changed_mind",
        fault="buyer",
        note=None,
        whole_order=True,
        units=dict.fromkeys(line_ids, 1),
        requested_by_role="buyer",
        requested_by_id=None,
        respond_by=None,
        created_at=c.clock.now(),
        request_key=None,
    )


def _lines(c: Container, order_id: int) -> list[int]:
    with c.uow() as uow:
        order = uow.orders.get(order_id)
        assert order is not None
        return [line.id for line in order.lines]


def _postgresql(c: Container) -> bool:
    return c.engine.dialect.name == "postgresql"


def test_a_new_cancellation_is_found_by_a_query_before_the_commit(
    container: Container, parties: Parties
) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    lines = _lines(container, order_id)
    with writes(container) as seen, container.uow() as uow:
        uow.orders.get(order_id, for_update=True, with_cases=True)
        made = uow.cancellations.add(_new(container, order_id, parties.store_id, lines))
        if _postgresql(container):
            assert seen == []  # its id came from the block: nothing written yet
        found = uow.session.scalars(
            select(m.CancellationRow.id).where(m.CancellationRow.order_id == order_id)
        ).all()
        assert list(found) == [made]  # the query flushed it, as it flushes any new row
        uow.orders.set_status(order_id, "cancelled", container.clock.now())
        uow.commit()
    _assert_stored(container, made, order_id, lines)


def test_the_commit_writes_new_and_changed_rows_in_its_one_statement(
    container: Container, parties: Parties
) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    lines = _lines(container, order_id)
    with container.uow() as uow:
        uow.orders.get(order_id, for_update=True, with_cases=True)
        made = uow.cancellations.add(_new(container, order_id, parties.store_id, lines))
        uow.orders.set_status(order_id, "cancelled", container.clock.now())
        with writes(container) as seen:
            uow.commit()
        # afterwards the session holds the new row as written and the order as clean
        assert not uow.session.new and not uow.session.dirty
        with writes(container) as after:
            assert uow.cancellations.get(made) is not None
            uow.session.flush()
        assert after == []
    if _postgresql(container):
        assert len(seen) == 1, seen
        assert seen[0].startswith("WITH ")
        for part in (
            "INSERT INTO cancellations ",
            "INSERT INTO cancellation_lines ",
            "UPDATE orders",
        ):
            assert part in seen[0]
    _assert_stored(container, made, order_id, lines)


def test_a_transaction_writing_other_rows_keeps_the_flush(
    container: Container, parties: Parties
) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    lines = _lines(container, order_id)
    with container.uow() as uow:
        uow.orders.get(order_id, for_update=True, with_cases=True)
        made = uow.cancellations.add(_new(container, order_id, parties.store_id, lines))
        user = uow.session.get_one(m.UserRow, parties.buyer_id)
        user.timezone = "Europe/Paris"  # a row the appends statement does not update
        uow.orders.set_status(order_id, "cancelled", container.clock.now())
        with writes(container) as seen:
            uow.commit()
    assert any(sql.startswith("UPDATE users") for sql in seen)
    with container.uow() as uow:
        stored = uow.cancellations.get(made)
        status = uow.orders.stored_status(order_id)
        timezone = uow.session.get_one(m.UserRow, parties.buyer_id).timezone
    assert stored is not None and status == "cancelled" and timezone == "Europe/Paris"


def test_ids_in_advance_never_repeat_after_a_rollback(
    container: Container, parties: Parties
) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    lines = _lines(container, order_id)
    with container.uow() as uow:
        uow.orders.get(order_id, for_update=True, with_cases=True)
        dropped = uow.cancellations.add(_new(container, order_id, parties.store_id, lines))
        uow.rollback()
    container.clock.advance(timedelta(minutes=1))
    with container.uow() as uow:
        uow.orders.get(order_id, for_update=True, with_cases=True)
        kept = uow.cancellations.add(_new(container, order_id, parties.store_id, lines))
        uow.commit()
    with container.uow() as uow:
        assert uow.cancellations.get(kept) is not None
        if _postgresql(container):  # a sequence's number is used once (SQLite reuses rowids)
            assert kept != dropped
            assert uow.cancellations.get(dropped) is None


def test_ids_in_advance_only_on_postgresql_and_for_the_paid_cancels_rows(
    container: Container,
) -> None:
    with container.uow() as uow:
        first = id_in_advance(uow.session, m.RefundRow, above=0)
        second = id_in_advance(uow.session, m.RefundRow, above=0)
        other = id_in_advance(uow.session, m.ReturnRow, above=0)
        unknown = id_in_advance(uow.session, m.RefundRow)  # the order's refunds not held
    assert other is None and unknown is None
    if _postgresql(container):
        assert first is not None and second is not None and second > first
    else:
        assert first is None and second is None


def test_an_orders_cancellations_keep_their_ids_in_the_order_they_were_made(
    container: Container, parties: Parties
) -> None:
    """Each pooled connection keeps its own block of ids: a connection whose block is behind
    the order's latest cancellation drops it rather than give a newer row a smaller id."""
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    lines = _lines(container, order_id)
    behind = container.uow()
    with behind:
        held = id_in_advance(behind.session, m.CancellationRow, above=0)  # this connection's
        with container.uow() as uow:  # another connection, its block further on
            uow.orders.get(order_id, for_update=True, with_cases=True)
            first = uow.cancellations.add(_new(container, order_id, parties.store_id, lines))
            uow.commit()
        # the same connection, reading what the other committed (READ COMMITTED)
        behind.orders.get(order_id, for_update=True, with_cases=True)
        second = behind.cancellations.add(_new(container, order_id, parties.store_id, lines))
        behind.commit()
    assert second > first
    if _postgresql(container):
        assert held is not None and held < first  # the block it held was dropped


def test_rows_the_statement_wrote_go_with_a_rollback_of_the_request(
    container: Container, parties: Parties
) -> None:
    """A request's use case 'commits' (its rows written, the transaction goes on); when the
    request then rolls back, the session forgets them as it forgets flushed rows."""
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    lines = _lines(container, order_id)
    request = container.request_uow()
    with request:
        with request:
            request.orders.get(order_id, for_update=True, with_cases=True)
            made = request.cancellations.add(_new(container, order_id, parties.store_id, lines))
            request.orders.set_status(order_id, "cancelled", container.clock.now())
            request.commit()  # written, not committed
        assert request.cancellations.get(made) is not None
        request.rollback()
        assert request.orders.stored_status(order_id) != "cancelled"
        assert request.cancellations.get(made) is None
    with container.uow() as uow:
        assert uow.cancellations.get(made) is None
        assert uow.orders.stored_status(order_id) != "cancelled"


def _assert_stored(container: Container, made: int, order_id: int, lines: list[int]) -> None:
    """The cancellation `made` is stored with a unit of each line, and its order cancelled."""
    with container.uow() as uow:
        stored = uow.cancellations.get(made)
        status = uow.orders.stored_status(order_id)
    assert stored is not None and stored.units == dict.fromkeys(lines, 1)
    assert status == "cancelled"


def test_a_row_made_without_the_setters_is_written_with_what_it_was_given_and_later_changed(
    container: Container, parties: Parties
) -> None:
    """New cancellations (and refunds, returns, disputes) are made by `new_mapped`, their
    columns put in the row's state without change events: the flush and the appends both
    write what the row holds, a change made before the commit included; a column the model
    does not have is refused."""
    import pytest

    from recourse.db.repositories.writes import new_mapped

    with pytest.raises(TypeError, match="no columns"):
        new_mapped(m.CancellationRow, order_id=1, colour="red")
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    lines = _lines(container, order_id)
    with container.uow() as uow:
        uow.orders.get(order_id, for_update=True, with_cases=True)
        made = uow.cancellations.add(_new(container, order_id, parties.store_id, lines))
        uow.cancellations.update(made, note="changed before the commit")
        uow.orders.set_status(order_id, "cancelled", container.clock.now())
        uow.commit()
    _assert_stored(container, made, order_id, lines)
    with container.uow() as uow:
        stored = uow.session.get_one(m.CancellationRow, made)
        assert (stored.note, stored.reason, stored.whole_order) == (
            "changed before the commit",
            "changed_mind",
            True,
        )
        assert [line.quantity for line in stored.lines] == [1] * len(lines)
