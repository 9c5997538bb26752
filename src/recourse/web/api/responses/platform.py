"""Platform-wide settings of the operator, and the payment gateways' side of the API."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from recourse.domain.order import PaymentMethod
from recourse.domain.refund import RefundStatus
from recourse.web.api.responses.common import ResponseBody


class PlatformPolicy(ResponseBody):
    """Operator-wide windows (§2, §3, §5, §7)."""

    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)

    payment_window_hours: int
    payment_review_hours: int
    cancel_grace_minutes: int
    overdue_autocancel_days: int
    protection_days: int
    not_received_after_days: int
    dispute_after_completion_days: int
    dispute_response_days: int
    negotiation_days: int
    support_sla_hours: int
    appeal_days: int
    remind_before_hours: int
    returned_parcel_refund_days: int
    return_ship_days: int
    refund_after_receipt_business_days: int
    protection_extension_max_days: int
    message_digest_minutes: int
    evidence_unattached_hours: int
    escalation_window_days: int
    no_scan_flag_hours: int


class SettlementProfile(ResponseBody):
    """F5: business days from a refund to the buyer's statement, for one payment method."""

    method: PaymentMethod
    min_business_days: int
    max_business_days: int


class SettlementProfileList(ResponseBody):
    data: list[SettlementProfile]


class SandboxSettings(ResponseBody):
    """How the sandbox gateway behaves (tests and demos)."""

    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)

    fail_next: int = Field(description="this many calls fail (503)")
    fail_always: bool = Field(description="every call fails (503)")
    decline_always: bool = Field(description="every refund is declined")
    settle_seconds: int = Field(description="time a refund takes to succeed")
    webhook_secret: str = Field(description="this install's secret for the sandbox's webhooks")


class GatewayWebhookApplied(ResponseBody):
    """The message was about one of our refunds; `status` is the refund's status after it."""

    received: Literal[True]
    refund_id: int
    status: RefundStatus


class GatewayWebhookIgnored(ResponseBody):
    """Acknowledged, so the provider stops resending it, and otherwise ignored."""

    received: Literal[True]
    ignored: Literal[True]


GatewayWebhookAnswer = GatewayWebhookApplied | GatewayWebhookIgnored
