"""F6: the payment provider's refunds API, and what it answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class GatewayStatus(StrEnum):
    processing = "processing"
    succeeded = "succeeded"
    failed = "failed"


@dataclass(frozen=True, slots=True)
class GatewayRefund:
    """What the provider says about a refund."""

    reference: str
    status: GatewayStatus
    trace_number: str | None = None
    failure_reason: str | None = None


class GatewayUnavailable(Exception):
    """A transient failure (network, timeout, 5xx, rate limit): the call may be repeated."""


class PaymentGateway(Protocol):
    """F6: a payment provider's refunds API. Calls are idempotent by `idempotency_key`."""

    name: str

    def create_refund(
        self,
        *,
        idempotency_key: str,
        payment_reference: str | None,
        amount: int,
        currency: str,
        metadata: Mapping[str, str],
    ) -> GatewayRefund: ...

    def retrieve_refund(self, reference: str) -> GatewayRefund: ...
