"""Webhooks on the worker: fan an event out, then POST each delivery signed per Standard Webhooks.

The attempt is read (txn 1), sent with no transaction open, and recorded (txn 2) before a
failure is raised, so the outbox retries it with back-off and the attempt log misses nothing.

T2 at connect time: the endpoint's host, as the HTTP client parses it, is resolved once here,
every address is checked, and the request goes to the first of them (DNS rebinding cannot
swap in another between the check and the connection). The URL handed to httpx names that
address, so httpcore does no lookup of its own; the Host header is the one httpx would have
sent for the name, and the `sni_hostname` extension makes TLS send the name and verify the
certificate against it. No proxy from the environment (it would resolve the name itself), no
redirect followed, and only a short text excerpt of the reply is kept.
"""

from __future__ import annotations

import functools
import json
import re
import ssl
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import cast

import certifi
import httpx
from standardwebhooks import Webhook

from recourse.db.outbox import Claimed
from recourse.domain.webhooks import (
    SCHEMES,
    Refusal,
    Refused,
    address_refusal,
    host_address,
    host_refusal,
    url_refusal,
)
from recourse.i18n import ENGLISH
from recourse.services import webhooks
from recourse.services.ports import Resolver, WebhookAttempt, WebhookUnitOfWork
from recourse.texts.platform import url_refusal as refusal_sentence
from recourse.worker.deps import WorkerDeps

TIMEOUT_SECONDS = 10.0
USER_AGENT = "Recourse-Webhooks/1"
# Enough bytes for RESPONSE_EXCERPT characters in any UTF-8 text.
READ_LIMIT = 1024
TEXT = re.compile(r"text/[-+.\w]+|application/([-.\w]+\+)?(json|xml)")


class WebhookNotDelivered(Exception):
    """The endpoint did not answer 2xx: the outbox tries again later."""


class NotSent(Exception):
    """T2 refused the endpoint's address, or its host has no address: no request was made."""


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
    attempt = send(out, at, resolver=deps.resolver, allow_private=deps.ctx.webhook_allow_private)
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


def _refusal(refused: Refused, *, resolved: bool = False) -> str:
    """T2 in a sentence for the attempt's record (kept in English, as a log line is)."""
    return refusal_sentence(ENGLISH, webhooks.refusal_facts(refused, resolved=resolved))


def pinned(url: str, resolver: Resolver, *, allow_private: bool) -> tuple[httpx.URL, str, str]:
    """T2: the URL with its host replaced by the one checked address to connect to, and the
    Host header and TLS server name of the host as written. Raises NotSent."""
    refused = url_refusal(url, allow_private=allow_private)
    if refused is not None:
        raise NotSent(_refusal(refused))
    try:
        target = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise NotSent(f"The URL is not valid: {exc}.") from exc
    host = target.raw_host.decode("ascii")
    if target.scheme not in SCHEMES:
        refused = Refused(Refusal.scheme, host)
    elif target.userinfo:
        refused = Refused(Refusal.credentials, host)
    else:
        refused = host_refusal(host, allow_private=allow_private)
    if refused is not None:
        raise NotSent(_refusal(refused))
    literal = host_address(host)
    port = target.port or (443 if target.scheme == "https" else 80)
    try:
        addresses = [literal] if literal else resolver.resolve(host, port)
    except OSError as exc:
        raise NotSent(f"{host} could not be resolved: {exc}.") from exc
    if not addresses:
        raise NotSent(f"{host} has no address.")
    for address in addresses:
        reason = address_refusal(address)
        if reason is not None and not allow_private:
            refused = Refused(reason, host, address)
            raise NotSent(_refusal(refused, resolved=literal is None))
    return target.copy_with(host=str(addresses[0])), target.netloc.decode("ascii"), host


def excerpt_of(response: httpx.Response, received: bytes) -> str | None:
    """At most RESPONSE_EXCERPT printable characters of a text reply; nothing of any other."""
    kind = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind and not TEXT.fullmatch(kind):
        return None
    if response.headers.get("content-encoding", "identity").lower() != "identity":
        return None
    try:
        text = received.decode(response.charset_encoding or "utf-8", errors="replace")
    except LookupError:
        text = received.decode("utf-8", errors="replace")
    text = "".join(ch for ch in text if ch.isprintable() or ch in "\n\t")
    return text[: webhooks.RESPONSE_EXCERPT] or None


def send(
    out: webhooks.Outgoing,
    at: datetime,
    *,
    resolver: Resolver,
    allow_private: bool,
    tls: ssl.SSLContext | None = None,
) -> WebhookAttempt:
    """One POST to the checked address; a refused address is an attempt with no request."""
    body, headers = signed_request(out)
    started = time.monotonic()
    status_code: int | None = None
    error: str | None = None
    excerpt: str | None = None
    try:
        url, host_header, server_name = pinned(out.url, resolver, allow_private=allow_private)
        headers = {**headers, "host": host_header, "accept-encoding": "identity"}
        with (
            httpx.Client(
                timeout=TIMEOUT_SECONDS,
                follow_redirects=False,
                verify=tls or _tls(),
                trust_env=False,
            ) as client,
            client.stream(
                "POST",
                url,
                content=body,
                headers=headers,
                extensions={"sni_hostname": server_name},
            ) as response,
        ):
            status_code = response.status_code
            received = b""
            for chunk in response.iter_raw():
                received += chunk
                if len(received) >= READ_LIMIT or time.monotonic() - started > TIMEOUT_SECONDS:
                    break
            excerpt = excerpt_of(response, received[:READ_LIMIT])
    except NotSent as exc:
        error = f"Not sent. {exc}"
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    duration_ms = int((time.monotonic() - started) * 1000)
    if status_code is not None and 300 <= status_code < 400:
        error = (
            f"The endpoint answered HTTP {status_code}, a redirect. Redirects are not "
            "followed: register the URL it points to."
        )
    elif status_code is not None and not 200 <= status_code < 300:
        error = f"The endpoint answered HTTP {status_code}."
    return WebhookAttempt(
        at=at,
        status_code=status_code,
        duration_ms=duration_ms,
        error=error,
        response_excerpt=excerpt,
    )
