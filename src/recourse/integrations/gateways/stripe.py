"""The Stripe adapter (F6): refunds through Stripe's Refunds API, status from its webhooks.

Our worker does the retrying (F3), so the client makes a single attempt with a short timeout.
What may work when repeated (network errors, timeouts, 409 key in use, 429, 5xx, a bad API
key) raises `GatewayUnavailable`; what Stripe refuses for good (card and invalid-request
errors) comes back as a `failed` answer, which goes to support instead of being retried.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import stripe

from recourse.domain.errors import InvalidInput, InvalidSignature
from recourse.services.ports import GatewayRefund, GatewayStatus, GatewayUnavailable

STATUSES: Mapping[str, GatewayStatus] = {
    "pending": GatewayStatus.processing,
    "requires_action": GatewayStatus.processing,
    "succeeded": GatewayStatus.succeeded,
    "failed": GatewayStatus.failed,
    "canceled": GatewayStatus.failed,
}
REFUND_EVENTS = frozenset({"refund.updated", "refund.failed", "charge.refund.updated"})
PERMANENT_ERRORS = (stripe.CardError, stripe.InvalidRequestError, stripe.IdempotencyError)


WebhookSignatureInvalid = InvalidSignature


def refund_answer(refund: Mapping[str, Any]) -> GatewayRefund:
    """What a Stripe refund object says, in the port's terms."""
    stripe_status = str(refund.get("status") or "pending")
    # A status Stripe adds later is treated as unsettled: the worker keeps asking.
    status = STATUSES.get(stripe_status, GatewayStatus.processing)
    failure = None
    if status is GatewayStatus.failed:
        failure = f"stripe: refund {stripe_status} ({refund.get('failure_reason') or 'no reason'})"
    return GatewayRefund(
        reference=str(refund["id"]),
        status=status,
        trace_number=_trace_number(refund),
        failure_reason=failure,
    )


def _trace_number(refund: Mapping[str, Any]) -> str | None:
    """The ARN or bank reference, under `destination_details.<type>.reference` once known."""
    details = refund.get("destination_details") or {}
    method = details.get(str(details.get("type"))) or {}
    reference = method.get("reference") if isinstance(method, Mapping) else None
    return str(reference) if reference else None


def _describe(exc: stripe.StripeError) -> str:
    status = f"HTTP {exc.http_status}" if exc.http_status else type(exc).__name__
    code = f" [{exc.code}]" if exc.code else ""
    return f"stripe: {status}{code}: {exc}"


class StripeGateway:
    name = "stripe"

    def __init__(
        self,
        *,
        api_key: str,
        api_base: str | None = None,
        webhook_secret: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.webhook_secret = webhook_secret
        self.client = stripe.StripeClient(
            api_key,
            base_addresses={"api": api_base} if api_base else None,
            max_network_retries=0,
            http_client=stripe.RequestsClient(timeout=timeout),
        )

    def create_refund(
        self,
        *,
        idempotency_key: str,
        payment_reference: str | None,
        amount: int,
        currency: str,
        metadata: Mapping[str, str],
    ) -> GatewayRefund:
        if not payment_reference:
            return GatewayRefund(
                reference=idempotency_key,
                status=GatewayStatus.failed,
                failure_reason="stripe: the payment has no charge or payment intent to refund",
            )
        params: stripe.params.RefundCreateParams = {"amount": amount, "metadata": dict(metadata)}
        if payment_reference.startswith("ch_"):
            params["charge"] = payment_reference
        else:
            params["payment_intent"] = payment_reference
        try:
            refund = self.client.v1.refunds.create(
                params, options={"idempotency_key": idempotency_key}
            )
        except PERMANENT_ERRORS as exc:
            return GatewayRefund(
                reference=idempotency_key,
                status=GatewayStatus.failed,
                failure_reason=_describe(exc),
            )
        except stripe.StripeError as exc:
            raise GatewayUnavailable(_describe(exc)) from exc
        return refund_answer(refund.to_dict())

    def retrieve_refund(self, reference: str) -> GatewayRefund:
        try:
            refund = self.client.v1.refunds.retrieve(reference)
        except stripe.InvalidRequestError as exc:
            raise LookupError(f"stripe: no refund {reference}: {exc}") from exc
        except stripe.StripeError as exc:
            raise GatewayUnavailable(_describe(exc)) from exc
        return refund_answer(refund.to_dict())

    def verify_webhook(self, payload: bytes, signature_header: str) -> dict[str, Any]:
        """The event Stripe sent, once its `Stripe-Signature` proves it came from Stripe."""
        if not self.webhook_secret:
            raise WebhookSignatureInvalid("gateway.stripe_secret_missing")
        try:
            event = stripe.Webhook.construct_event(payload, signature_header, self.webhook_secret)
        except stripe.SignatureVerificationError as exc:
            raise WebhookSignatureInvalid(
                "gateway.stripe_signature_mismatch", detail=f"{exc.user_message}"
            ) from exc
        except ValueError as exc:
            raise InvalidInput("body", "gateway.stripe_not_an_event", detail=str(exc)) from exc
        result: dict[str, Any] = event.to_dict()
        return result

    def webhook_refund(self, event: Mapping[str, Any]) -> GatewayRefund | None:
        """The refund a verified event reports on; None for events we do not follow."""
        if event.get("type") not in REFUND_EVENTS:
            return None
        refund = (event.get("data") or {}).get("object") or {}
        if refund.get("object") != "refund" or not refund.get("id"):
            return None
        return refund_answer(refund)
