"""Jinja2 for the pages: every sentence through the reader's catalogue, money exact to the
currency and in their notation, times in their time zone and their month names."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context

from recourse import i18n
from recourse.domain.money import Money
from recourse.i18n import N_, Words
from recourse.texts import label
from recourse.texts.web import reason_label
from recourse.web import language

TEMPLATES = Path(__file__).parent / "templates"

STATUS_LABELS = {
    "awaiting_payment": N_("Awaiting payment"),
    "payment_review": N_("Payment under review"),
    "awaiting_shipment": N_("Awaiting shipment"),
    "shipped": N_("Shipped"),
    "delivered": N_("Delivered"),
    "completed": N_("Completed"),
    "cancelled": N_("Cancelled"),
    "closed": N_("Closed"),
    "in_transit": N_("In transit"),
    "refused": N_("Refused by recipient"),
    "returned_to_sender": N_("Returning to seller"),
    "delivered_to_sender": N_("Back with the seller"),
    "voided": N_("Voided: never scanned by the carrier"),
}

templates = Jinja2Templates(directory=str(TEMPLATES))
i18n.install(templates.env)
templates.env.globals.update(i18n.ENGLISH.jinja())

# strftime patterns the templates used, as the CLDR patterns that say the same in any language
_PATTERNS = {"%d %b, %H:%M": "dd MMM, HH:mm", "%d %b %Y, %H:%M": i18n.TIME_PATTERN}


def reader(context: Any) -> Words:
    found = context.get("words")
    return found if isinstance(found, Words) else i18n.ENGLISH


def money(words: Words, amount: int | Money, currency: str | None = None) -> str:
    return words.money(amount, currency)


def local_time(
    words: Words, value: datetime | None, tz: str | None = None, fmt: str | None = None
) -> str:
    if value is None:
        return ""
    pattern = _PATTERNS.get(fmt, fmt) if fmt else i18n.TIME_PATTERN
    return Words(words.lang, tz or words.tz).when(value, pattern)


def local_date(words: Words, value: datetime | None, tz: str | None = None) -> str:
    return Words(words.lang, tz or words.tz).day(value)


def status_label(words: Words, value: str) -> str:
    return label(STATUS_LABELS, value, words)


templates.env.filters["money"] = pass_context(
    lambda ctx, amount, currency=None: money(reader(ctx), amount, currency)
)
templates.env.filters["local_time"] = pass_context(
    lambda ctx, value, tz=None, fmt=None: local_time(reader(ctx), value, tz, fmt)
)
templates.env.filters["local_date"] = pass_context(
    lambda ctx, value, tz=None: local_date(reader(ctx), value, tz)
)
templates.env.filters["reason_label"] = pass_context(
    lambda ctx, reason: reason_label(reason.code, reason.label, reader(ctx))
)
templates.env.filters["status_label"] = pass_context(
    lambda ctx, value: status_label(reader(ctx), value)
)


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    from recourse.web.deps import csrf_token, pop_flashes

    user = context.get("user")
    words = language.words(request)
    base = {
        "request": request,
        "csrf_token": csrf_token(request),
        "flashes": pop_flashes(request),
        "tz": getattr(user, "timezone", None) or words.tz,
        "now": request.app.state.container.clock.now(),
        "demo": request.app.state.container.settings.clock == "demo",
        "languages": i18n.LANGUAGE_NAMES,
        **words.jinja(),
    }
    base.update(context)
    return templates.TemplateResponse(request, name, base, status_code=status_code)
