"""Disputes as list rows: the sellers' list of disputes still going, the soonest deadline
first, and the number waiting for a seller's answer in their header."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from jinja2 import pass_context
from jinja2.runtime import Context as TemplateContext

from recourse.container import Container
from recourse.db.queries import seller_disputes as seller_queries
from recourse.domain.disputes import (
    DisputeStatus,
)
from recourse.domain.roles import Role
from recourse.i18n import Words
from recourse.texts import label
from recourse.texts.disputes import WANTED_LABELS
from recourse.web.pages.shared.present_disputes import dispute_status_label, dispute_url, type_label
from recourse.web.settled import settle_listed
from recourse.web.templating import templates


@dataclass(frozen=True, slots=True)
class SellerRow:
    """One dispute in the sellers' list."""

    id: int
    order_id: int
    url: str
    type: str
    status: str
    status_label: str
    wanted: str
    due_at: datetime | None
    waits_for_you: bool


def seller_disputes(c: Container, store_ids: Iterable[int], words: Words) -> list[SellerRow]:
    """The disputes of the sellers' stores still going (open, or decided with the appeal
    window running), the soonest deadline first, after the passed deadlines of their orders
    are applied (§10)."""
    with c.read_session() as session:
        settle_listed(c, session, seller_queries.going_order_ids(session, store_ids))
        found = seller_queries.going_disputes(session, store_ids)
    return [
        SellerRow(
            id=d.id,
            order_id=d.order_id,
            url=dispute_url("seller", d.order_id, d.id),
            type=type_label(str(d.type), words),
            status=str(d.status),
            status_label=dispute_status_label(str(d.status), words, "seller"),
            wanted=label(WANTED_LABELS, str(d.wanted), words),
            due_at=d.due_at,
            waits_for_you=d.status is DisputeStatus.awaiting_seller,
        )
        for d in found
    ]


@pass_context
def waiting_disputes(context: TemplateContext) -> int:
    """The number next to "Disputes" in a seller's header: disputes waiting for their answer."""
    user = context.get("user")
    request = context.get("request")
    if user is None or request is None or user.role is not Role.seller:
        return 0
    c: Container = request.app.state.container
    with c.read_session() as session:
        return seller_queries.awaiting_answer(session, user.store_ids)


templates.env.globals["waiting_disputes"] = waiting_disputes
