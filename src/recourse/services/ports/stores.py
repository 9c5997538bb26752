"""§9 stores and their versioned policies."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from recourse.domain.accounts import Store
from recourse.domain.policy import PolicyVersion, StorePolicy


class Stores(Protocol):
    def add(self, name: str, country: str, created_at: datetime) -> int: ...
    def get(self, store_id: int) -> Store | None: ...
    def add_policy_version(
        self, store_id: int, policy: StorePolicy, effective_from: datetime
    ) -> PolicyVersion: ...
    def policy_versions(self, store_id: int) -> list[PolicyVersion]: ...
    def policy_version(self, version_id: int) -> PolicyVersion | None: ...
