"""Webhook endpoints, their deliveries and attempts, replay, and the event catalogue (M3)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from pydantic import Field, StrictBool

from recourse.db.webhooks import (
    AttemptView,
    DeliveryView,
    EndpointView,
    deliveries_page,
    delivery_view,
    endpoint_view,
    list_endpoints,
)
from recourse.domain.errors import NotFound
from recourse.services import webhooks
from recourse.web.api.schemas import Strict
from recourse.web.deps import ApiActor, ContainerDep, OperatorActor, ReadSession

router = APIRouter(tags=["webhooks"])

RECENT = 10


class EndpointIn(Strict):
    url: str = Field(max_length=2000, description="http(s) URL that receives signed POSTs")
    events: list[str] = Field(
        max_length=100, description="event types, a family such as `refund.*`, or `*`"
    )
    description: str | None = Field(default=None, max_length=2000)


class EndpointPatch(Strict):
    url: str | None = Field(default=None, max_length=2000)
    events: list[str] | None = Field(default=None, max_length=100)
    active: StrictBool | None = None
    description: str | None = Field(default=None, max_length=2000)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def endpoint_json(e: EndpointView, *, secret: str | None = None) -> dict[str, Any]:
    return {
        "id": e.id,
        "url": e.url,
        "description": e.description,
        "events": e.events,
        "secret": secret or f"whsec_****{e.secret_hint}",
        "active": e.active,
        "created_at": _iso(e.created_at),
    }


def attempt_json(a: AttemptView) -> dict[str, Any]:
    return {
        "at": _iso(a.at),
        "status_code": a.status_code,
        "duration_ms": a.duration_ms,
        "error": a.error,
        "response_excerpt": a.response_excerpt,
    }


def delivery_json(d: DeliveryView) -> dict[str, Any]:
    return {
        "id": d.id,
        "endpoint_id": d.endpoint_id,
        "event_id": d.event_id,
        "event_type": d.event_type,
        "status": d.status,
        "attempt_count": d.attempts,
        "next_attempt_at": _iso(d.next_attempt_at),
        "last_status_code": d.last_status_code,
        "last_error": d.last_error,
        "created_at": _iso(d.created_at),
        "delivered_at": _iso(d.delivered_at),
        "attempts": [attempt_json(a) for a in d.attempt_log],
    }


def _endpoint(s: ReadSession, endpoint_id: int) -> EndpointView:
    found = endpoint_view(s, endpoint_id)
    if found is None:
        raise NotFound(f"No webhook endpoint {endpoint_id}.")
    return found


@router.get("/event-types")
def event_types(actor: ApiActor) -> Any:
    """The catalogue endpoints subscribe to; `family.*` and `*` subscribe to several."""
    return {
        "data": [{"type": name, "description": text} for name, text in webhooks.catalogue().items()]
    }


@router.post("/webhook-endpoints", status_code=status.HTTP_201_CREATED)
def create_endpoint(body: EndpointIn, actor: OperatorActor, c: ContainerDep, s: ReadSession) -> Any:
    """The response carries the whole signing secret; later reads show only its last characters."""
    created = webhooks.register_endpoint(
        c.uow(), c.ctx, actor=actor, url=body.url, events=body.events, description=body.description
    )
    return endpoint_json(_endpoint(s, created.id), secret=created.secret)


@router.get("/webhook-endpoints")
def get_endpoints(
    actor: OperatorActor,
    s: ReadSession,
    cursor: int | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> Any:
    page = list_endpoints(s, cursor=cursor, limit=limit)
    return {"data": [endpoint_json(e) for e in page.items], "next_cursor": page.next_cursor}


@router.get("/webhook-endpoints/{endpoint_id}")
def get_endpoint(endpoint_id: int, actor: OperatorActor, s: ReadSession) -> Any:
    endpoint = _endpoint(s, endpoint_id)
    recent = deliveries_page(s, endpoint_id, limit=RECENT)
    return {
        **endpoint_json(endpoint),
        "recent_deliveries": [delivery_json(d) for d in recent.items],
    }


@router.patch("/webhook-endpoints/{endpoint_id}")
def patch_endpoint(
    endpoint_id: int, body: EndpointPatch, actor: OperatorActor, c: ContainerDep, s: ReadSession
) -> Any:
    """Change `url`, `events`, `description` (null clears it) or `active` (false disables)."""
    sent = body.model_fields_set
    webhooks.update_endpoint(
        c.uow(),
        c.ctx,
        actor=actor,
        endpoint_id=endpoint_id,
        url=body.url,
        events=body.events,
        active=body.active,
        description=(body.description or "") if "description" in sent else None,
    )
    return endpoint_json(_endpoint(s, endpoint_id))


@router.get("/webhook-endpoints/{endpoint_id}/deliveries")
def get_deliveries(
    endpoint_id: int,
    actor: OperatorActor,
    s: ReadSession,
    cursor: int | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Any:
    """Newest first, each with every attempt; `next_cursor` fetches older ones."""
    _endpoint(s, endpoint_id)
    page = deliveries_page(s, endpoint_id, cursor=cursor, limit=limit)
    return {"data": [delivery_json(d) for d in page.items], "next_cursor": page.next_cursor}


@router.post("/webhook-deliveries/{delivery_id}/replay", status_code=status.HTTP_202_ACCEPTED)
def replay(delivery_id: int, actor: OperatorActor, c: ContainerDep, s: ReadSession) -> Any:
    """Queue a fresh attempt now, whatever the delivery's status; same `webhook-id` as before."""
    webhooks.replay_delivery(c.uow(), c.ctx, actor=actor, delivery_id=delivery_id)
    found = delivery_view(s, delivery_id)
    assert found is not None
    return delivery_json(found)
