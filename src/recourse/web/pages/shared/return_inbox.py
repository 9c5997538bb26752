"""Returns as list rows: the seller's inbox and support's list of reported problems, and
the number of returns waiting for a seller in their header."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context as TemplateContext

from recourse.container import Container
from recourse.db.queries import returns as return_queries
from recourse.domain.roles import Role
from recourse.i18n import Words
from recourse.web.pages.shared.present_returns import return_url
from recourse.web.pages.shared.return_labels import kind_label, return_reason_label, status_label
from recourse.web.pages.shared.return_progress import time_of
from recourse.web.templating import templates


@dataclass(frozen=True, slots=True)
class InboxRow:
    """One return in the seller's inbox or support's list."""

    id: int
    order_id: int
    url: str
    buyer: str
    store: str
    items: str
    reason: str
    status: str
    status_label: str
    kind: str
    due_at: datetime | None


def _row_items(view: Any) -> str:
    found = getattr(view, "items", None)
    if isinstance(found, str):
        return found
    titles = dict(getattr(view, "titles", {}) or {})
    lines = getattr(view, "lines", ())
    return ", ".join(
        f"{x.quantity} \N{MULTIPLICATION SIGN} "
        f"{getattr(x, 'title', None) or titles.get(x.line_id, '#' + str(x.line_id))}"
        for x in lines
    )


def inbox_rows(views: Iterable[Any], words: Words, audience: str = "seller") -> list[InboxRow]:
    return [
        InboxRow(
            id=int(v.id),
            order_id=int(v.order_id),
            url=return_url(audience, int(v.order_id), int(v.id)),
            buyer=str(getattr(v, "buyer_name", "") or ""),
            store=str(getattr(v, "store_name", "") or ""),
            items=_row_items(v),
            reason=return_reason_label(
                getattr(v, "reason", None), getattr(v, "reason_label", None), words
            )
            if getattr(v, "reason", None)
            else "",
            status=str(v.status),
            status_label=status_label(str(v.status), words, audience),
            kind=kind_label(str(v.kind), words),
            due_at=time_of(v, "due_at"),
        )
        for v in views
    ]


@pass_context
def waiting_returns(context: TemplateContext) -> int:
    """The number next to "Returns" in a seller's header: returns waiting for their answer or
    for them to confirm what came back."""
    user = context.get("user")
    request = context.get("request")
    if user is None or request is None or user.role is not Role.seller:
        return 0
    c: Container = request.app.state.container
    with c.read_session() as session:
        return return_queries.open_return_count(session, user.store_ids)


templates.env.globals["waiting_returns"] = waiting_returns
