"""Repositories of cancellations and the reason catalogue."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload

from recourse.db import models as m
from recourse.db.ids import add_with_id, id_in_advance, new_row
from recourse.db.reference import ReferenceCache
from recourse.db.repositories.preload import held_cases, locked_row
from recourse.db.repositories.writes import hold, new_mapped, set_columns
from recourse.domain.cancellation import CancellationStatus
from recourse.domain.reasons import Fault, Reason, ReasonActor
from recourse.services.ports import Cancellation, NewCancellation

PENDING = str(CancellationStatus.pending_seller)


def cancellation_from_row(row: m.CancellationRow) -> Cancellation:
    return Cancellation(
        id=row.id,
        order_id=row.order_id,
        store_id=row.store_id,
        status=CancellationStatus(row.status),
        initiator=row.initiator,
        mode=row.mode,
        reason=row.reason,
        fault=row.fault,
        note=row.note,
        whole_order=row.whole_order,
        units={x.line_id: x.quantity for x in row.lines},
        requested_by_role=row.requested_by_role,
        requested_by_id=row.requested_by_id,
        respond_by=row.respond_by,
        refund_id=row.refund_id,
        created_at=row.created_at,
    )


class SqlCancellations:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, cancellation: NewCancellation) -> int:
        c = cancellation
        row = new_mapped(
            m.CancellationRow,
            order_id=c.order_id,
            store_id=c.store_id,
            status=str(c.status),
            initiator=c.initiator,
            mode=c.mode,
            reason=c.reason,
            fault=c.fault,
            note=c.note,
            whole_order=c.whole_order,
            requested_by_role=c.requested_by_role,
            requested_by_id=c.requested_by_id,
            respond_by=c.respond_by,
            created_at=c.created_at,
            request_key=c.request_key,
        )
        pk = id_in_advance(self.s, m.CancellationRow, above=_greatest_id(self.s, c.order_id))
        row.lines = [
            new_mapped(
                m.CancellationLineRow,
                cancellation_id=pk,
                line_id=line_id,
                quantity=quantity,
                order_id=c.order_id,
            )
            for line_id, quantity in sorted(c.units.items())
        ]
        if pk is None:
            self.s.add(row)
            self.s.flush()  # to learn its id
        else:
            add_with_id(self.s, row, pk)  # written at commit (db/appends.py)
        hold(self.s, row)
        return row.id

    def get(self, cancellation_id: int, *, for_update: bool = False) -> Cancellation | None:
        if for_update and (row := locked_row(self.s, m.CancellationRow, cancellation_id)):
            pass  # locked by this transaction already, with its lines (a batch of deadlines)
        elif for_update:
            # its lines in the same query, locked with it (every cancellation has lines)
            stmt = (
                select(m.CancellationRow)
                .where(m.CancellationRow.id == cancellation_id)
                .options(joinedload(m.CancellationRow.lines, innerjoin=True))
                .with_for_update()
                .execution_options(populate_existing=True)
            )
            row = self.s.scalars(stmt).unique().first()
            hold(self.s, row)
        else:
            row = new_row(self.s, m.CancellationRow, cancellation_id) or self.s.get(
                m.CancellationRow, cancellation_id
            )
            hold(self.s, row)
        return cancellation_from_row(row) if row else None

    def id_by_request(self, order_id: int, request_key: str) -> int | None:
        held = held_cases(self.s, m.CancellationRow, order_id)
        if held is not None:  # the transaction locked the order and holds its cancellations
            row = next((r for r in held if r.request_key == request_key), None)
            if row is not None and row.id is None:
                self.s.flush()  # as the query would, to answer with its id
            return row.id if row else None
        return self.s.scalar(
            select(m.CancellationRow.id).where(
                m.CancellationRow.order_id == order_id,
                m.CancellationRow.request_key == request_key,
            )
        )

    def pending_for_order(self, order_id: int) -> Cancellation | None:
        held = held_cases(self.s, m.CancellationRow, order_id)
        if held is not None:  # the transaction locked the order and holds its cancellations
            found = next((r for r in held if r.status == PENDING), None)
            if found is not None and found.id is None:
                self.s.flush()  # as the query would
            return cancellation_from_row(found) if found else None
        row = self.s.scalars(
            select(m.CancellationRow).where(
                m.CancellationRow.order_id == order_id,
                m.CancellationRow.status == PENDING,
            )
        ).first()
        return cancellation_from_row(row) if row else None

    def update(self, cancellation_id: int, **values: Any) -> None:
        """Set on the row the session holds; written with the next flush."""
        if "status" in values:
            values["status"] = str(values["status"])
        set_columns(self.s, m.CancellationRow, cancellation_id, values)


def _greatest_id(session: Session, order_id: int) -> int | None:
    """The greatest id of the order's cancellations, when the session holds all of them
    (0: none); None when it does not know."""
    held = held_cases(session, m.CancellationRow, order_id)
    return None if held is None else max((row.id or 0 for row in held), default=0)


def _reason(row: m.CancellationReasonRow) -> Reason:
    return Reason(
        code=row.code,
        label=row.label,
        actor=ReasonActor(row.actor),
        fault=Fault(row.fault),
        requires_note=row.requires_note,
        active=row.active,
        for_cancellation=row.for_cancellation,
        for_return=row.for_return,
        category=row.category,
    )


class SqlReasons:
    def __init__(self, session: Session, cache: ReferenceCache | None = None) -> None:
        self.s = session
        self.cache = cache or ReferenceCache(0)

    def _catalogue(self) -> tuple[Reason, ...]:
        def load() -> tuple[Reason, ...]:
            stmt = select(m.CancellationReasonRow).order_by(
                m.CancellationReasonRow.position, m.CancellationReasonRow.code
            )
            return tuple(_reason(r) for r in self.s.scalars(stmt))

        return self.cache.get("reasons", load)

    def get(self, code: str) -> Reason | None:
        return next((r for r in self._catalogue() if r.code == code), None)

    def all(self, *, include_retired: bool = False, for_return: bool = False) -> list[Reason]:
        """The cancellation reasons (C5), or with `for_return` the return reasons (R1)."""
        return [
            r
            for r in self._catalogue()
            if (include_retired or r.active)
            and (r.for_return if for_return else r.for_cancellation)
        ]

    def add(self, reason: Reason) -> None:
        self.cache.clear()
        position = self.s.scalar(select(func.max(m.CancellationReasonRow.position))) or 0
        self.s.add(
            m.CancellationReasonRow(
                code=reason.code,
                label=reason.label,
                actor=str(reason.actor),
                fault=str(reason.fault),
                requires_note=reason.requires_note,
                active=reason.active,
                for_cancellation=reason.for_cancellation,
                for_return=reason.for_return,
                category=reason.category,
                position=position + 1,
            )
        )
        self.s.flush()

    def set_active(self, code: str, active: bool) -> bool:
        self.cache.clear()
        result = self.s.execute(
            update(m.CancellationReasonRow)
            .where(m.CancellationReasonRow.code == code)
            .values(active=active)
        )
        return bool(getattr(result, "rowcount", 0))
