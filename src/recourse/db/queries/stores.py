"""Read side of stores: a store with the policy in force, the stores a seller works for."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from recourse.db import models as m
from recourse.db.repositories.stores import policy_from_row
from recourse.domain.policy import policy_in_force


def store_with_policy(session: Session, store_id: int, now: datetime) -> dict[str, Any] | None:
    store = session.get(m.StoreRow, store_id)
    if store is None:
        return None
    versions = [
        policy_from_row(p)
        for p in session.scalars(
            select(m.StorePolicyRow).where(m.StorePolicyRow.store_id == store_id)
        )
    ]
    current = policy_in_force(versions, now)
    return {
        "id": store.id,
        "name": store.name,
        "country": store.country,
        "return_address": store.return_address,
        "policy_version": current.version,
        "policy": current.policy.as_dict(),
    }


def stores_of(session: Session, store_ids: frozenset[int]) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(m.StoreRow)
        .where(m.StoreRow.id.in_(sorted(store_ids) or [-1]))
        .order_by(m.StoreRow.id)
    )
    return [{"id": r.id, "name": r.name, "country": r.country} for r in rows]


def all_stores(session: Session) -> list[dict[str, Any]]:
    """Every store, for support's store filter."""
    rows = session.scalars(select(m.StoreRow).order_by(m.StoreRow.name, m.StoreRow.id))
    return [{"id": r.id, "name": r.name, "country": r.country} for r in rows]
