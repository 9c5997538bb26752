"""The batch's unit of work (db/batch.py): the items' changes wait for the batch's one flush,
yet an item that changes rows and leaves without committing is still caught (alone, its
changes would be rolled back), even when it changes a row an earlier item changed, or when a
query of its own flushes the earlier items' changes with its own. An item that only reads
passes, whether its reads flush what earlier items left or not. The order's cases a batch
holds include the rows its items added and have not written yet, and only while they are in
the session."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, select

from recourse.container import Container
from recourse.db import models as m
from recourse.db.batch import BatchUnitOfWork, NotBatchable
from recourse.db.repositories.preload import held_cases, load_cases, lock_cancellations
from recourse.domain.cancellation import CancellationStatus
from recourse.domain.roles import SYSTEM
from recourse.domain.timeline import TimelineEntry
from recourse.integrations.clock import FixedClock
from tests.integration.test_batch_sweep import _requests


@pytest.fixture
def batch(container: Container, clock: FixedClock) -> Iterator[tuple[BatchUnitOfWork, list[int]]]:
    ids = _requests(container, clock, n=3)
    uow = BatchUnitOfWork.like(container.uow())
    uow.open(len(ids))
    lock_cancellations(uow.session, ids)  # as the sweep locks its items' rows first
    try:
        yield uow, ids
    finally:
        uow.close()


def _item(uow: BatchUnitOfWork, use_case: Callable[[], None], order_id: int | None = None) -> None:
    uow.start_item(order_id)
    with uow:
        use_case()
    uow.end_item()


def _decide(uow: BatchUnitOfWork, cancellation_id: int, note: str, *, commit: bool) -> None:
    uow.cancellations.get(cancellation_id, for_update=True)
    uow.cancellations.update(
        cancellation_id, status=CancellationStatus.auto_approved, rejection_note=note
    )
    if commit:
        uow.commit()


def _entry(order_id: int) -> TimelineEntry:
    return TimelineEntry(order_id=order_id, at=datetime.now(UTC), actor=SYSTEM, action="note")


def _read(uow: BatchUnitOfWork, cancellation_id: int) -> None:
    uow.cancellations.get(cancellation_id, for_update=True)


def _query(uow: BatchUnitOfWork) -> None:
    uow.session.scalars(select(m.CancellationRow.id)).all()  # flushes first (autoflush)


def _statements(uow: BatchUnitOfWork) -> list[str]:
    seen: list[str] = []

    def statement(_conn: object, _cursor: object, sql: str, *_: object) -> None:
        seen.append(sql.lstrip().split(" ", 1)[0].upper())

    event.listen(uow.session.connection(), "before_cursor_execute", statement)
    return seen


def test_committed_items_are_written_together_by_the_batch_flush(
    batch: tuple[BatchUnitOfWork, list[int]],
) -> None:
    uow, ids = batch
    seen = _statements(uow)
    for i, cancellation_id in enumerate(ids):
        _item(uow, lambda c=cancellation_id, i=i: _decide(uow, c, f"n{i}", commit=True))
    assert "UPDATE" not in seen  # nothing written yet
    uow.session.flush()
    assert seen.count("UPDATE") == 1  # one statement for the three rows
    notes = uow.session.scalars(
        select(m.CancellationRow.rejection_note).where(m.CancellationRow.id.in_(ids))
    )
    assert sorted(notes) == ["n0", "n1", "n2"]


def test_an_item_that_changes_a_row_without_committing_is_not_batchable(
    batch: tuple[BatchUnitOfWork, list[int]],
) -> None:
    uow, ids = batch
    _item(uow, lambda: _decide(uow, ids[0], "first", commit=True))
    with pytest.raises(NotBatchable):
        _item(uow, lambda: _decide(uow, ids[1], "second", commit=False))


def test_changing_again_a_row_an_earlier_item_changed_is_seen_too(
    batch: tuple[BatchUnitOfWork, list[int]],
) -> None:
    uow, ids = batch
    _item(uow, lambda: _decide(uow, ids[0], "first", commit=True))
    with pytest.raises(NotBatchable):
        _item(uow, lambda: _decide(uow, ids[0], "again", commit=False))


def test_an_item_that_adds_a_row_without_committing_is_not_batchable(
    batch: tuple[BatchUnitOfWork, list[int]],
) -> None:
    uow, ids = batch
    order_id = uow.session.get_one(m.CancellationRow, ids[0]).order_id
    _item(uow, lambda: _decide(uow, ids[0], "first", commit=True))
    with pytest.raises(NotBatchable):
        _item(uow, lambda: uow.timeline.add(_entry(order_id)))


def test_a_change_flushed_by_the_items_own_query_is_seen(
    batch: tuple[BatchUnitOfWork, list[int]],
) -> None:
    uow, ids = batch
    _item(uow, lambda: _decide(uow, ids[0], "first", commit=True))

    def change_then_query() -> None:
        _decide(uow, ids[1], "second", commit=False)
        _query(uow)

    with pytest.raises(NotBatchable):
        _item(uow, change_then_query)


def test_an_item_that_only_reads_passes_even_when_its_query_flushes_earlier_items(
    batch: tuple[BatchUnitOfWork, list[int]],
) -> None:
    uow, ids = batch
    seen = _statements(uow)
    _item(uow, lambda: _decide(uow, ids[0], "first", commit=True))
    _item(uow, lambda: _read(uow, ids[1]))
    _item(uow, lambda: _query(uow))
    assert "UPDATE" in seen  # the third item's query flushed the first item's change
    _item(uow, lambda: _decide(uow, ids[2], "third", commit=True))


def test_an_item_that_loads_rows_and_their_collections_passes(
    batch: tuple[BatchUnitOfWork, list[int]],
) -> None:
    """Loading sets no attribute: rows read fresh from the database (the order, its lines
    loaded lazily, a row read again over the session's copy) are not the item's writes."""
    uow, ids = batch
    _item(uow, lambda: _decide(uow, ids[0], "first", commit=True))

    def read_everything() -> None:
        row = uow.session.get_one(m.CancellationRow, ids[1])
        order = uow.session.get_one(m.OrderRow, row.order_id)
        assert order.lines and row.lines
        uow.session.scalars(
            select(m.CancellationRow).execution_options(populate_existing=True)
        ).all()

    _item(uow, read_everything)
    _item(uow, lambda: _decide(uow, ids[2], "third", commit=True))


def _order_of(uow: BatchUnitOfWork, cancellation_id: int) -> int:
    return uow.session.get_one(m.CancellationRow, cancellation_id).order_id


def test_an_item_named_with_a_new_order_is_caught_changing_a_row_without_committing(
    batch: tuple[BatchUnitOfWork, list[int]],
) -> None:
    """The first item of its order: counting the changed rows tells."""
    uow, ids = batch
    first, second = _order_of(uow, ids[0]), _order_of(uow, ids[1])
    _item(uow, lambda: _decide(uow, ids[0], "first", commit=True), first)
    _item(uow, lambda: _read(uow, ids[1]), second)  # reading passes
    with pytest.raises(NotBatchable):
        _item(uow, lambda: _decide(uow, ids[2], "third", commit=False), _order_of(uow, ids[2]))


def test_an_item_of_an_order_an_earlier_item_had_is_caught_changing_its_rows_again(
    batch: tuple[BatchUnitOfWork, list[int]],
) -> None:
    """A second item of the same order compares values: its change of a row the first item
    changed leaves the count of changed rows as it was."""
    uow, ids = batch
    order_id = _order_of(uow, ids[0])
    _item(uow, lambda: _decide(uow, ids[0], "first", commit=True), order_id)
    _item(uow, lambda: _read(uow, ids[0]), order_id)
    with pytest.raises(NotBatchable):
        _item(uow, lambda: _decide(uow, ids[0], "again", commit=False), order_id)


def test_an_item_named_with_its_order_whose_query_flushes_its_change_is_caught(
    batch: tuple[BatchUnitOfWork, list[int]],
) -> None:
    uow, ids = batch
    _item(uow, lambda: _decide(uow, ids[0], "first", commit=True), _order_of(uow, ids[0]))

    def change_then_query() -> None:
        _decide(uow, ids[1], "second", commit=False)
        _query(uow)

    with pytest.raises(NotBatchable):
        _item(uow, change_then_query, _order_of(uow, ids[1]))


def test_an_item_that_only_reads_passes_when_its_query_writes_earlier_items_timeline(
    batch: tuple[BatchUnitOfWork, list[int]],
) -> None:
    """Timeline entries wait as column values (db/queued.py); a query writes them first, as
    the autoflush wrote mapped rows: that is not the reading item's write."""
    uow, ids = batch
    order_id = uow.session.get_one(m.CancellationRow, ids[0]).order_id

    def note_and_commit() -> None:
        uow.timeline.add(_entry(order_id))
        uow.commit()

    seen = _statements(uow)
    _item(uow, note_and_commit)
    _item(uow, lambda: _query(uow))
    assert "INSERT" in seen  # the second item's query wrote the first item's entry
    with pytest.raises(NotBatchable):
        _item(uow, lambda: uow.timeline.add(_entry(order_id)))


def _unwritten_copy(row: m.CancellationRow) -> m.CancellationRow:
    columns = m.CancellationRow.__table__.columns.keys()
    return m.CancellationRow(**{c: getattr(row, c) for c in columns if c != "id"})


def test_a_case_row_not_yet_written_is_held_for_its_order_while_in_the_session(
    batch: tuple[BatchUnitOfWork, list[int]],
) -> None:
    uow, ids = batch
    session = uow.session
    first, second = (session.get_one(m.CancellationRow, i) for i in ids[:2])
    load_cases(session, [first.order_id, second.order_id])
    added = _unwritten_copy(first)
    session.add(added)
    assert added in (held_cases(session, m.CancellationRow, first.order_id) or [])
    assert added not in (held_cases(session, m.CancellationRow, second.order_id) or [])
    session.expunge(added)
    assert added not in (held_cases(session, m.CancellationRow, first.order_id) or [])
