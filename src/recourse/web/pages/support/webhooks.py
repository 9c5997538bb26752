"""Support's view of webhooks (M3): endpoints, their latest deliveries, every attempt, replay."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from recourse.db.queries.webhooks import (
    deliveries_page,
    delivery_view,
    endpoint_view,
    list_endpoints,
)
from recourse.domain.errors import NotFound, RuleConflict
from recourse.i18n import NC_, Words
from recourse.services import webhooks
from recourse.texts import error_message, label
from recourse.web.deps import ContainerDep, ReadSession, check_csrf, flash
from recourse.web.language import words
from recourse.web.pages.common import (
    FormFields,
    SupportUser,
    optional_int,
    query_string,
    safe_next,
    see_other,
)
from recourse.web.routers import page_router
from recourse.web.templating import render

router = page_router("/support/webhooks")

LATEST = 5
PER_PAGE = 20
HOME = "/support/webhooks"

# Delivery status -> existing badge colour.
STATUSES = {
    "pending": "awaiting_shipment",
    "failed": "payment_review",
    "delivered": "delivered",
    "dead": "refused",
    "skipped": "cancelled",
}


# 'la entrega' in Spanish: a delivery's status has its own context apart from an order's.
DELIVERY_STATUSES = {
    "pending": NC_("webhook delivery", "Pending"),
    "failed": NC_("webhook delivery", "Retrying"),
    "delivered": NC_("webhook delivery", "Delivered"),
    "dead": NC_("webhook delivery", "Gave up"),
    "skipped": NC_("webhook delivery", "Skipped"),
}


def status_label(code: str, words: Words) -> str:
    """A delivery's status, in the reader's words."""
    return label(DELIVERY_STATUSES, code, words) if code in DELIVERY_STATUSES else code


def _context(request: Request, user: SupportUser) -> dict[str, object]:
    reader = words(request)
    statuses = {code: (status_label(code, reader), colour) for code, colour in STATUSES.items()}
    return {"user": user, "statuses": statuses, "catalogue": webhooks.catalogue()}


@router.get("")
def all_endpoints(request: Request, user: SupportUser, session: ReadSession) -> Response:
    endpoints = list_endpoints(session, limit=100).items
    sections = [
        {"endpoint": e, "deliveries": deliveries_page(session, e.id, limit=LATEST)}
        for e in endpoints
    ]
    return render(
        request,
        "webhooks/support_endpoints.html",
        {**_context(request, user), "sections": sections, "latest": LATEST},
    )


@router.get("/endpoints/{endpoint_id}")
def one_endpoint(
    request: Request,
    endpoint_id: int,
    user: SupportUser,
    session: ReadSession,
    cursor: str | None = None,
) -> Response:
    endpoint = endpoint_view(session, endpoint_id)
    if endpoint is None:
        raise NotFound("page.no_webhook_endpoint", endpoint_id=endpoint_id)
    at = optional_int(cursor, "cursor")
    page = deliveries_page(session, endpoint_id, cursor=at, limit=PER_PAGE)
    return render(
        request,
        "webhooks/support_endpoint.html",
        {
            **_context(request, user),
            "endpoint": endpoint,
            "deliveries": page,
            "older": query_string(cursor=page.next_cursor) if page.next_cursor else None,
            "newest": "" if at is not None else None,
            "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        },
    )


@router.post("/deliveries/{delivery_id}/replay")
def replay(
    request: Request,
    delivery_id: int,
    user: SupportUser,
    c: ContainerDep,
    session: ReadSession,
    form: FormFields,
) -> Response:
    check_csrf(request, form.get("csrf_token"))
    back = safe_next(form.get("next")) or HOME
    try:
        webhooks.replay_delivery(c.uow(), c.ctx, actor=user.actor(), delivery_id=delivery_id)
    except RuleConflict as error:
        flash(request, error_message(error, words(request)), "error")
        return see_other(back)
    found = delivery_view(session, delivery_id)
    assert found is not None
    flash(
        request,
        words(request)._(
            "Event %(type)s (%(id)s) will be sent again now.",
            type=found.event_type,
            id=found.event_id,
        ),
    )
    return see_other(back)
