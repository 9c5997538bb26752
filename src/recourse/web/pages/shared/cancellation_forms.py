"""The cancel form's pieces the buyer's and the seller's pages share (C5, C6, C7): reading
quantities, the reason and the note, confirming a quote, and where an error is shown."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from recourse.container import Container
from recourse.db.queries.orders import OrderDetail, order_detail
from recourse.domain.accounts import User
from recourse.domain.errors import DomainError, InvalidInput, NotFound, RuleConflict
from recourse.domain.reasons import Reason, ReasonActor, check_reason
from recourse.domain.roles import Role
from recourse.domain.settlement import ExpectedBy
from recourse.i18n import N_, Words
from recourse.services import cancellations, refunds
from recourse.services.cancellations import Preview
from recourse.services.ports import Cancellation
from recourse.texts import error_message
from recourse.texts.web import reason_label
from recourse.web import language
from recourse.web.pages.common import error_field
from recourse.web.pages.shared.present_cancellations import BlockerWords, error_words, quote_words
from recourse.web.templating import render

QTY = "qty-"
NOTE_LIMIT = 2000
CHANGED = N_("The order changed since you looked; here is the new refund.")


def parse_units(quantities: dict[str, str]) -> dict[int, int]:
    """Lines left at 0 stay; anything that is not a whole number is refused (C7)."""
    units: dict[int, int] = {}
    for key, raw in quantities.items():
        text = raw.strip() or "0"
        if not key.isdigit() or not text.isdigit():
            raise InvalidInput(f"{QTY}{key}", "cancellation.page_quantity")
        if int(text):
            units[int(key)] = int(text)
    if not units:
        raise InvalidInput("lines", "cancellation.no_items")
    return units


def cancel_from_form(
    c: Container,
    user: User,
    order_id: int,
    values: dict[str, Any],
    units: dict[int, int] | None,
    quote_id: str | None,
) -> Cancellation:
    """The cancel form's confirm step, for the buyer's page and the seller's alike."""
    return cancellations.cancel_order(
        c.uow(),
        c.ctx,
        actor=user.actor(),
        order_id=order_id,
        reason=values["reason"],
        note=parse_note(values["note"]),
        lines=units,
        quote_id=quote_id or None,
    )


def parse_note(text: str) -> str | None:
    note = text.strip()
    if len(note) > NOTE_LIMIT:
        raise InvalidInput("note", "cancellation.note_too_long", limit=NOTE_LIMIT)
    return note or None


def parse_reason(code: str, reasons: list[Reason], actor: ReasonActor, note: str | None) -> str:
    """C5: a reason from the catalogue offered to this actor; `other` needs a note."""
    if not code:
        raise InvalidInput("reason", "cancellation.choose_reason")
    found = next((r for r in reasons if r.code == code), None)
    return check_reason(found, code, actor=actor, note=note).code


def form_field(error: DomainError) -> str | None:
    """The input an error belongs next to: 'lines.quantity' → the items, a line → its number."""
    if "line_id" in error.facts:
        return f"{QTY}{error.facts['line_id']}"
    field = error_field(error)
    if field and field.startswith("lines"):
        return "lines"
    return field


def error_state(
    error: DomainError, detail: OrderDetail, words: Words
) -> tuple[str | None, str | None, BlockerWords | None]:
    """(sentence, field, blocker): a rule conflict reads like a blocker, with what instead,
    unless one field brought it up (a reason that needs a note): then it sits by that field."""
    if isinstance(error, RuleConflict) and "field" not in error.facts:
        return None, None, error_words(error, order=detail.order, words=words)
    return error_message(error, words), form_field(error), None


def read_order(c: Container, user: User, order_id: int) -> OrderDetail:
    with c.read_session() as session:
        detail = order_detail(session, user.actor(), order_id, c.clock.now())
    if detail is None:
        raise NotFound("page.no_order", order_id=order_id)
    return detail


def expected_dates(c: Container, user: User, order_id: int, preview: Preview) -> ExpectedBy | None:
    if preview.quote is None or preview.quote.total <= 0:
        return None
    return refunds.expected_if_issued_now(c.uow(), c.ctx, actor=user.actor(), order_id=order_id)


def quote_page(
    request: Request,
    c: Container,
    user: User,
    order_id: int,
    values: dict[str, Any],
    units: dict[int, int] | None,
    *,
    audience: Role,
    changed: bool,
    status_code: int,
) -> Response:
    """C6/C8: exactly what is cancelled and refunded, where to and by when, before the buyer or
    the seller confirms; the same page for both but for its words and template."""
    detail = read_order(c, user, order_id)
    preview = cancellations.preview_cancellation(
        c.uow(), c.ctx, actor=user.actor(), order_id=order_id, lines=units
    )
    if preview.eligibility.blocker is not None:
        raise cancellations.blocked_error(preview.eligibility.blocker)
    note = parse_note(values["note"])
    parse_reason(values["reason"], preview.reasons, ReasonActor(str(audience)), note)
    words = language.words(request)
    quote = quote_words(
        detail.order,
        preview.eligibility,
        preview.quote,
        expected_dates(c, user, order_id, preview),
        audience=audience,
        words=words,
    )
    return render(
        request,
        f"cancellations/{audience}_quote.html",
        {
            "user": user,
            "detail": detail,
            "quote": quote,
            "quote_id": preview.quote_id,
            "values": values,
            "reason_label": next(
                (
                    reason_label(r.code, r.label, words)
                    for r in preview.reasons
                    if r.code == values["reason"]
                ),
                "",
            ),
            "changed": words._(CHANGED) if changed else None,
        },
        status_code=status_code,
    )
