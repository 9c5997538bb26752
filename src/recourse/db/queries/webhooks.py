"""M3 webhooks, read side: endpoints and deliveries with their attempt logs, for the API and
the pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from recourse.db import models as m
from recourse.db.repositories.webhooks import endpoint_types
from recourse.services.webhooks import RESPONSE_EXCERPT


@dataclass(frozen=True, slots=True)
class EndpointView:
    id: int
    url: str
    description: str | None
    events: list[str]
    active: bool
    created_at: datetime
    secret_hint: str


@dataclass(frozen=True, slots=True)
class AttemptView:
    id: int
    at: datetime
    status_code: int | None
    duration_ms: int
    error: str | None
    response_excerpt: str | None


@dataclass(frozen=True, slots=True)
class DeliveryView:
    id: int
    endpoint_id: int
    event_id: str
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    attempt_log: list[AttemptView]


@dataclass(frozen=True, slots=True)
class EndpointPage:
    items: list[EndpointView]
    next_cursor: int | None


@dataclass(frozen=True, slots=True)
class DeliveryPage:
    items: list[DeliveryView]
    next_cursor: int | None


def _endpoint_view(row: m.WebhookEndpointRow) -> EndpointView:
    return EndpointView(
        id=row.id,
        url=row.url,
        description=row.description,
        events=list(endpoint_types(row)),
        active=bool(row.active),
        created_at=row.created_at,
        secret_hint=row.secret[-4:],
    )


def list_endpoints(session: Session, *, cursor: int | None = None, limit: int = 50) -> EndpointPage:
    """Oldest first; the secret itself never leaves this module, only its last characters."""
    stmt = select(m.WebhookEndpointRow).order_by(m.WebhookEndpointRow.id).limit(limit + 1)
    if cursor is not None:
        stmt = stmt.where(m.WebhookEndpointRow.id > cursor)
    rows = list(session.scalars(stmt))
    more = len(rows) > limit
    rows = rows[:limit]
    return EndpointPage([_endpoint_view(r) for r in rows], rows[-1].id if more else None)


def endpoint_view(session: Session, endpoint_id: int) -> EndpointView | None:
    row = session.get(m.WebhookEndpointRow, endpoint_id)
    return _endpoint_view(row) if row else None


def _attempts(session: Session, delivery_ids: list[int]) -> dict[int, list[AttemptView]]:
    found: dict[int, list[AttemptView]] = {d: [] for d in delivery_ids}
    if not delivery_ids:
        return found
    rows = session.scalars(
        select(m.WebhookAttemptRow)
        .where(m.WebhookAttemptRow.delivery_id.in_(delivery_ids))
        .order_by(m.WebhookAttemptRow.at, m.WebhookAttemptRow.id)
    )
    for a in rows:
        # Attempts recorded before T2 kept longer excerpts; show no more than is kept now.
        excerpt = a.response_excerpt[:RESPONSE_EXCERPT] if a.response_excerpt else None
        found[a.delivery_id].append(
            AttemptView(a.id, a.at, a.status_code, a.duration_ms, a.error, excerpt)
        )
    return found


def _delivery_views(session: Session, stmt: Any) -> list[DeliveryView]:
    rows = list(session.execute(stmt))
    log = _attempts(session, [d.id for d, _ in rows])
    return [
        DeliveryView(
            id=d.id,
            endpoint_id=d.endpoint_id,
            event_id=d.event_id,
            event_type=event_type,
            status=d.status,
            attempts=d.attempts,
            next_attempt_at=d.next_attempt_at,
            last_status_code=d.last_status_code,
            last_error=d.last_error,
            created_at=d.created_at,
            delivered_at=d.delivered_at,
            attempt_log=log[d.id],
        )
        for d, event_type in rows
    ]


def _deliveries() -> Any:
    return select(m.WebhookDeliveryRow, m.EventRow.type).join(
        m.EventRow, m.EventRow.id == m.WebhookDeliveryRow.event_id
    )


def deliveries_page(
    session: Session, endpoint_id: int, *, cursor: int | None = None, limit: int = 20
) -> DeliveryPage:
    """Newest first, each with its attempts; `next_cursor` fetches older ones."""
    stmt = (
        _deliveries()
        .where(m.WebhookDeliveryRow.endpoint_id == endpoint_id)
        .order_by(m.WebhookDeliveryRow.id.desc())
        .limit(limit + 1)
    )
    if cursor is not None:
        stmt = stmt.where(m.WebhookDeliveryRow.id < cursor)
    items = _delivery_views(session, stmt)
    more = len(items) > limit
    items = items[:limit]
    return DeliveryPage(items, items[-1].id if more else None)


def delivery_view(session: Session, delivery_id: int) -> DeliveryView | None:
    found = _delivery_views(session, _deliveries().where(m.WebhookDeliveryRow.id == delivery_id))
    return found[0] if found else None


def delivery_counts(session: Session) -> dict[int, dict[str, int]]:
    """Per endpoint, how many deliveries are in each status."""
    counts: dict[int, dict[str, int]] = {}
    rows = session.execute(
        select(
            m.WebhookDeliveryRow.endpoint_id, m.WebhookDeliveryRow.status, func.count()
        ).group_by(m.WebhookDeliveryRow.endpoint_id, m.WebhookDeliveryRow.status)
    )
    for endpoint_id, status, n in rows:
        counts.setdefault(endpoint_id, {})[status] = int(n)
    return counts
