"""M3 webhooks: the event log, endpoints, deliveries and their attempts.

An endpoint's `events` column holds `{"types": [...]}`: exact types, `family.*` or `*`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from recourse.db import models as m
from recourse.db.queued import queue
from recourse.db.repositories.writes import noted_order
from recourse.services.ports import WebhookAttempt, WebhookDelivery, WebhookEndpoint


class SqlEvents:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, event_id: str, event_type: str, payload: Mapping[str, Any], at: datetime) -> None:
        """The event is about the order its data names, or else the one the transaction writes."""
        named = (payload.get("data") or {}).get("order_id")
        order_id = named if isinstance(named, int) else noted_order(self.s)
        # written at the commit with the other appends (db/queued.py)
        queue(
            self.s,
            m.EventRow,
            {
                "id": event_id,
                "type": event_type,
                "payload": dict(payload),
                "order_id": order_id,
                "created_at": at,
            },
        )


def endpoint_types(row: m.WebhookEndpointRow) -> tuple[str, ...]:
    return tuple(str(t) for t in (row.events or {}).get("types", ()))


def endpoint_from_row(row: m.WebhookEndpointRow) -> WebhookEndpoint:
    return WebhookEndpoint(
        id=row.id,
        url=row.url,
        description=row.description,
        secret=row.secret,
        events=endpoint_types(row),
        active=bool(row.active),
        created_at=row.created_at,
    )


def delivery_from_row(row: m.WebhookDeliveryRow) -> WebhookDelivery:
    return WebhookDelivery(
        id=row.id,
        endpoint_id=row.endpoint_id,
        event_id=row.event_id,
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_status_code=row.last_status_code,
        last_error=row.last_error,
        created_at=row.created_at,
        delivered_at=row.delivered_at,
    )


class SqlWebhooks:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add_endpoint(
        self,
        *,
        url: str,
        description: str | None,
        secret: str,
        events: Sequence[str],
        created_at: datetime,
    ) -> int:
        row = m.WebhookEndpointRow(
            url=url,
            description=description,
            secret=secret,
            events={"types": list(events)},
            active=True,
            created_at=created_at,
        )
        self.s.add(row)
        self.s.flush()
        return row.id

    def endpoint(self, endpoint_id: int) -> WebhookEndpoint | None:
        row = self.s.get(m.WebhookEndpointRow, endpoint_id)
        return endpoint_from_row(row) if row else None

    def update_endpoint(self, endpoint_id: int, **values: Any) -> None:
        if "events" in values:
            values["events"] = {"types": list(values["events"])}
        self.s.execute(
            update(m.WebhookEndpointRow)
            .where(m.WebhookEndpointRow.id == endpoint_id)
            .values(**values)
        )

    def active_endpoints(self, created_by: datetime) -> list[WebhookEndpoint]:
        """Active endpoints that existed at `created_by`; few enough to filter types in Python."""
        rows = self.s.scalars(
            select(m.WebhookEndpointRow)
            .where(
                m.WebhookEndpointRow.active.is_(True),
                m.WebhookEndpointRow.created_at <= created_by,
            )
            .order_by(m.WebhookEndpointRow.id)
        )
        return [endpoint_from_row(r) for r in rows]

    def event(self, event_id: str) -> tuple[str, datetime, dict[str, Any]] | None:
        row = self.s.get(m.EventRow, event_id)
        return (row.type, row.created_at, dict(row.payload)) if row else None

    def add_delivery(self, endpoint_id: int, event_id: str, created_at: datetime) -> int:
        """Once per (endpoint, event): a repeated fan-out finds the delivery it made before."""
        insert = pg_insert if self.s.get_bind().dialect.name == "postgresql" else sqlite_insert
        self.s.execute(
            insert(m.WebhookDeliveryRow)
            .values(
                endpoint_id=endpoint_id,
                event_id=event_id,
                status="pending",
                attempts=0,
                next_attempt_at=created_at,
                created_at=created_at,
            )
            .on_conflict_do_nothing(index_elements=["endpoint_id", "event_id"])
        )
        found = self.s.scalar(
            select(m.WebhookDeliveryRow.id).where(
                m.WebhookDeliveryRow.endpoint_id == endpoint_id,
                m.WebhookDeliveryRow.event_id == event_id,
            )
        )
        assert found is not None
        return int(found)

    def delivery(self, delivery_id: int, *, for_update: bool = False) -> WebhookDelivery | None:
        stmt = select(m.WebhookDeliveryRow).where(m.WebhookDeliveryRow.id == delivery_id)
        if for_update:
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        row = self.s.scalars(stmt).first()
        return delivery_from_row(row) if row else None

    def update_delivery(self, delivery_id: int, **values: Any) -> None:
        self.s.execute(
            update(m.WebhookDeliveryRow)
            .where(m.WebhookDeliveryRow.id == delivery_id)
            .values(**values)
        )

    def add_attempt(self, delivery_id: int, attempt: WebhookAttempt) -> None:
        self.s.add(
            m.WebhookAttemptRow(
                delivery_id=delivery_id,
                at=attempt.at,
                status_code=attempt.status_code,
                duration_ms=attempt.duration_ms,
                error=attempt.error,
                response_excerpt=attempt.response_excerpt,
            )
        )
