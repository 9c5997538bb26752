"""Webhooks on the worker: fan an event out, then POST each delivery signed per Standard Webhooks.

The attempt is read (txn 1), sent with no transaction open, and recorded (txn 2) before a
failure is raised, so the outbox retries it with back-off and the attempt log misses nothing.
"""

from __future__ import annotations

import functools
import json
import ssl
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, cast

import certifi
import httpx
from standardwebhooks import Webhook

from recourse.db.outbox import Claimed
from recourse.services import webhooks
from recourse.services.ports import WebhookAttempt, WebhookUnitOfWork

if TYPE_CHECKING:
    from recourse.worker.runner import WorkerDeps

TIMEOUT_SECONDS = 10.0
USER_AGENT = "Recourse-Webhooks/1"
READ_LIMIT = 4096


class WebhookNotDelivered(Exception):
    """The endpoint did not answer 2xx: the outbox tries again later."""


@functools.cache
def _tls() -> ssl.SSLContext:
    """Loading the CA bundle takes longer than most deliveries: do it once per process."""
    return ssl.create_default_context(cafile=certifi.where())


def _uow(deps: WorkerDeps) -> WebhookUnitOfWork:
    return cast(WebhookUnitOfWork, deps.uow_factory())


def deliver(deps: WorkerDeps, message: Claimed, retry_after: Callable[[int], timedelta]) -> None:
    """Send one attempt; `retry_after` is the outbox's back-off, so both agree on the next try."""
    delivery_id = int(message.payload["delivery_id"])
    out = webhooks.outgoing(
        _uow(deps),
        deps.ctx,
        delivery_id=delivery_id,
        replay=bool(message.payload.get("replay", False)),
    )
    if out is None:
        return
    at = deps.ctx.clock.now()
    attempt = send(out, at)
    limit = deps.max_attempts_by_kind.get(message.kind, deps.max_attempts)
    now = deps.ctx.clock.now()
    retry_at = None if message.attempts >= limit else now + retry_after(message.attempts)
    status = webhooks.record_attempt(
        _uow(deps), deps.ctx, delivery_id=delivery_id, attempt=attempt, retry_at=retry_at
    )
    if status is not webhooks.DeliveryStatus.delivered:
        raise WebhookNotDelivered(
            f"delivery {delivery_id} to {out.url}: {attempt.error or attempt.status_code}"
        )


def signed_request(out: webhooks.Outgoing) -> tuple[bytes, dict[str, str]]:
    """The body and headers; the timestamp is wall-clock time, which receivers check theirs
    against (the business clock may be a demo clock far ahead)."""
    body = json.dumps(out.payload, separators=(",", ":"), ensure_ascii=False)
    timestamp = datetime.now(UTC)
    signature = Webhook(out.secret).sign(out.event_id, timestamp, body)
    headers = {
        "webhook-id": out.event_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }
    return body.encode(), headers


def send(out: webhooks.Outgoing, at: datetime) -> WebhookAttempt:
    body, headers = signed_request(out)
    started = time.monotonic()
    status_code: int | None = None
    error: str | None = None
    excerpt: str | None = None
    try:
        with (
            httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False, verify=_tls()) as client,
            client.stream("POST", out.url, content=body, headers=headers) as response,
        ):
            status_code = response.status_code
            received = b""
            for chunk in response.iter_bytes():
                received += chunk
                if len(received) >= READ_LIMIT:
                    break
            excerpt = (
                received.decode("utf-8", errors="replace")[: webhooks.RESPONSE_EXCERPT] or None
            )
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    duration_ms = int((time.monotonic() - started) * 1000)
    if status_code is not None and not 200 <= status_code < 300:
        error = f"The endpoint answered HTTP {status_code}."
    return WebhookAttempt(
        at=at,
        status_code=status_code,
        duration_ms=duration_ms,
        error=error,
        response_excerpt=excerpt,
    )
