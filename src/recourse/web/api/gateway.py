"""Payment gateways (F6): refund status webhooks from providers, and the sandbox's controls."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, replace
from typing import Annotated, Literal

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, Field, StrictBool, StrictInt, ValidationError
from standardwebhooks import Webhook, WebhookVerificationError

from recourse.container import Container
from recourse.domain.errors import InvalidInput, InvalidSignature, NotFound
from recourse.integrations.gateways.sandbox import SandboxGateway, webhook_secret
from recourse.services import refunds
from recourse.services.ports import GatewayRefund, GatewayStatus
from recourse.web.api.fields import WHOLE
from recourse.web.api.responses.platform import (
    GatewayWebhookAnswer,
    GatewayWebhookApplied,
    GatewayWebhookIgnored,
    SandboxSettings,
)
from recourse.web.deps import ContainerDep, OperatorActor
from recourse.web.errors import ErrorBody
from recourse.web.routers import api_router

router = api_router("gateway")

IGNORED = GatewayWebhookIgnored(received=True, ignored=True)


async def raw_body(request: Request) -> bytes:
    """Signatures are over the exact bytes sent, so the body is read before any parsing."""
    return await request.body()


RawBody = Annotated[bytes, Depends(raw_body)]

# The signature is the provider's credential (either one, per gateway); RECEIVERS check it.
SIGNATURES = [
    Security(
        APIKeyHeader(
            name="Stripe-Signature",
            scheme_name="StripeSignature",
            description="`stripe`: Stripe's signature of the payload",
            auto_error=False,
        )
    ),
    Security(
        APIKeyHeader(
            name="webhook-signature",
            scheme_name="StandardWebhooksSignature",
            description="`sandbox`: Standard Webhooks, with `webhook-id` and `webhook-timestamp`",
            auto_error=False,
        )
    ),
]


class SandboxStatusIn(BaseModel):
    reference: str = Field(min_length=1, max_length=100)
    status: Literal["processing", "succeeded", "failed"]
    trace_number: str | None = Field(default=None, max_length=100)
    failure_reason: str | None = Field(default=None, max_length=500)


class SandboxSettingsIn(BaseModel):
    """Fields left out keep their current value."""

    fail_next: Annotated[StrictInt, Field(ge=0, le=1_000_000), WHOLE] | None = Field(
        default=None, description="fail this many calls (503)"
    )
    fail_always: StrictBool | None = Field(default=None, description="every call fails (503)")
    decline_always: StrictBool | None = Field(default=None, description="every refund is declined")
    settle_seconds: Annotated[StrictInt, Field(ge=0, le=30 * 24 * 3600), WHOLE] | None = Field(
        default=None, description="time to succeed (at most 30 days)"
    )


def _stripe_update(
    c: Container, payload: bytes, headers: Mapping[str, str]
) -> GatewayRefund | None:
    gateway = c.gateways.get("stripe")
    if gateway is None:
        raise NotFound("gateway.not_configured", gateway="stripe")
    # Stripe's SDK (~20 MB in every web process) loads only where a Stripe gateway is configured
    from recourse.integrations.gateways.stripe import StripeGateway

    assert isinstance(gateway, StripeGateway)
    event = gateway.verify_webhook(payload, headers.get("stripe-signature", ""))
    return gateway.webhook_refund(event)


def _sandbox_webhook_secret(c: Container) -> str:
    return webhook_secret(c.install_secret("sandbox-webhook"))


def _sandbox_update(
    c: Container, payload: bytes, headers: Mapping[str, str]
) -> GatewayRefund | None:
    try:
        Webhook(_sandbox_webhook_secret(c)).verify(payload, dict(headers), json_parse=False)
    except (WebhookVerificationError, ValueError) as exc:
        raise InvalidSignature("gateway.sandbox_signature_mismatch", detail=str(exc)) from exc
    try:
        update = SandboxStatusIn.model_validate_json(payload)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"]) or "body"
        raise InvalidInput(field, "gateway.webhook_field_invalid", detail=error["msg"]) from exc
    return GatewayRefund(
        reference=update.reference,
        status=GatewayStatus(update.status),
        trace_number=update.trace_number,
        failure_reason=update.failure_reason,
    )


RECEIVERS: Mapping[str, Callable[[Container, bytes, Mapping[str, str]], GatewayRefund | None]] = {
    "stripe": _stripe_update,
    "sandbox": _sandbox_update,
}


@router.post(
    "/gateway/{name}/webhook",
    dependencies=SIGNATURES,
    responses={503: {"model": ErrorBody, "description": "The gateway could not be asked"}},
)
def gateway_webhook(
    name: str, request: Request, payload: RawBody, c: ContainerDep
) -> GatewayWebhookAnswer:
    """F6/T1: a provider says a refund changed; the refund takes the status the provider's own
    API then confirms, never the one the message claims.

    `stripe`: a Stripe event signed in `Stripe-Signature`. `sandbox`: a JSON body
    `{"reference", "status", "trace_number"?}` signed per Standard Webhooks with this install's
    secret. The answer carries the confirmed status. Events about refunds we do not know are
    acknowledged and ignored, so the provider stops resending them; 503 when the provider could
    not be asked, so it sends the event again."""
    receive = RECEIVERS.get(name)
    if receive is None:
        raise NotFound("gateway.unknown", gateway=name)
    hint = receive(c, payload, request.headers)
    if hint is None:
        return IGNORED
    followed = refunds.follow_gateway_hint(c.uow(), c.ctx, gateway=c.gateways[name], hint=hint)
    if followed is None:
        return IGNORED
    refund_id, status = followed
    return GatewayWebhookApplied(received=True, refund_id=refund_id, status=status)


def _sandbox(c: Container) -> SandboxGateway:
    gateway = c.gateways.get("sandbox")
    if not isinstance(gateway, SandboxGateway):
        raise NotFound("gateway.not_configured", gateway="sandbox")
    return gateway


@router.get("/gateway/sandbox/settings")
def get_sandbox_settings(actor: OperatorActor, c: ContainerDep) -> SandboxSettings:
    """How the sandbox gateway behaves: outages, declines, time to settle (tests and demos), and
    the secret its status webhooks are signed with (this install's own)."""
    return SandboxSettings(
        **asdict(_sandbox(c).settings()), webhook_secret=_sandbox_webhook_secret(c)
    )


@router.put("/gateway/sandbox/settings")
def put_sandbox_settings(
    body: SandboxSettingsIn, actor: OperatorActor, c: ContainerDep
) -> SandboxSettings:
    """Tell the sandbox gateway to fail, decline or settle sooner (tests and demos)."""
    sandbox = _sandbox(c)
    sandbox.configure(replace(sandbox.settings(), **body.model_dump(exclude_none=True)))
    return SandboxSettings(**asdict(sandbox.settings()), webhook_secret=_sandbox_webhook_secret(c))
