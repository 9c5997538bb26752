"""Platform-wide settings of the operator: windows and refund settlement profiles."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter
from pydantic import StrictInt

from recourse.domain.order import PaymentMethod
from recourse.services import platform
from recourse.web.api.schemas import Strict
from recourse.web.deps import ApiActor, ContainerDep, OperatorActor

router = APIRouter(tags=["platform"])


class ProfileIn(Strict):
    min_business_days: StrictInt
    max_business_days: StrictInt


@router.get("/platform-policy")
def get_platform_policy(_: ApiActor, c: ContainerDep) -> Any:
    with c.uow() as uow:
        return asdict(uow.platform.policy())


@router.put("/platform-policy")
def put_platform_policy(body: dict[str, Any], actor: OperatorActor, c: ContainerDep) -> Any:
    """Partial update, e.g. `{"protection_days": 90}`; unknown names answer 422."""
    return asdict(platform.update_platform_policy(c.uow(), actor=actor, changes=body))


def _profile_json(method: str, lo: int, hi: int) -> dict[str, Any]:
    return {"method": method, "min_business_days": lo, "max_business_days": hi}


@router.get("/settlement-profiles")
def get_profiles(_: ApiActor, c: ContainerDep) -> Any:
    with c.uow() as uow:
        profiles = [uow.settlement.profile(str(method)) for method in PaymentMethod]
    return {
        "data": [
            _profile_json(str(p.method), p.min_business_days, p.max_business_days) for p in profiles
        ]
    }


@router.put("/settlement-profiles/{method}")
def put_profile(method: str, body: ProfileIn, actor: OperatorActor, c: ContainerDep) -> Any:
    p = platform.set_settlement_profile(
        c.uow(),
        actor=actor,
        method=method,
        min_business_days=body.min_business_days,
        max_business_days=body.max_business_days,
    )
    return _profile_json(str(p.method), p.min_business_days, p.max_business_days)
