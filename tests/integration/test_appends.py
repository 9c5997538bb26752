"""What a transaction only adds (outbox messages, notifications, timeline entries, events and
the store status counts it moved) is written at commit, on PostgreSQL in one statement, with
each table's rules: a repeated dedupe key leaves one row, the counts add up, the timeline
keeps the order its entries were added in. On both databases."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import StatementError

from recourse.container import Container
from recourse.db import models as m
from recourse.domain.roles import SYSTEM
from recourse.domain.timeline import TimelineEntry
from tests.factories import make_order
from tests.integration.support import Parties
from tests.integration.test_store_status_counts import counted, kept_counts


@contextmanager
def statements(c: Container, *, writes_only: bool = False) -> Iterator[list[str]]:
    """The statements as they reach the driver, on one line each; with `writes_only`, those
    that write (no SELECT, BEGIN, COMMIT or ROLLBACK)."""
    seen: list[str] = []
    reads = ("SELECT", "BEGIN", "COMMIT", "ROLLBACK")

    def statement(_c: Any, _cur: Any, sql: str, *_: Any) -> None:
        if not writes_only or not sql.lstrip().upper().startswith(reads):
            seen.append(" ".join(sql.split()))

    event.listen(c.engine, "before_cursor_execute", statement)
    try:
        yield seen
    finally:
        event.remove(c.engine, "before_cursor_execute", statement)


def _rows(c: Container, model: Any, *where: Any) -> int:
    with c.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_one_commit_writes_every_append_with_its_own_rules(
    container: Container, parties: Parties
) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    now = container.clock.now()
    with container.uow() as uow:  # a message stored before, with the key it repeats
        uow.outbox.add("test.ping", {"n": 0}, available_at=now, dedupe_key="ping-1")
        uow.commit()

    with statements(container) as seen, container.uow() as uow:
        uow.orders.get(order_id, for_update=True)
        for n in (1, 2):
            uow.outbox.add("test.ping", {"n": n}, available_at=now, dedupe_key="ping-1")
            uow.outbox.add("test.pong", {"n": n}, available_at=now, dedupe_key="pong-1")
            uow.notifications.add(
                user_id=parties.buyer_id,
                kind="test.note",
                params=None,
                link=None,
                order_id=order_id,
                dedupe_key="note-1",
                created_at=now,
            )
        for action in ("first", "second", "third"):
            uow.timeline.add(TimelineEntry(order_id=order_id, at=now, actor=SYSTEM, action=action))
        uow.events.add("evt_appends_1", "test.happened", {"data": {}}, now)
        uow.orders.set_status(order_id, "cancelled", now + timedelta(minutes=1))
        seen.clear()  # what the commit sends
        uow.commit()

    if container.engine.dialect.name == "postgresql":
        writes = [sql for sql in seen if not sql.upper().startswith(("COMMIT", "SELECT"))]
        # the order's new status and every append at once (db/unflushed.py)
        assert len(writes) == 1, writes
        assert writes[0].startswith("WITH ")
    pings = _rows(container, m.OutboxRow, m.OutboxRow.dedupe_key == "ping-1")
    pongs = _rows(container, m.OutboxRow, m.OutboxRow.dedupe_key == "pong-1")
    notes = _rows(container, m.NotificationRow, m.NotificationRow.dedupe_key == "note-1")
    assert (pings, pongs, notes) == (1, 1, 1)
    with container.uow() as uow:
        payload = uow.session.scalar(
            select(m.OutboxRow.payload).where(m.OutboxRow.dedupe_key == "ping-1")
        )
        actions = uow.session.scalars(
            select(m.TimelineRow.action)
            .where(m.TimelineRow.order_id == order_id)
            .order_by(m.TimelineRow.id)
        ).all()
        event_order = uow.session.scalar(
            select(m.EventRow.order_id).where(m.EventRow.id == "evt_appends_1")
        )
        status = uow.session.scalar(select(m.OrderRow.status).where(m.OrderRow.id == order_id))
    assert status == "cancelled"
    assert payload == {"n": 0}  # the stored one stays
    assert list(actions)[-3:] == ["first", "second", "third"]
    assert event_order == order_id
    assert kept_counts(container) == counted(container)


def test_count_moves_rolled_back_are_not_written(container: Container, parties: Parties) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    before = kept_counts(container)
    with container.uow() as uow:
        uow.orders.get(order_id, for_update=True)
        uow.orders.set_status(order_id, "cancelled", container.clock.now())
        uow.rollback()
        uow.commit()  # nothing left to write
    assert kept_counts(container) == before == counted(container)


def test_a_big_batch_of_appends_is_one_statement_with_every_row_in_order(
    container: Container, parties: Parties
) -> None:
    """More rows than PostgreSQL would take as parameters of a multi-row VALUES (65,535):
    the rows travel as one JSON array per table, every row kept, in the order added."""
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    now = container.clock.now()
    many = 8_000
    with statements(container) as seen, container.uow() as uow:
        uow.orders.get(order_id, for_update=True)
        for n in range(many):
            uow.outbox.add("test.ping", {"n": n}, available_at=now, dedupe_key=f"many-{n}")
            uow.timeline.add(
                TimelineEntry(order_id=order_id, at=now, actor=SYSTEM, action=f"step-{n:05}")
            )
        seen.clear()
        uow.commit()

    if container.engine.dialect.name == "postgresql":
        writes = [sql for sql in seen if sql.upper().startswith(("WITH", "INSERT"))]
        assert len(writes) == 1, [w[:80] for w in writes]
    assert _rows(container, m.OutboxRow, m.OutboxRow.dedupe_key.like("many-%")) == many
    with container.uow() as uow:
        actions = uow.session.scalars(
            select(m.TimelineRow.action)
            .where(m.TimelineRow.order_id == order_id, m.TimelineRow.action.like("step-%"))
            .order_by(m.TimelineRow.id)
        ).all()
        payloads = uow.session.scalars(
            select(m.OutboxRow.payload)
            .where(m.OutboxRow.dedupe_key.like("many-%"))
            .order_by(m.OutboxRow.id)
        ).all()
    assert actions == [f"step-{n:05}" for n in range(many)]
    assert [p["n"] for p in payloads] == list(range(many))


def _actions(uow: Any, order_id: int) -> list[str]:
    return list(
        uow.session.scalars(
            select(m.TimelineRow.action)
            .where(m.TimelineRow.order_id == order_id, m.TimelineRow.action.like("queued-%"))
            .order_by(m.TimelineRow.id)
        )
    )


def test_a_query_in_the_transaction_sees_the_timeline_and_events_it_queued(
    container: Container, parties: Parties
) -> None:
    """Timeline entries and events are queued as column values, not mapped objects
    (db/queued.py): a query in the same transaction writes them first, as the autoflush did;
    a query with the autoflush off does not."""
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    now = container.clock.now()
    with container.uow() as uow:
        uow.timeline.add(TimelineEntry(order_id=order_id, at=now, actor=SYSTEM, action="queued-1"))
        with uow.session.no_autoflush:
            assert _actions(uow, order_id) == []
        assert _actions(uow, order_id) == ["queued-1"]
        uow.events.add("evt_queued_1", "test.queued", {"data": {"order_id": order_id}}, now)
        assert uow.webhooks.event("evt_queued_1") is not None
        uow.timeline.add(TimelineEntry(order_id=order_id, at=now, actor=SYSTEM, action="queued-2"))
        uow.commit()
    with container.uow() as uow:
        assert _actions(uow, order_id) == ["queued-1", "queued-2"]
        assert uow.webhooks.event("evt_queued_1") == (
            "test.queued",
            now,
            {"data": {"order_id": order_id}},
        )


def test_queued_rows_roll_back_with_the_transaction_and_commit_by_any_path(
    container: Container, parties: Parties
) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    now = container.clock.now()
    with container.uow() as uow:
        uow.timeline.add(TimelineEntry(order_id=order_id, at=now, actor=SYSTEM, action="queued-x"))
        uow.events.add("evt_queued_x", "test.queued", {"data": {}}, now)
        uow.rollback()
        uow.commit()  # nothing left to write
    with container.uow() as uow:
        # committed by the session itself, not the unit of work: written all the same
        uow.timeline.add(TimelineEntry(order_id=order_id, at=now, actor=SYSTEM, action="queued-y"))
        uow.session.commit()
    with container.uow() as uow:
        assert _actions(uow, order_id) == ["queued-y"]
        assert uow.webhooks.event("evt_queued_x") is None


def test_appended_rows_read_back_as_they_were_given(container: Container, parties: Parties) -> None:
    """The JSON the appends are sent as keeps what the rows hold: a mapping's keys that are
    not strings are written as strings (as a JSON column stores them), text with quotes,
    accents and line separators, integers past 32 bits; a naive datetime is refused."""
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    now = container.clock.now()
    payload = {"units": {7: 2, 9: 1}, "note": 'ñandú "said"\u2028next', "amount": 2**62}
    with container.uow() as uow:
        uow.orders.get(order_id, for_update=True)
        uow.outbox.add("test.keys", payload, available_at=now, dedupe_key="keys-1")
        uow.timeline.add(TimelineEntry(order_id=order_id, at=now, actor=SYSTEM, action="kept"))
        uow.commit()
    with container.uow() as uow:
        stored = uow.session.scalar(
            select(m.OutboxRow.payload).where(m.OutboxRow.dedupe_key == "keys-1")
        )
        at = uow.session.scalar(
            select(m.TimelineRow.at).where(
                m.TimelineRow.order_id == order_id, m.TimelineRow.action == "kept"
            )
        )
    assert stored == {"units": {"7": 2, "9": 1}, "note": payload["note"], "amount": 2**62}
    assert at == now

    with container.uow() as uow, pytest.raises((TypeError, ValueError, StatementError)) as refused:
        uow.orders.get(order_id, for_update=True)
        naive = now.replace(tzinfo=None)
        uow.timeline.add(TimelineEntry(order_id=order_id, at=naive, actor=SYSTEM, action="naive"))
        uow.commit()
    assert "naive datetime" in str(refused.value) + str(refused.value.__cause__)
    assert _rows(container, m.TimelineRow, m.TimelineRow.action == "naive") == 0
