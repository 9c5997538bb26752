"""M3/M4 webhooks: endpoints the operator registers, fan-out of events, attempts, replay.

An event is fanned out to its subscribers in one transaction: a delivery per endpoint and an
outbox message per delivery. The worker sends each with no transaction open and records the
attempt afterwards (Standard Webhooks signing and the HTTP call live in the worker).
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from recourse.domain.errors import InvalidInput, NotFound, RuleConflict
from recourse.domain.roles import (
    Actor,
    OperatorTask,
    check_operator,
    check_sees_webhook_deliveries,
)
from recourse.domain.webhooks import SCHEMES, Refusal, Refused, url_refusal
from recourse.services.events import EVENT_TYPES
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import WebhookUnitOfWork
from recourse.services.ports.webhooks import WebhookAttempt

SEND = "webhook"
ALL = "*"
SECRET_BYTES = 32
MAX_URL = 500
MAX_DESCRIPTION = 300
RESPONSE_EXCERPT = 200


class DeliveryStatus(StrEnum):
    pending = "pending"
    delivered = "delivered"
    failed = "failed"
    dead = "dead"
    skipped = "skipped"


@dataclass(frozen=True, slots=True)
class CreatedEndpoint:
    """The only moment the whole secret is shown."""

    id: int
    secret: str


@dataclass(frozen=True, slots=True)
class Outgoing:
    """What the worker sends for one attempt."""

    delivery_id: int
    event_id: str
    url: str
    secret: str
    payload: dict[str, Any]


def catalogue() -> dict[str, str]:
    return dict(EVENT_TYPES)


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and base64 of random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def subscribes(patterns: Sequence[str], event_type: str) -> bool:
    """`*` is every type, `refund.*` every refund type, otherwise the exact type."""
    family = event_type.split(".", 1)[0] + ".*"
    return any(p in (ALL, family, event_type) for p in patterns)


def subscribable() -> list[str]:
    """What an endpoint may subscribe to: `*`, a family such as `refund.*`, or a type."""
    families = sorted({t.split(".", 1)[0] + ".*" for t in EVENT_TYPES})
    return [ALL, *families, *EVENT_TYPES]


def check_events(events: Sequence[str]) -> list[str]:
    """Known types only, each once; the error names the offending index and the catalogue."""
    if not events:
        raise InvalidInput("events", "webhook_events_missing", allowed=subscribable())
    allowed = set(subscribable())
    for i, value in enumerate(events):
        if value not in allowed:
            raise InvalidInput(
                f"events[{i}]",
                "webhook_event_unknown",
                event_type=value,
                allowed=subscribable(),
            )
    return list(dict.fromkeys(events))


def refusal_facts(refused: Refused, *, resolved: bool = False) -> dict[str, Any]:
    """T2 as facts (`recourse.texts` words them): why, the host as written, the address it
    denotes; `resolved` when the address is what the host name resolved to."""
    facts: dict[str, Any] = {"reason": str(refused.reason), "host": refused.host}
    if refused.address is not None:
        facts["address"] = str(refused.address)
    if resolved:
        facts["resolved"] = True
    return facts


def check_url(url: str, *, allow_private: bool = False) -> str:
    """M3, T2: an http(s) URL without credentials whose host is a name or a public address
    (any address when `allow_private`); a name is checked again when it is resolved."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        valid = bool(parts.netloc)
    except ValueError:
        parts, valid = urlsplit(""), False
    if not valid or any(ch.isspace() or not ch.isprintable() for ch in url):
        reason = Refusal.host if parts.scheme in SCHEMES else Refusal.scheme
        raise InvalidInput("url", "webhook_url_invalid", reason=str(reason))
    if len(url) > MAX_URL:
        raise InvalidInput("url", "webhook_url_too_long")
    refused = url_refusal(url, allow_private=allow_private)
    if refused is not None:
        raise InvalidInput("url", "webhook_url_refused", **refusal_facts(refused))
    return url


def check_description(description: str | None) -> str | None:
    text = (description or "").strip()
    if len(text) > MAX_DESCRIPTION:
        raise InvalidInput("description", "webhook_description_too_long")
    return text or None


def register_endpoint(
    uow: WebhookUnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    url: str,
    events: Sequence[str],
    description: str | None = None,
) -> CreatedEndpoint:
    """M3: the operator registers an endpoint and picks the event types it receives."""
    check_operator(actor, OperatorTask.manage_webhooks)
    clean_url = check_url(url, allow_private=ctx.webhook_allow_private)
    types = check_events(events)
    text = check_description(description)
    secret = new_secret()
    with uow:
        endpoint_id = uow.webhooks.add_endpoint(
            url=clean_url, description=text, secret=secret, events=types, created_at=ctx.clock.now()
        )
        uow.commit()
    return CreatedEndpoint(endpoint_id, secret)


def update_endpoint(
    uow: WebhookUnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    endpoint_id: int,
    url: str | None = None,
    events: Sequence[str] | None = None,
    active: bool | None = None,
    description: str | None = None,
) -> None:
    """M3: change where an endpoint points, what it receives, or disable it; None keeps a value.

    An empty `description` clears it. A disabled endpoint gets no new deliveries, and queued
    ones are skipped."""
    check_operator(actor, OperatorTask.manage_webhooks)
    values: dict[str, Any] = {}
    if url is not None:
        values["url"] = check_url(url, allow_private=ctx.webhook_allow_private)
    if events is not None:
        values["events"] = check_events(events)
    if active is not None:
        values["active"] = active
    if description is not None:
        values["description"] = check_description(description)
    with uow:
        if uow.webhooks.endpoint(endpoint_id) is None:
            raise NotFound("webhook_endpoint_not_found", endpoint_id=endpoint_id)
        if values:
            uow.webhooks.update_endpoint(endpoint_id, **values)
        uow.commit()


def fan_out(uow: WebhookUnitOfWork, ctx: Context, *, event_id: str) -> list[int]:
    """M4: one delivery and one outbox message per subscribed endpoint; repeating adds nothing."""
    with uow:
        found = uow.webhooks.event(event_id)
        if found is None:
            raise NotFound("webhook_event_not_found", event_id=event_id)
        event_type, created_at, _ = found
        now = ctx.clock.now()
        delivery_ids = []
        for endpoint in uow.webhooks.active_endpoints(created_by=created_at):
            if not subscribes(endpoint.events, event_type):
                continue
            delivery_id = uow.webhooks.add_delivery(endpoint.id, event_id, now)
            uow.outbox.add(
                SEND,
                {"delivery_id": delivery_id},
                available_at=now,
                dedupe_key=f"webhook:{delivery_id}:0",
            )
            delivery_ids.append(delivery_id)
        uow.commit()
    return delivery_ids


def outgoing(
    uow: WebhookUnitOfWork, ctx: Context, *, delivery_id: int, replay: bool = False
) -> Outgoing | None:
    """What to send now, or None: gone, its endpoint disabled, or (unless this is a replay)
    already delivered, as when a worker died after recording the attempt."""
    with uow:
        delivery = uow.webhooks.delivery(delivery_id)
        if delivery is None or (delivery.status == DeliveryStatus.delivered and not replay):
            return None
        endpoint = uow.webhooks.endpoint(delivery.endpoint_id)
        event = uow.webhooks.event(delivery.event_id)
        assert endpoint is not None and event is not None
        if not endpoint.active:
            uow.webhooks.update_delivery(
                delivery_id,
                status=str(DeliveryStatus.skipped),
                next_attempt_at=None,
                last_error="The endpoint was disabled; replay to send it.",
            )
            uow.commit()
            return None
        return Outgoing(delivery.id, delivery.event_id, endpoint.url, endpoint.secret, event[2])


def record_attempt(
    uow: WebhookUnitOfWork,
    ctx: Context,
    *,
    delivery_id: int,
    attempt: WebhookAttempt,
    retry_at: datetime | None,
) -> DeliveryStatus:
    """M3: every attempt is kept; a 2xx delivers, anything else waits for `retry_at` or dies."""
    ok = attempt.status_code is not None and 200 <= attempt.status_code < 300
    if ok:
        status = DeliveryStatus.delivered
    elif retry_at is None:
        status = DeliveryStatus.dead
    else:
        status = DeliveryStatus.failed
    with uow:
        delivery = uow.webhooks.delivery(delivery_id, for_update=True)
        if delivery is None:
            raise NotFound("webhook_delivery_not_found", delivery_id=delivery_id)
        excerpt = attempt.response_excerpt
        uow.webhooks.add_attempt(
            delivery_id,
            WebhookAttempt(
                at=attempt.at,
                status_code=attempt.status_code,
                duration_ms=attempt.duration_ms,
                error=attempt.error[:2000] if attempt.error else None,
                response_excerpt=excerpt[:RESPONSE_EXCERPT] if excerpt else None,
            ),
        )
        values: dict[str, Any] = {
            "status": str(status),
            "attempts": delivery.attempts + 1,
            "last_status_code": attempt.status_code,
            "last_error": attempt.error[:2000] if attempt.error else None,
            "next_attempt_at": retry_at if status is DeliveryStatus.failed else None,
        }
        if ok:
            values["delivered_at"] = attempt.at
        uow.webhooks.update_delivery(delivery_id, **values)
        uow.commit()
    return status


def replay_delivery(
    uow: WebhookUnitOfWork, ctx: Context, *, actor: Actor, delivery_id: int
) -> None:
    """M3: send a delivery again now, whatever its status; receivers de-duplicate by event id."""
    check_sees_webhook_deliveries(actor, delivery_id=delivery_id)
    now = ctx.clock.now()
    with uow:
        delivery = uow.webhooks.delivery(delivery_id, for_update=True)
        if delivery is None:
            raise NotFound("webhook_delivery_not_found", delivery_id=delivery_id)
        endpoint = uow.webhooks.endpoint(delivery.endpoint_id)
        assert endpoint is not None
        if not endpoint.active:
            raise RuleConflict(
                "endpoint_disabled",
                endpoint_id=endpoint.id,
            )
        uow.webhooks.update_delivery(
            delivery_id, status=str(DeliveryStatus.pending), next_attempt_at=now
        )
        # Each replay is its own message; the random part keeps it apart from earlier replays.
        uow.outbox.add(
            SEND,
            {"delivery_id": delivery_id, "replay": True},
            available_at=now,
            dedupe_key=f"webhook:{delivery_id}:replay:{secrets.token_hex(8)}",
        )
        uow.commit()
