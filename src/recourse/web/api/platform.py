"""Platform-wide settings of the operator: windows and refund settlement profiles."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from pydantic import Field, StrictInt

from recourse.domain.order import PaymentMethod
from recourse.domain.policy import WINDOW_LIMITS
from recourse.services import platform
from recourse.web.api.fields import WHOLE
from recourse.web.api.responses.platform import (
    PlatformPolicy,
    SettlementProfile,
    SettlementProfileList,
)
from recourse.web.api.schemas import Strict
from recourse.web.deps import ApiActor, ContainerDep, OperatorActor
from recourse.web.routers import api_router

router = api_router("platform")


class ProfileIn(Strict):
    """F5: `min_business_days` ≤ `max_business_days` ≤ 60."""

    min_business_days: Annotated[StrictInt, Field(ge=0, le=60), WHOLE]
    max_business_days: Annotated[StrictInt, Field(ge=0, le=60), WHOLE]


Window = Annotated[StrictInt, Field(ge=WINDOW_LIMITS[0], le=WINDOW_LIMITS[1]), WHOLE]


class PlatformPolicyIn(Strict):
    """Only the windows given change; left out (or null) keeps the current value."""

    payment_window_hours: Window | None = None
    payment_review_hours: Window | None = None
    cancel_grace_minutes: Window | None = None
    overdue_autocancel_days: Window | None = None
    protection_days: Window | None = None
    not_received_after_days: Window | None = None
    dispute_after_completion_days: Window | None = None
    dispute_response_days: Window | None = None
    negotiation_days: Window | None = None
    support_sla_hours: Window | None = None
    appeal_days: Window | None = None
    remind_before_hours: Window | None = None
    returned_parcel_refund_days: Window | None = None
    return_ship_days: Window | None = None
    refund_after_receipt_business_days: Window | None = None
    protection_extension_max_days: Window | None = None
    message_digest_minutes: Window | None = None
    evidence_unattached_hours: Window | None = None
    escalation_window_days: Window | None = None
    no_scan_flag_hours: Window | None = None

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


@router.get("/platform-policy")
def get_platform_policy(_: ApiActor, c: ContainerDep) -> PlatformPolicy:
    with c.uow() as uow:
        return PlatformPolicy(**asdict(uow.platform.policy()))


@router.put("/platform-policy")
def put_platform_policy(
    body: PlatformPolicyIn, actor: OperatorActor, c: ContainerDep
) -> PlatformPolicy:
    """Partial update, e.g. `{"protection_days": 90}`; unknown names answer 422."""
    changed = platform.update_platform_policy(c.uow(), actor=actor, changes=body.changes())
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
    method: PaymentMethod, body: ProfileIn, actor: OperatorActor, c: ContainerDep
) -> SettlementProfile:
    p = platform.set_settlement_profile(
        c.uow(),
        actor=actor,
        method=str(method),
        min_business_days=body.min_business_days,
        max_business_days=body.max_business_days,
    )
    return _profile(str(p.method), p.min_business_days, p.max_business_days)
