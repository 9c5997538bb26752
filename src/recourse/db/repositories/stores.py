"""Repository of stores and their policy versions (§9), kept with the reference data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from recourse.db import models as m
from recourse.db.reference import ReferenceCache
from recourse.domain.accounts import Store
from recourse.domain.policy import BuyerCancel, PolicyVersion, StorePolicy


def policy_from_row(row: m.StorePolicyRow) -> PolicyVersion:
    return PolicyVersion(
        id=row.id,
        store_id=row.store_id,
        version=row.version,
        effective_from=row.effective_from,
        policy=StorePolicy(
            buyer_cancel=BuyerCancel(row.buyer_cancel),
            cancel_response_hours=row.cancel_response_hours,
            allow_partial_cancel=row.allow_partial_cancel,
            processing_days=row.processing_days,
            accepts_remorse_returns=row.accepts_remorse_returns,
            return_window_days=row.return_window_days,
            restocking_fee_percent=row.restocking_fee_percent,
            buyer_pays_remorse_return_shipping=row.buyer_pays_remorse_return_shipping,
            return_response_business_days=row.return_response_business_days,
        ),
    )


class SqlStores:
    def __init__(self, session: Session, cache: ReferenceCache | None = None) -> None:
        self.s = session
        self.cache = cache or ReferenceCache(0)

    def add(self, name: str, country: str, created_at: datetime) -> int:
        row = m.StoreRow(name=name, country=country, created_at=created_at)
        self.s.add(row)
        self.s.flush()
        return row.id

    def get(self, store_id: int) -> Store | None:
        row = self.s.get(m.StoreRow, store_id)
        return Store(id=row.id, name=row.name, country=row.country) if row else None

    def add_policy_version(
        self, store_id: int, policy: StorePolicy, effective_from: datetime
    ) -> PolicyVersion:
        self.cache.clear()
        latest = self.s.scalar(
            select(func.max(m.StorePolicyRow.version)).where(m.StorePolicyRow.store_id == store_id)
        )
        row = m.StorePolicyRow(
            store_id=store_id,
            version=(latest or 0) + 1,
            effective_from=effective_from,
            **policy.as_dict(),
        )
        self.s.add(row)
        self.s.flush()
        return policy_from_row(row)

    def policy_versions(self, store_id: int) -> list[PolicyVersion]:
        """Every version, oldest first; which one is in force is decided by the caller's clock,
        so the list is kept with the reference data and cleared when a version is added."""

        def load() -> tuple[PolicyVersion, ...]:
            rows = self.s.scalars(
                select(m.StorePolicyRow)
                .where(m.StorePolicyRow.store_id == store_id)
                .order_by(m.StorePolicyRow.version)
            )
            return tuple(policy_from_row(r) for r in rows)

        return list(self.cache.get(("policy_versions", store_id), load))

    def policy_version(self, version_id: int) -> PolicyVersion | None:
        """A version never changes once written, so every process may keep it."""

        def load() -> PolicyVersion | None:
            row = self.s.get(m.StorePolicyRow, version_id)
            return policy_from_row(row) if row else None

        return self.cache.get(("policy_version", version_id), load)
