"""Webhook endpoints, their deliveries and attempts, replay, and the event catalogue (M3)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, status
from pydantic import Field, StrictBool, WithJsonSchema

from recourse.db.queries.webhooks import (
    EndpointView,
    deliveries_page,
    delivery_view,
    endpoint_view,
    list_endpoints,
)
from recourse.domain.errors import NotFound
from recourse.services import webhooks
from recourse.web.api.fields import Id, OneLine
from recourse.web.api.responses.webhooks import (
    EventType,
    EventTypeList,
    WebhookDelivery,
    WebhookDeliveryPage,
    WebhookEndpoint,
    WebhookEndpointDetail,
    WebhookEndpointPage,
)
from recourse.web.api.schemas import Strict
from recourse.web.deps import ApiActor, ContainerDep, OperatorActor, ReadSession
from recourse.web.routers import api_router

router = api_router("webhooks")

RECENT = 10


# An event type or a family of them. The schema lists them; the service refuses others with
# the catalogue in `allowed`.
EventName = Annotated[
    str,
    Field(min_length=1, max_length=64),
    WithJsonSchema({"type": "string", "enum": webhooks.subscribable()}),
]
# The shape of what check_url accepts (spaces around are stripped), for clients and the
# schema's checks; the service refuses the rest with the reason (T2), so it is not checked here.
_SPACE = " \xa0\u1680\u2000-\u200a\u202f\u205f\u3000"
_CONTROL = "\x00-\x1f\x7f-\x9f\u2028\u2029"
URL_START = f"^[{_SPACE}]*[Hh][Tt][Tt][Pp][Ss]?://[^/?#{_SPACE}{_CONTROL}][^{_CONTROL}]*$"
URL_DESCRIPTION = (
    "http(s) URL that receives signed POSTs: a host name or a public address, no credentials (T2)"
)


class EndpointIn(Strict):
    url: OneLine = Field(
        max_length=500, description=URL_DESCRIPTION, json_schema_extra={"pattern": URL_START}
    )
    events: list[EventName] = Field(
        min_length=1, max_length=100, description="event types, a family such as `refund.*`, or `*`"
    )
    description: OneLine | None = Field(default=None, max_length=300)


class EndpointPatch(Strict):
    url: OneLine | None = Field(
        default=None,
        max_length=500,
        description=URL_DESCRIPTION,
        json_schema_extra={"pattern": URL_START},
    )
    events: list[EventName] | None = Field(default=None, min_length=1, max_length=100)
    active: StrictBool | None = None
    description: OneLine | None = Field(default=None, max_length=300)


def _endpoint(s: ReadSession, endpoint_id: int) -> EndpointView:
    found = endpoint_view(s, endpoint_id)
    if found is None:
        raise NotFound("webhook_endpoint_not_found", endpoint_id=endpoint_id)
    return found


@router.get("/event-types")
def event_types(actor: ApiActor) -> EventTypeList:
    """The catalogue endpoints subscribe to; `family.*` and `*` subscribe to several."""
    return EventTypeList(
        data=[EventType(type=name, description=text) for name, text in webhooks.catalogue().items()]
    )


@router.post("/webhook-endpoints", status_code=status.HTTP_201_CREATED)
def create_endpoint(
    body: EndpointIn, actor: OperatorActor, c: ContainerDep, s: ReadSession
) -> WebhookEndpoint:
    """The response carries the whole signing secret; later reads show only its last characters."""
    created = webhooks.register_endpoint(
        c.uow(), c.ctx, actor=actor, url=body.url, events=body.events, description=body.description
    )
    return WebhookEndpoint.of(_endpoint(s, created.id), secret=created.secret)


@router.get("/webhook-endpoints")
def get_endpoints(
    actor: OperatorActor,
    s: ReadSession,
    cursor: Id | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> WebhookEndpointPage:
    page = list_endpoints(s, cursor=cursor, limit=limit)
    return WebhookEndpointPage(
        data=[WebhookEndpoint.of(e) for e in page.items], next_cursor=page.next_cursor
    )


@router.get("/webhook-endpoints/{endpoint_id}")
def get_endpoint(endpoint_id: Id, actor: OperatorActor, s: ReadSession) -> WebhookEndpointDetail:
    endpoint = _endpoint(s, endpoint_id)
    recent = deliveries_page(s, endpoint_id, limit=RECENT)
    return WebhookEndpointDetail(
        **dict(WebhookEndpoint.of(endpoint)),
        recent_deliveries=[WebhookDelivery.of(d) for d in recent.items],
    )


@router.patch("/webhook-endpoints/{endpoint_id}")
def patch_endpoint(
    endpoint_id: Id, body: EndpointPatch, actor: OperatorActor, c: ContainerDep, s: ReadSession
) -> WebhookEndpoint:
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
    return WebhookEndpoint.of(_endpoint(s, endpoint_id))


@router.get("/webhook-endpoints/{endpoint_id}/deliveries")
def get_deliveries(
    endpoint_id: Id,
    actor: OperatorActor,
    s: ReadSession,
    cursor: Id | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> WebhookDeliveryPage:
    """Newest first, each with every attempt; `next_cursor` fetches older ones."""
    _endpoint(s, endpoint_id)
    page = deliveries_page(s, endpoint_id, cursor=cursor, limit=limit)
    return WebhookDeliveryPage(
        data=[WebhookDelivery.of(d) for d in page.items], next_cursor=page.next_cursor
    )


@router.post("/webhook-deliveries/{delivery_id}/replay", status_code=status.HTTP_202_ACCEPTED)
def replay(
    delivery_id: Id, actor: OperatorActor, c: ContainerDep, s: ReadSession
) -> WebhookDelivery:
    """Queue a fresh attempt now, whatever the delivery's status; same `webhook-id` as before."""
    webhooks.replay_delivery(c.uow(), c.ctx, actor=actor, delivery_id=delivery_id)
    found = delivery_view(s, delivery_id)
    assert found is not None
    return WebhookDelivery.of(found)
