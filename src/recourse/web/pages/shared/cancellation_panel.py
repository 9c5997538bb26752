"""The cancellation part of every order page (C1, C4, C8, C10) and the seller's header count.

Read when the shared order template renders it, like the refund panel: the buyer's, seller's
and support's order handlers stay unaware of cancellations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from jinja2 import pass_context
from jinja2.runtime import Context as TemplateContext

from recourse.container import Container
from recourse.db.queries.cancellations import cancellations_of_order, pending_request_count
from recourse.db.queries.orders import OrderDetail, order_detail
from recourse.db.queries.platform import platform_policy
from recourse.db.queries.refunds import refunds_of_order
from recourse.db.queries.users import user_names
from recourse.domain.accounts import User
from recourse.domain.errors import NotFound
from recourse.domain.order import OrderLine
from recourse.domain.reasons import Reason
from recourse.domain.roles import Role
from recourse.i18n import Words
from recourse.services import cancellations
from recourse.web import language
from recourse.web.pages.shared import present_options as present_options  # its global
from recourse.web.pages.shared import present_orders
from recourse.web.pages.shared.present_cancellations import (
    BlockerWords,
    BuyerActions,
    Countdown,
    HistoryRow,
    buyer_actions,
    countdown,
    history_row,
    rejections,
)
from recourse.web.templating import render, templates


@dataclass(frozen=True, slots=True)
class FormState:
    """A cancellation form sent back with its error: which form, what was typed, where it went
    wrong. `kind` is 'answer' (approve / reject), 'cancel' (the seller's Cancel items) or
    'withdraw'."""

    kind: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    field: str | None = None
    blocker: BlockerWords | None = None


@dataclass(frozen=True, slots=True)
class SellerActions:
    """The seller's answer to a pending request, or their own Cancel items form (C8, C9)."""

    pending: HistoryRow | None
    countdown: Countdown | None
    can_cancel: bool
    lines: list[OrderLine]
    reasons: list[Reason]
    rejections: dict[str, str]


@dataclass(frozen=True, slots=True)
class CancellationPanel:
    order_id: int
    history: list[HistoryRow]
    pending: HistoryRow | None
    buyer: BuyerActions | None
    seller: SellerActions | None
    form: FormState


@pass_context
def order_cancellations(context: TemplateContext) -> CancellationPanel:
    request: Request = context["request"]
    detail: OrderDetail = context["detail"]
    user: User = context["user"]
    audience = Role(str(context["audience"]))
    words: Words = context["words"]
    form = context.get("cancel_form") or FormState()
    c: Container = request.app.state.container
    cached = getattr(request.state, "cancellation_panel", None)
    if isinstance(cached, CancellationPanel) and cached.order_id == detail.order.id:
        return cached
    now = c.clock.now()
    order = detail.order
    with c.read_session() as session:
        views = cancellations_of_order(session, order.id)
        refunds = {r.id: r for r in refunds_of_order(session, order.id)}
        remind_before = platform_policy(session).remind_before_hours
    rows = [history_row(v, audience, words, refunds) for v in views]
    pending = next((r for r in rows if r.view.status == "pending_seller"), None)
    # Support reads pending requests in the history; the parties answer them in their own card.
    history = [r for r in reversed(rows) if audience is Role.support or r is not pending]
    buyer = seller = None
    if audience is Role.buyer:
        preview = cancellations.preview_cancellation(
            c.uow(), c.ctx, actor=user.actor(), order_id=order.id
        )
        buyer = buyer_actions(detail, preview.eligibility, rows, words=words)
    elif audience is Role.seller:
        preview = cancellations.preview_cancellation(
            c.uow(), c.ctx, actor=user.actor(), order_id=order.id
        )
        seller = SellerActions(
            pending=pending,
            countdown=countdown(pending.view.respond_by, now, remind_before, words)
            if pending and pending.view.respond_by
            else None,
            can_cancel=preview.eligibility.allowed,
            lines=[line for line in order.lines if line.qty.unshipped],
            reasons=preview.reasons,
            rejections=rejections(words),
        )
    panel = CancellationPanel(
        order_id=order.id, history=history, pending=pending, buyer=buyer, seller=seller, form=form
    )
    request.state.cancellation_panel = panel
    return panel


@pass_context
def pending_cancellation_requests(context: TemplateContext) -> int:
    """The number next to "Cancellation requests" in a seller's header."""
    user = context.get("user")
    request = context.get("request")
    if user is None or request is None or user.role is not Role.seller:
        return 0
    c: Container = request.app.state.container
    with c.read_session() as session:
        return pending_request_count(session, user.store_ids)


templates.env.globals["order_cancellations"] = order_cancellations
templates.env.globals["pending_cancellation_requests"] = pending_cancellation_requests


def order_page_with_form(
    request: Request,
    c: Container,
    user: User,
    order_id: int,
    form: FormState,
    *,
    status_code: int,
) -> Response:
    """The buyer's or seller's order page again, with a cancellation form's error and values
    (STYLE 5: the sentence next to the form, what was typed kept)."""
    audience = Role.seller if user.role is Role.seller else Role.buyer
    now = c.clock.now()
    with c.read_session() as session:
        detail = order_detail(session, user.actor(), order_id, now)
        if detail is None:
            raise NotFound("page.no_order", order_id=order_id)
        names = user_names(session, present_orders.actor_ids(detail.timeline))
    context: dict[str, Any] = {
        "user": user,
        **present_orders.order_page(
            detail,
            audience=audience,
            viewer_id=user.id,
            words=language.words(request),
            now=now,
            names=names,
        ),
        "cancel_form": form,
    }
    if audience is Role.seller:
        context["ship_form"] = {"values": None, "error": None, "field": None}
    return render(request, f"orders/{audience}_order.html", context, status_code=status_code)
