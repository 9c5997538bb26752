"""M3: the event feed, the operator's webhook endpoints and each delivery to them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


class Events(Protocol):
    def add(
        self, event_id: str, event_type: str, payload: Mapping[str, Any], at: datetime
    ) -> None: ...


@dataclass(frozen=True, slots=True)
class WebhookEndpoint:
    """M3: where the operator wants events sent, and which types."""

    id: int
    url: str
    description: str | None
    secret: str
    events: tuple[str, ...]
    active: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    """M3: one event on its way to one endpoint."""

    id: int
    endpoint_id: int
    event_id: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None


@dataclass(frozen=True, slots=True)
class WebhookAttempt:
    """M3: what happened when a delivery was tried once."""

    at: datetime
    status_code: int | None
    duration_ms: int
    error: str | None
    response_excerpt: str | None


class Webhooks(Protocol):
    def add_endpoint(
        self,
        *,
        url: str,
        description: str | None,
        secret: str,
        events: Sequence[str],
        created_at: datetime,
    ) -> int: ...
    def endpoint(self, endpoint_id: int) -> WebhookEndpoint | None: ...
    def update_endpoint(self, endpoint_id: int, **values: Any) -> None: ...
    def active_endpoints(self, created_by: datetime) -> list[WebhookEndpoint]: ...
    def event(self, event_id: str) -> tuple[str, datetime, dict[str, Any]] | None: ...
    def add_delivery(self, endpoint_id: int, event_id: str, created_at: datetime) -> int: ...
    def delivery(self, delivery_id: int, *, for_update: bool = False) -> WebhookDelivery | None: ...
    def update_delivery(self, delivery_id: int, **values: Any) -> None: ...
    def add_attempt(self, delivery_id: int, attempt: WebhookAttempt) -> None: ...
