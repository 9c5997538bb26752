"""The operator's platform-wide data: windows (§2 to §5), settlement profiles (F5) and the
reason catalogue (C5)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from recourse.domain.policy import PlatformPolicy
from recourse.domain.reasons import Reason
from recourse.domain.settlement import SettlementProfile


class Platform(Protocol):
    def policy(self) -> PlatformPolicy: ...
    def set_values(self, values: Mapping[str, int]) -> None: ...


class Settlement(Protocol):
    def profile(self, method: str) -> SettlementProfile: ...
    def set_profile(self, profile: SettlementProfile) -> None: ...


class Reasons(Protocol):
    def get(self, code: str) -> Reason | None: ...
    def all(self, *, include_retired: bool = False, for_return: bool = False) -> list[Reason]: ...
    def add(self, reason: Reason) -> None: ...
    def set_active(self, code: str, active: bool) -> bool: ...
