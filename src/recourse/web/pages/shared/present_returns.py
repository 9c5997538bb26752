"""Returns worded for whoever looks (§4: R1-R5, S1, S2): one return said for its reader
(labels in `return_labels`, steps and who acts next in `return_progress`), its page's
context, and the order page's Returns panel. Nothing here decides; it only words what the
return says."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from jinja2 import pass_context
from jinja2.runtime import Context as TemplateContext

from recourse.container import Container
from recourse.db.queries import evidence as evidence_queries
from recourse.db.queries import refunds as refund_queries
from recourse.db.queries.orders import OrderDetail
from recourse.domain.accounts import User
from recourse.domain.errors import DomainError
from recourse.domain.returns import FINAL_STATUSES, PARCEL_KINDS, ReturnStatus
from recourse.domain.roles import Role
from recourse.i18n import N_, Words
from recourse.texts import label
from recourse.web import language
from recourse.web.pages.shared.present_refunds import refund_card
from recourse.web.pages.shared.return_forms import form_error, order_returns
from recourse.web.pages.shared.return_labels import (
    CONDITION_LABELS,
    OFFER_STATUS_LABELS,
    category_label,
    kind_label,
    reason_groups,
    reason_words,
    status_label,
)
from recourse.web.pages.shared.return_progress import Step, next_sentence, steps, time_of
from recourse.web.templating import templates


def items_text(lines: Sequence[Any], titles: dict[int, str]) -> str:
    """Each returned line as its quantity, a multiplication sign and the order line's title."""
    return ", ".join(
        f"{x.quantity} \N{MULTIPLICATION SIGN} {titles.get(x.line_id, '#' + str(x.line_id))}"
        for x in lines
    )


def deadline_of(view: Any) -> datetime | None:
    """The deadline the return waits for (what the inbox sorts on)."""
    return time_of(view, "due_at")


# Every deadline a return stores, said for each reader (buyer, seller, support).
DEADLINE_LABELS = (
    (
        "respond_by",
        (N_("The seller answers by"), N_("Answer by"), N_("The seller answers by")),
    ),
    (
        "offer_answer_by",
        (
            N_("Answer the offer by"),
            N_("The buyer answers the offer by"),
            N_("The buyer answers the offer by"),
        ),
    ),
    (
        "ship_by",
        (N_("Send it back by"), N_("The buyer sends it back by"), N_("The buyer sends it back by")),
    ),
    (
        "refund_by",
        (
            N_("Refunded at the latest by"),
            N_("Confirm receipt by"),
            N_("Refunded at the latest by"),
        ),
    ),
)
AUDIENCES = ("buyer", "seller", "support")


@dataclass(frozen=True, slots=True)
class ReturnWords:
    """One return said for its reader: what the pages and the order panel show."""

    view: Any
    id: int
    url: str
    status: str
    status_label: str
    kind: str
    parcel: bool
    items: str
    reason: str
    category: str
    next: str
    steps: list[Step]
    current: int
    deadlines: list[tuple[str, datetime]]
    offer: str | None
    offer_status: str | None
    condition: str | None

    @property
    def open(self) -> bool:
        return ReturnStatus(self.status) not in FINAL_STATUSES


URLS = {
    "buyer": "/orders/{order_id}/returns/{return_id}",
    "seller": "/seller/orders/{order_id}/returns/{return_id}",
    "support": "/support/orders/{order_id}/returns/{return_id}",
}


def return_url(audience: str, order_id: int, return_id: int) -> str:
    return URLS[audience].format(order_id=order_id, return_id=return_id)


def return_words(
    view: Any,
    *,
    audience: str,
    titles: dict[int, str],
    currency: str,
    words: Words,
    reasons: Iterable[Any] = (),
    tz: str | None = None,
    now: datetime | None = None,
) -> ReturnWords:
    found_steps, current = steps(view, words)
    reader = AUDIENCES.index(audience) if audience in AUDIENCES else 2
    # the deadlines still ahead of an open return (a passed one has decided, or was met)
    still_open = str(view.status) not in {str(x) for x in FINAL_STATUSES}
    deadlines = [
        (words._(names[reader]), at)
        for field, names in DEADLINE_LABELS
        if (at := time_of(view, field)) is not None and still_open and (now is None or at > now)
    ]
    offer_amount = getattr(view, "offer_amount", None)
    offer_status = getattr(view, "offer_status", None)
    condition = getattr(view, "condition", None)
    return ReturnWords(
        view=view,
        id=int(view.id),
        url=return_url(audience, int(view.order_id), int(view.id)),
        status=str(view.status),
        status_label=status_label(str(view.status), words, audience),
        kind=kind_label(str(view.kind), words),
        parcel=str(view.kind) in {str(k) for k in PARCEL_KINDS},
        items=items_text(view.lines, titles),
        reason=reason_words(getattr(view, "reason", None), reasons, words),
        category=category_label(str(getattr(view, "category", None) or "") or None, words),
        next=next_sentence(view, audience, words, tz),
        steps=found_steps,
        current=current,
        deadlines=deadlines,
        offer=words.money(int(offer_amount), currency) if offer_amount else None,
        offer_status=label(OFFER_STATUS_LABELS, str(offer_status), words) if offer_status else None,
        condition=label(CONDITION_LABELS, str(condition), words) if condition else None,
    )


def _all_return_reasons(c: Container) -> list[Any]:
    with c.uow() as uow:
        return list(uow.reasons.all(for_return=True, include_retired=True))


def return_page_context(
    request: Request,
    c: Container,
    user: User,
    detail: OrderDetail,
    view: Any,
    *,
    audience: Role,
    form: Mapping[str, str] | None = None,
    error: DomainError | None = None,
) -> dict[str, Any]:
    """Everything one return's page shows, for any audience: the return worded, its files,
    its refund as the refunds pages show it, and the form sent back with an error."""
    words = language.words(request)
    tz = user.timezone or words.tz
    order = detail.order
    reasons = _all_return_reasons(c)
    r = return_words(
        view,
        audience=str(audience),
        titles={line.id: line.title for line in order.lines},
        currency=order.currency,
        words=words,
        reasons=reasons,
        tz=tz,
        now=c.clock.now(),
    )
    with c.read_session() as session:
        files = evidence_queries.files_of(session, "return", [r.id]).get(r.id, [])
        paid = (
            refund_queries.refund(session, user.actor(), int(view.refund_id))
            if getattr(view, "refund_id", None)
            else None
        )
    today = c.clock.now().astimezone(ZoneInfo(tz)).date()
    sentence, field = form_error(error, words)
    return {
        "user": user,
        "detail": detail,
        "r": r,
        "files": files,
        "refund": refund_card(paid, audience, today, words) if paid is not None else None,
        "groups": reason_groups((x for x in reasons if getattr(x, "active", True)), words)
        if r.parcel
        else [],
        "form": dict(form or {}),
        "error": sentence,
        "field": field,
        "order_url": _order_url(str(audience), order.id),
        "store_address": None,
    }


def _order_url(audience: str, order_id: int) -> str:
    return {
        "buyer": f"/orders/{order_id}",
        "seller": f"/seller/orders/{order_id}",
        "support": f"/support/orders/{order_id}",
    }[audience]


@dataclass(frozen=True, slots=True)
class ReturnsPanel:
    order_id: int
    rows: list[ReturnWords]


@pass_context
def order_returns_panel(context: TemplateContext) -> ReturnsPanel:
    """The order page's Returns panel: the order's returns for the page's reader, each with
    its status, what happens next and a link to its page."""
    request: Request = context["request"]
    detail: OrderDetail = context["detail"]
    words: Words = context["words"]
    audience = str(context["audience"])
    c: Container = request.app.state.container
    order = detail.order
    reasons = _all_return_reasons(c)
    rows = [
        return_words(
            view,
            audience=audience,
            titles={line.id: line.title for line in order.lines},
            currency=order.currency,
            words=words,
            reasons=reasons,
            tz=str(context.get("tz") or words.tz),
            now=c.clock.now(),
        )
        for view in order_returns(c, order.id)
    ]
    return ReturnsPanel(order.id, rows)


templates.env.globals["order_returns"] = order_returns_panel
