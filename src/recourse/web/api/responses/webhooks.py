"""Webhook endpoints, their deliveries and attempts, and the event catalogue (M3)."""

from __future__ import annotations

from pydantic import Field

from recourse.db.queries.webhooks import AttemptView, DeliveryView, EndpointView
from recourse.services.webhooks import DeliveryStatus
from recourse.web.api.responses.common import Moment, ResponseBody


class EventType(ResponseBody):
    type: str = Field(description="e.g. `refund.succeeded`")
    description: str


class EventTypeList(ResponseBody):
    """The catalogue endpoints subscribe to; `family.*` and `*` subscribe to several."""

    data: list[EventType]


class WebhookEndpoint(ResponseBody):
    id: int
    url: str
    description: str | None
    events: list[str] = Field(description="event types, families such as `refund.*`, or `*`")
    secret: str = Field(
        description="whole when the endpoint is created, later only its last characters"
    )
    active: bool
    created_at: Moment

    @classmethod
    def of(cls, e: EndpointView, *, secret: str | None = None) -> WebhookEndpoint:
        return cls(
            id=e.id,
            url=e.url,
            description=e.description,
            events=e.events,
            secret=secret or f"whsec_****{e.secret_hint}",
            active=e.active,
            created_at=e.created_at,
        )


class WebhookAttempt(ResponseBody):
    """One try at delivering: the receiver's status code, or why there was none."""

    at: Moment
    status_code: int | None
    duration_ms: int
    error: str | None
    response_excerpt: str | None = Field(description="the start of the receiver's reply")

    @classmethod
    def of(cls, a: AttemptView) -> WebhookAttempt:
        return cls(
            at=a.at,
            status_code=a.status_code,
            duration_ms=a.duration_ms,
            error=a.error,
            response_excerpt=a.response_excerpt,
        )


class WebhookDelivery(ResponseBody):
    id: int
    endpoint_id: int
    event_id: str = Field(description="sent as `webhook-id`: de-duplicate on it")
    event_type: str
    status: DeliveryStatus
    attempt_count: int
    next_attempt_at: Moment | None
    last_status_code: int | None
    last_error: str | None
    created_at: Moment
    delivered_at: Moment | None
    attempts: list[WebhookAttempt]

    @classmethod
    def of(cls, d: DeliveryView) -> WebhookDelivery:
        return cls(
            id=d.id,
            endpoint_id=d.endpoint_id,
            event_id=d.event_id,
            event_type=d.event_type,
            status=d.status,
            attempt_count=d.attempts,
            next_attempt_at=d.next_attempt_at,
            last_status_code=d.last_status_code,
            last_error=d.last_error,
            created_at=d.created_at,
            delivered_at=d.delivered_at,
            attempts=[WebhookAttempt.of(a) for a in d.attempt_log],
        )


class WebhookEndpointDetail(WebhookEndpoint):
    recent_deliveries: list[WebhookDelivery] = Field(description="the latest few, newest first")


class WebhookEndpointPage(ResponseBody):
    """Pass `next_cursor` back as `cursor` for the next page."""

    data: list[WebhookEndpoint]
    next_cursor: int | None = Field(description="null on the last page")


class WebhookDeliveryPage(ResponseBody):
    """Newest first, each with every attempt; pass `next_cursor` back as `cursor` for older ones."""

    data: list[WebhookDelivery]
    next_cursor: int | None = Field(description="null on the last page")
