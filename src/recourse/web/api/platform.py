"""Platform-wide settings of the operator: windows and refund settlement profiles."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter
from pydantic import Field, StrictInt

from recourse.domain.order import PaymentMethod
from recourse.services import platform
from recourse.web.api.responses.platform import (
    PlatformPolicy,
    SettlementProfile,
    SettlementProfileList,
)
from recourse.web.api.schemas import Strict
from recourse.web.deps import ApiActor, ContainerDep, OperatorActor

router = APIRouter(tags=["platform"])


class ProfileIn(Strict):
    min_business_days: StrictInt = Field(ge=0, le=60)
    max_business_days: StrictInt = Field(ge=0, le=60)


@router.get("/platform-policy")
def get_platform_policy(_: ApiActor, c: ContainerDep) -> PlatformPolicy:
    with c.uow() as uow:
        return PlatformPolicy(**asdict(uow.platform.policy()))


@router.put("/platform-policy")
def put_platform_policy(
    body: dict[str, Any], actor: OperatorActor, c: ContainerDep
) -> PlatformPolicy:
    """Partial update, e.g. `{"protection_days": 90}`; unknown names answer 422."""
    changed = platform.update_platform_policy(c.uow(), actor=actor, changes=body)
    return PlatformPolicy(**asdict(changed))


def _profile(method: str, lo: int, hi: int) -> SettlementProfile:
    return SettlementProfile(method=method, min_business_days=lo, max_business_days=hi)


@router.get("/settlement-profiles")
def get_profiles(_: ApiActor, c: ContainerDep) -> SettlementProfileList:
    with c.uow() as uow:
        profiles = [uow.settlement.profile(str(method)) for method in PaymentMethod]
    return SettlementProfileList(
        data=[_profile(str(p.method), p.min_business_days, p.max_business_days) for p in profiles]
    )


@router.put("/settlement-profiles/{method}")
def put_profile(
    method: str, body: ProfileIn, actor: OperatorActor, c: ContainerDep
) -> SettlementProfile:
    p = platform.set_settlement_profile(
        c.uow(),
        actor=actor,
        method=method,
        min_business_days=body.min_business_days,
        max_business_days=body.max_business_days,
    )
    return _profile(str(p.method), p.min_business_days, p.max_business_days)
