"""The operator's platform-wide data: windows (§2 to §5) and settlement profiles (F5)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from recourse.domain.policy import PlatformPolicy, make_platform_policy
from recourse.domain.roles import Actor, OperatorTask, check_operator
from recourse.domain.settlement import SettlementProfile, make_profile
from recourse.services.ports.unit_of_work import UnitOfWork


def update_platform_policy(
    uow: UnitOfWork, *, actor: Actor, changes: dict[str, Any]
) -> PlatformPolicy:
    """Every window is data: the operator changes it here, never in code."""
    check_operator(actor, OperatorTask.change_platform_settings)
    with uow:
        policy = make_platform_policy(changes, uow.platform.policy())
        uow.platform.set_values({k: int(v) for k, v in asdict(policy).items() if k in changes})
        uow.commit()
    return policy


def set_settlement_profile(
    uow: UnitOfWork, *, actor: Actor, method: str, min_business_days: int, max_business_days: int
) -> SettlementProfile:
    """F5: how long each payment method takes to show a refund on the statement."""
    check_operator(actor, OperatorTask.change_settlement_profiles)
    profile = make_profile(method, min_business_days, max_business_days)
    with uow:
        uow.settlement.set_profile(profile)
        uow.commit()
    return profile
