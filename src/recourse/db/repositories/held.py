"""Cancellations read from what the transaction holds of a locked order (`preload.py`).

A use case that locks an order with its cases (`SqlOrders.get(with_cases=True)`) or a batch of
deadlines holds every cancellation of the order: its pending request and a retry's earlier
cancellation are then found among them, without a query.
"""

from __future__ import annotations

from recourse.db import models as m
from recourse.db.repositories.cancellations import SqlCancellations, cancellation_from_row
from recourse.db.repositories.preload import held_cases
from recourse.domain.cancellation import CancellationStatus
from recourse.services.ports import Cancellation

PENDING = str(CancellationStatus.pending_seller)


class HeldCancellations(SqlCancellations):
    def pending_for_order(self, order_id: int) -> Cancellation | None:
        held = held_cases(self.s, m.CancellationRow, order_id)
        if held is None:
            return super().pending_for_order(order_id)
        row = next((row for row in held if row.status == PENDING), None)
        if row is not None and row.id is None:
            self.s.flush()  # as the query would
        return cancellation_from_row(row) if row else None

    def id_by_request(self, order_id: int, request_key: str) -> int | None:
        held = held_cases(self.s, m.CancellationRow, order_id)
        if held is None:
            return super().id_by_request(order_id, request_key)
        row = next((row for row in held if row.request_key == request_key), None)
        if row is not None and row.id is None:
            self.s.flush()  # as the query would, to answer with its id
        return row.id if row else None
