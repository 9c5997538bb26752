"""Read side of disputes (D1-D7): one dispute with what a reader needs beside it (proposals,
information requests and decisions are on the dispute; the files, the parties' and agents'
names, the order's currency and what the dispute refunded are added), an order's disputes,
and support's queue ordered by the deadline each waits for (the SLA for escalated and appealed
ones), with its filters."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from recourse.db import models as m
from recourse.db.queries.evidence import FileView, files_of
from recourse.db.repositories.disputes import dispute_from_row
from recourse.domain.disputes import Dispute, DisputeStatus, forced_key
from recourse.domain.refund import dispute_ref

PAGE_SIZE = 50

# support's queue by default: what waits for an agent's decision
WAITING_FOR_SUPPORT = (str(DisputeStatus.escalated), str(DisputeStatus.appealed))


@dataclass(frozen=True, slots=True)
class DisputeView:
    """A dispute with the order's currency and amount captured, the buyer's and store's
    names, the agents' names (assignee, deciders), what it refunded so far (refunds with its
    cause reference that did not fail) and its files."""

    dispute: Dispute
    currency: str
    amount_captured: int
    buyer_id: int
    buyer_name: str
    store_name: str
    refunded: int = 0
    refund_ids: tuple[int, ...] = ()
    agents: dict[int, str] = field(default_factory=dict)
    files: list[FileView] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:
        # the dispute's own fields read directly (view.status, view.respond_by, …)
        return getattr(self.dispute, name)


@dataclass(frozen=True, slots=True)
class DisputePage:
    items: list[DisputeView]
    next_cursor: int | None


def _names(session: Session, model: Any, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {
        k: v for k, v in session.execute(select(model.id, model.name).where(model.id.in_(wanted)))
    }


def _views(
    session: Session, rows: Iterable[m.DisputeRow], *, api: bool = False
) -> list[DisputeView]:
    rows = list(rows)
    if not rows:
        return []
    orders = {
        o.id: o
        for o in session.scalars(
            select(m.OrderRow).where(m.OrderRow.id.in_({r.order_id for r in rows}))
        )
    }
    disputes = [dispute_from_row(r) for r in rows]
    people = _names(
        session,
        m.UserRow,
        [o.buyer_id for o in orders.values()]
        + [
            i
            for d in disputes
            for i in (
                d.assignee_id,
                d.appeal_assignee_id,
                d.decision.decided_by_id if d.decision else None,
                d.appeal_decision.decided_by_id if d.appeal_decision else None,
                *(r.asked_by_id for r in d.info_requests),
            )
        ],
    )
    stores = _names(session, m.StoreRow, [r.store_id for r in rows])
    refs = {dispute_ref(d.id): d.id for d in disputes}
    refunds: dict[int, list[tuple[int, int]]] = {d.id: [] for d in disputes}
    for refund_id, ref, amount in session.execute(
        select(m.RefundRow.id, m.RefundRow.cause_ref, m.RefundRow.amount)
        .where(m.RefundRow.cause_ref.in_(list(refs)), m.RefundRow.status != "failed")
        .order_by(m.RefundRow.id)
    ):
        refunds[refs[str(ref)]].append((refund_id, amount))
    # C10: the refund of the cancellation support forced on the dispute is the dispute's too
    forced = {forced_key(d.id): d.id for d in disputes}
    c = m.CancellationRow
    for refund_id, key, amount in session.execute(
        select(m.RefundRow.id, c.request_key, m.RefundRow.amount)
        .join(c, c.refund_id == m.RefundRow.id)
        .where(c.request_key.in_(list(forced)), m.RefundRow.status != "failed")
    ):
        refunds[forced[str(key)]].append((refund_id, amount))
    for made in refunds.values():
        made.sort()
    files = files_of(session, "dispute", [d.id for d in disputes], api=api)
    result = []
    for d in disputes:
        order = orders[d.order_id]
        result.append(
            DisputeView(
                dispute=d,
                currency=order.currency,
                amount_captured=order.amount_captured,
                buyer_id=order.buyer_id,
                buyer_name=people.get(order.buyer_id, ""),
                store_name=stores.get(d.store_id, ""),
                refunded=sum(a for _, a in refunds[d.id]),
                refund_ids=tuple(i for i, _ in refunds[d.id]),
                agents=people,
                files=files.get(d.id, []),
            )
        )
    return result


def order_of_dispute(session: Session, dispute_id: int) -> int | None:
    """The order a dispute is about; None when there is no such dispute."""
    return session.scalar(select(m.DisputeRow.order_id).where(m.DisputeRow.id == dispute_id))


def dispute_view(session: Session, dispute_id: int, *, api: bool = False) -> DisputeView | None:
    """One dispute (the caller checks that the reader may see its order)."""
    found = _views(
        session, session.scalars(select(m.DisputeRow).where(m.DisputeRow.id == dispute_id)), api=api
    )
    return found[0] if found else None


def disputes_of_order(session: Session, order_id: int, *, api: bool = False) -> list[DisputeView]:
    """The order's disputes, oldest first."""
    rows = session.scalars(
        select(m.DisputeRow)
        .where(m.DisputeRow.order_id == order_id)
        .order_by(m.DisputeRow.opened_at, m.DisputeRow.id)
    )
    return _views(session, rows, api=api)


def support_queue(
    session: Session,
    *,
    now: datetime,
    type: str | None = None,
    min_age: timedelta | None = None,
    min_amount: int | None = None,
    currency: str | None = None,
    store_id: int | None = None,
    assignee_id: int | None = None,
    unassigned: bool = False,
    status: str | None = None,
    cursor: int | None = None,
    limit: int = PAGE_SIZE,
) -> DisputePage:
    """D5: support's queue, the one whose deadline comes first on top (escalated and appealed
    ones by their SLA). Filters: `type`; `min_age` (opened at least this long before `now`);
    `min_amount` (the order's captured amount, minor units of `currency`: orders in other
    currencies are left out, no conversion; without `currency`, any); `store_id`; `assignee_id` (the
    agent on the case, or on its appeal) or `unassigned`; `status` (one status, "open" for
    every open one, "all"; default: escalated and appealed). `cursor`: where to continue."""
    d = m.DisputeRow
    stmt = select(d)
    if status is None:
        stmt = stmt.where(d.status.in_(WAITING_FOR_SUPPORT))
    elif status == "open":
        stmt = stmt.where(d.open_order_id.is_not(None))
    elif status != "all":
        stmt = stmt.where(d.status == status)
    if type is not None:
        stmt = stmt.where(d.type == type)
    if min_age is not None:
        stmt = stmt.where(d.opened_at <= now - min_age)
    if min_amount is not None:
        big = select(m.OrderRow.id).where(m.OrderRow.amount_captured >= min_amount)
        if currency is not None:
            big = big.where(m.OrderRow.currency == currency)
        stmt = stmt.where(d.order_id.in_(big))
    if store_id is not None:
        stmt = stmt.where(d.store_id == store_id)
    if assignee_id is not None:
        # the agent on the current step: the appeal's once appealed, else the case's
        stmt = stmt.where(func.coalesce(d.appeal_assignee_id, d.assignee_id) == assignee_id)
    elif unassigned:
        stmt = stmt.where(
            ((d.status == str(DisputeStatus.appealed)) & d.appeal_assignee_id.is_(None))
            | ((d.status != str(DisputeStatus.appealed)) & d.assignee_id.is_(None))
        )
    start = max(cursor or 0, 0)
    stmt = (
        stmt.order_by(d.due_at.is_(None), d.due_at, d.opened_at, d.id)
        .offset(start)
        .limit(limit + 1)
    )
    rows = list(session.scalars(stmt))
    more = len(rows) > limit
    return DisputePage(
        items=_views(session, rows[:limit]), next_cursor=start + limit if more else None
    )


def overdue_count(session: Session, now: datetime) -> int:
    """D5: disputes with support past their SLA (the console's count)."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(m.DisputeRow)
            .where(m.DisputeRow.status.in_(WAITING_FOR_SUPPORT), m.DisputeRow.sla_due_at <= now)
        )
        or 0
    )
