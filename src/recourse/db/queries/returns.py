"""Read side of returns (R1-R5, S1, S2): one return, an order's returns, the sellers' inbox
sorted by the deadline each waits for, and the problems support looks at."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from recourse.db import models as m
from recourse.db.queries.evidence import FileView, files_of
from recourse.db.repositories.returns import return_from_row
from recourse.domain.returns import FINAL_STATUSES, Return, ReturnStatus

PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class ReturnView:
    """A return with what a reader needs beside it: the lines' titles, the reason's label as
    stored, the order's currency, the parties' names and the files attached."""

    ret: Return
    currency: str
    reason_label: str | None
    titles: dict[int, str]
    buyer_id: int
    buyer_name: str
    store_name: str
    files: list[FileView] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:
        # the return's own fields read directly (view.status, view.respond_by, …)
        return getattr(self.ret, name)

    @property
    def items(self) -> list[dict[str, Any]]:
        return [
            {"line_id": x.line_id, "title": self.titles.get(x.line_id, ""), "quantity": x.quantity}
            for x in self.ret.lines
        ]

    @property
    def refund(self) -> int | None:
        return self.ret.refund_id


@dataclass(frozen=True, slots=True)
class ReturnPage:
    items: list[ReturnView]
    next_cursor: int | None


def _views(session: Session, rows: Iterable[m.ReturnRow], *, api: bool = False) -> list[ReturnView]:
    rows = list(rows)
    if not rows:
        return []
    order_ids = sorted({r.order_id for r in rows})
    orders = {
        o.id: o for o in session.scalars(select(m.OrderRow).where(m.OrderRow.id.in_(order_ids)))
    }
    titles: dict[int, str] = dict(
        (k, v)
        for k, v in session.execute(
            select(m.OrderLineRow.id, m.OrderLineRow.title).where(
                m.OrderLineRow.order_id.in_(order_ids)
            )
        ).all()
    )
    users = dict(
        (k, v)
        for k, v in session.execute(
            select(m.UserRow.id, m.UserRow.name).where(
                m.UserRow.id.in_({o.buyer_id for o in orders.values()})
            )
        ).all()
    )
    stores = dict(
        (k, v)
        for k, v in session.execute(
            select(m.StoreRow.id, m.StoreRow.name).where(
                m.StoreRow.id.in_({r.store_id for r in rows})
            )
        ).all()
    )
    labels = dict(
        (k, v)
        for k, v in session.execute(
            select(m.CancellationReasonRow.code, m.CancellationReasonRow.label)
        ).all()
    )
    files = files_of(session, "return", [r.id for r in rows], api=api)
    result = []
    for row in rows:
        order = orders[row.order_id]
        result.append(
            ReturnView(
                ret=return_from_row(row),
                currency=order.currency,
                reason_label=labels.get(row.reason) if row.reason else None,
                titles={x.line_id: titles.get(x.line_id, "") for x in row.lines},
                buyer_id=order.buyer_id,
                buyer_name=users.get(order.buyer_id, ""),
                store_name=stores.get(row.store_id, ""),
                files=files.get(row.id, []),
            )
        )
    return result


def _select() -> Any:
    return select(m.ReturnRow).options(selectinload(m.ReturnRow.lines))


def return_view(session: Session, return_id: int, *, api: bool = False) -> ReturnView | None:
    """One return (the caller checks that the reader may see its order)."""
    found = _views(session, session.scalars(_select().where(m.ReturnRow.id == return_id)), api=api)
    return found[0] if found else None


def returns_of_order(session: Session, order_id: int, *, api: bool = False) -> list[ReturnView]:
    """The order's returns, oldest first."""
    rows = session.scalars(
        _select()
        .where(m.ReturnRow.order_id == order_id)
        .order_by(m.ReturnRow.created_at, m.ReturnRow.id)
    )
    return _views(session, rows, api=api)


def returns_inbox(
    session: Session,
    store_ids: Iterable[int],
    *,
    status: str | None = None,
    cursor: int | None = None,
    limit: int = PAGE_SIZE,
) -> ReturnPage:
    """The stores' returns, the one whose deadline comes first on top (those waiting on no
    clock after them, newest first). `status`: one status, "open" (every one still going),
    or None for all. `cursor` is the position to continue from."""
    stmt = _select().where(m.ReturnRow.store_id.in_(list(store_ids)))
    if status == "open":
        stmt = stmt.where(m.ReturnRow.status.not_in([str(s) for s in FINAL_STATUSES]))
    elif status is not None:
        stmt = stmt.where(m.ReturnRow.status == status)
    start = max(cursor or 0, 0)
    stmt = (
        stmt.order_by(
            m.ReturnRow.due_at.is_(None),
            m.ReturnRow.due_at,
            m.ReturnRow.created_at.desc(),
            m.ReturnRow.id.desc(),
        )
        .offset(start)
        .limit(limit + 1)
    )
    rows = list(session.scalars(stmt))
    more = len(rows) > limit
    return ReturnPage(
        items=_views(session, rows[:limit]), next_cursor=start + limit if more else None
    )


def open_return_count(session: Session, store_ids: Iterable[int]) -> int:
    """How many returns wait for the sellers (to answer, or to confirm what came back)."""
    waiting = [str(ReturnStatus.requested), str(ReturnStatus.delivered)]
    return len(
        list(
            session.scalars(
                select(m.ReturnRow.id).where(
                    m.ReturnRow.store_id.in_(list(store_ids)), m.ReturnRow.status.in_(waiting)
                )
            )
        )
    )


def problem_returns(session: Session) -> list[ReturnView]:
    """R4: returns a seller reported a problem with, oldest report first (for support)."""
    rows = session.scalars(
        _select()
        .where(m.ReturnRow.status == str(ReturnStatus.problem))
        .order_by(m.ReturnRow.received_at, m.ReturnRow.id)
    )
    return _views(session, rows)
