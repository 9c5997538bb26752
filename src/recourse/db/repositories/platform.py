"""Repository of the operator's platform settings, kept with the reference data."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from recourse.db import models as m
from recourse.db.reference import ReferenceCache
from recourse.domain.policy import PlatformPolicy


class SqlPlatform:
    def __init__(self, session: Session, cache: ReferenceCache | None = None) -> None:
        self.s = session
        self.cache = cache or ReferenceCache(0)

    def policy(self) -> PlatformPolicy:
        def load() -> PlatformPolicy:
            rows = self.s.execute(select(m.PlatformSettingRow.key, m.PlatformSettingRow.value))
            return PlatformPolicy.from_overrides({k: v for k, v in rows})

        return self.cache.get("platform", load)

    def set_values(self, values: Mapping[str, int]) -> None:
        self.cache.clear()
        for key, value in values.items():
            row = self.s.get(m.PlatformSettingRow, key)
            if row is None:
                self.s.add(m.PlatformSettingRow(key=key, value=value))
            else:
                row.value = value
