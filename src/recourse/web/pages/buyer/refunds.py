"""The buyer's Refunds (F4, F5): every refund of theirs, newest first, with where and when the
money lands. Support's refund pages are in support/refunds.py."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import Response

from recourse.db.queries import refunds as refund_queries
from recourse.domain.roles import Role
from recourse.services.disputes.late_refunds import disputable_refunds
from recourse.web import language
from recourse.web.deps import ContainerDep, PageUser, ReadSession
from recourse.web.pages.common import home_for, optional_int, query_string, see_other
from recourse.web.pages.shared.present_refunds import refund_card
from recourse.web.routers import page_router
from recourse.web.templating import render

router = page_router()

PER_PAGE = 20


@router.get("/refunds")
def my_refunds(
    request: Request,
    user: PageUser,
    c: ContainerDep,
    session: ReadSession,
    cursor: str | None = None,
) -> Response:
    if user.role is Role.support:
        return see_other("/support/refunds")
    if user.role is not Role.buyer:
        return see_other(home_for(user))
    views, next_cursor = refund_queries.refunds_of(
        session, user.actor(), cursor=optional_int(cursor, "cursor"), limit=PER_PAGE
    )
    words = language.words(request)
    today = c.clock.now().astimezone(ZoneInfo(user.timezone)).date()
    # F5 → D1: a refund past its last expected day, not arrived, links the dispute form
    late = disputable_refunds(
        c.uow(),
        c.ctx,
        actor=user.actor(),
        refunds=[(v.id, v.order_id) for v in views if v.status != "succeeded"],
    )
    return render(
        request,
        "refunds/buyer_refunds.html",
        {
            "user": user,
            "cards": [refund_card(v, Role.buyer, today, words) for v in views],
            "late": late,
            "older": query_string(cursor=next_cursor) if next_cursor else None,
            "newest": "" if cursor else None,
        },
    )
