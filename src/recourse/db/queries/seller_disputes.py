"""Read side of the sellers' dispute pages (D3-D6): their stores' disputes still going (open,
or decided with the appeal window running), the soonest deadline first, and the count of those
waiting for their answer (next to Disputes in the sellers' header)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from recourse.db import models as m
from recourse.db.repositories.disputes import dispute_from_row
from recourse.domain.disputes import UNSETTLED_STATUSES, Dispute, DisputeStatus

_GOING = sorted(str(s) for s in UNSETTLED_STATUSES)


def going_order_ids(session: Session, store_ids: Iterable[int]) -> list[int]:
    """The orders of the stores' disputes still going (to settle their passed deadlines)."""
    stores = sorted(store_ids)
    if not stores:
        return []
    d = m.DisputeRow
    query = select(d.order_id).where(d.store_id.in_(stores), d.status.in_(_GOING))
    return sorted(set(session.scalars(query)))


def going_disputes(session: Session, store_ids: Iterable[int]) -> list[Dispute]:
    """The stores' disputes still going, the one whose deadline comes first on top (those
    waiting on no clock last)."""
    stores = sorted(store_ids)
    if not stores:
        return []
    d = m.DisputeRow
    rows = session.scalars(
        select(d)
        .where(d.store_id.in_(stores), d.status.in_(_GOING))
        .order_by(d.due_at.is_(None), d.due_at, d.id)
    ).all()
    return [dispute_from_row(r) for r in rows]


def awaiting_answer(session: Session, store_ids: Iterable[int]) -> int:
    """The stores' disputes waiting for the sellers' answer."""
    stores = sorted(store_ids)
    if not stores:
        return 0
    d = m.DisputeRow
    found = session.scalar(
        select(func.count())
        .select_from(d)
        .where(d.store_id.in_(stores), d.status == str(DisputeStatus.awaiting_seller))
    )
    return int(found or 0)
