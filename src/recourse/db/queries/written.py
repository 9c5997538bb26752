"""What a request's own transaction has just written, as the read queries show it, taken from
the rows that transaction holds (db.repositories.writes.hold) instead of read back: the
answer to a write is built from the use case's result, in the same transaction."""

from __future__ import annotations

from recourse.db import models as m
from recourse.db.order_records import record
from recourse.db.queries.cancellations import CancellationView
from recourse.db.queries.cancellations import _view as cancellation_view
from recourse.db.queries.refunds import RefundView
from recourse.db.queries.refunds import _view as refund_view
from recourse.db.uow import SqlUnitOfWork


def written_cancellation(
    uow: SqlUnitOfWork, cancellation_id: int
) -> tuple[CancellationView, RefundView | None]:
    """The cancellation the use case returned, with its refund when it made one. The rows are
    the session's (no query when the use case wrote or locked them); the reason's label comes
    from the reference data the use case read."""
    session = uow.session
    row = session.get(m.CancellationRow, cancellation_id)
    if row is None:
        raise LookupError(f"no cancellation {cancellation_id}")
    # the order as the use case locked it (a record: db/order_records.py), else its row
    held = record(session, row.order_id)
    order = held.view() if held is not None else session.get(m.OrderRow, row.order_id)
    assert order is not None
    reason = uow.reasons.get(row.reason)
    labels = {reason.code: reason.label} if reason is not None else {}
    titles = {line.id: line.title for line in order.lines}
    view = cancellation_view(row, labels, titles)
    if row.refund_id is None:
        return view, None
    refund = session.get(m.RefundRow, row.refund_id)
    assert refund is not None
    return view, refund_view(refund, order)
