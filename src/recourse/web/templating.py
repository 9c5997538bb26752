"""Jinja2 for the pages: money exact to the currency, times in the viewer's time zone."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from recourse.currency import format_money
from recourse.domain.money import Money

TEMPLATES = Path(__file__).parent / "templates"

STATUS_LABELS = {
    "awaiting_payment": "Awaiting payment",
    "payment_review": "Payment under review",
    "awaiting_shipment": "Awaiting shipment",
    "shipped": "Shipped",
    "delivered": "Delivered",
    "completed": "Completed",
    "cancelled": "Cancelled",
    "closed": "Closed",
    "in_transit": "In transit",
    "refused": "Refused by recipient",
    "returned_to_sender": "Returning to seller",
    "delivered_to_sender": "Back with the seller",
}

templates = Jinja2Templates(directory=str(TEMPLATES))


def money(amount: int | Money, currency: str | None = None) -> str:
    value = amount if isinstance(amount, Money) else Money(int(amount), str(currency))
    return format_money(value)


def local_time(value: datetime | None, tz: str = "UTC", fmt: str = "%d %b %Y, %H:%M") -> str:
    if value is None:
        return ""
    moment = value.astimezone(ZoneInfo(tz))
    return f"{moment.strftime(fmt)} {moment.tzname()}"


def local_date(value: datetime | None, tz: str = "UTC") -> str:
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(tz)).strftime("%d %b %Y")


def status_label(value: str) -> str:
    return STATUS_LABELS.get(value, value.replace("_", " ").capitalize())


templates.env.filters["money"] = money
templates.env.filters["local_time"] = local_time
templates.env.filters["local_date"] = local_date
templates.env.filters["status_label"] = status_label


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    from recourse.web.deps import csrf_token, pop_flashes

    user = context.get("user")
    base = {
        "request": request,
        "csrf_token": csrf_token(request),
        "flashes": pop_flashes(request),
        "tz": getattr(user, "timezone", "UTC"),
        "now": request.app.state.container.clock.now(),
        "demo": request.app.state.container.settings.clock == "demo",
    }
    base.update(context)
    return templates.TemplateResponse(request, name, base, status_code=status_code)
