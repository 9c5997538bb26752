"""§9 store policy (versioned) and the operator's platform-wide values.

Every number here is a default; stores and the operator override them as data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from recourse.domain.errors import InvalidInput


class BuyerCancel(StrEnum):
    instant = "instant"
    approval = "approval"


@dataclass(frozen=True, slots=True)
class StorePolicy:
    """P: what a store promises its buyers."""

    buyer_cancel: BuyerCancel = BuyerCancel.approval
    cancel_response_hours: int = 48
    allow_partial_cancel: bool = False
    processing_days: int = 7
    accepts_remorse_returns: bool = True
    return_window_days: int = 30
    restocking_fee_percent: int = 0
    buyer_pays_remorse_return_shipping: bool = True
    return_response_business_days: int = 3

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["buyer_cancel"] = str(self.buyer_cancel)
        return data


# The bounds of a policy's numbers (the API's schema states them too).
POLICY_LIMITS: dict[str, tuple[int, int]] = {
    "cancel_response_hours": (1, 24 * 30),
    "processing_days": (1, 60),
    "return_window_days": (0, 365),
    "restocking_fee_percent": (0, 100),
    "return_response_business_days": (1, 30),
}


def make_policy(values: dict[str, Any], base: StorePolicy | None = None) -> StorePolicy:
    """Validate and build a policy from partial values over `base` (or the defaults)."""
    current = base or StorePolicy()
    known = {f.name for f in fields(StorePolicy)}
    changes: dict[str, Any] = {}
    for name, value in values.items():
        if name not in known:
            raise InvalidInput(f"policy.{name}", "policy_field_unknown")
        if name == "buyer_cancel":
            try:
                changes[name] = BuyerCancel(value)
            except ValueError:
                raise InvalidInput("policy.buyer_cancel", "policy_buyer_cancel_choice") from None
        elif isinstance(getattr(current, name), bool):
            if not isinstance(value, bool):
                raise InvalidInput(f"policy.{name}", "policy_not_boolean")
            changes[name] = value
        else:
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidInput(f"policy.{name}", "policy_not_whole")
            low, high = POLICY_LIMITS[name]
            if not low <= value <= high:
                raise InvalidInput(f"policy.{name}", "policy_out_of_range", min=low, max=high)
            changes[name] = value
    return replace(current, **changes)


@dataclass(frozen=True, slots=True)
class PolicyVersion:
    id: int
    store_id: int
    version: int
    effective_from: datetime
    policy: StorePolicy


def policy_in_force(versions: Sequence[PolicyVersion], at: datetime) -> PolicyVersion:
    """§9: the version in force at `at` (the payment time governs an order)."""
    eligible = [v for v in versions if v.effective_from <= at]
    if not eligible:
        return min(versions, key=lambda v: v.version)
    return max(eligible, key=lambda v: (v.effective_from, v.version))


@dataclass(frozen=True, slots=True)
class PlatformPolicy:
    """Operator-wide windows (§2, §3, §5, §7)."""

    payment_window_hours: int = 72
    payment_review_hours: int = 24
    cancel_grace_minutes: int = 30
    overdue_autocancel_days: int = 3
    protection_days: int = 60
    not_received_after_days: int = 30
    dispute_after_completion_days: int = 15
    dispute_response_days: int = 5
    negotiation_days: int = 7
    support_sla_hours: int = 48
    appeal_days: int = 30
    remind_before_hours: int = 24
    returned_parcel_refund_days: int = 5
    return_ship_days: int = 10
    refund_after_receipt_business_days: int = 2
    protection_extension_max_days: int = 30
    message_digest_minutes: int = 15
    """M1: unread messages are emailed in one digest this long after the first of a batch."""
    evidence_unattached_hours: int = 24
    escalation_window_days: int = 30
    """D1: a refused cancellation of an order that never shipped may be disputed this long."""
    no_scan_flag_hours: int = 72
    """C10: a parcel the carrier has not scanned this long after it was said to ship is flagged."""

    @classmethod
    def from_overrides(cls, overrides: dict[str, int]) -> PlatformPolicy:
        known = {f.name for f in fields(cls)}
        return cls(**{k: int(v) for k, v in overrides.items() if k in known})


# The bounds of every platform-wide window (hours, minutes or days alike).
WINDOW_LIMITS = (1, 100_000)


def make_platform_policy(values: dict[str, Any], base: PlatformPolicy) -> PlatformPolicy:
    """Validate the operator's platform-wide windows: known names, whole numbers ≥ 1."""
    known = {f.name for f in fields(PlatformPolicy)}
    changes: dict[str, int] = {}
    for name, value in values.items():
        if name not in known:
            raise InvalidInput(name, "platform_setting_unknown", allowed=sorted(known))
        low, high = WINDOW_LIMITS
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidInput(name, "platform_setting_out_of_range")
        changes[name] = value
    return replace(base, **changes)
