"""§4 returns for support: the returns whose seller reported a problem with what came back
(`/support/returns`, flagged for support) and any return, read-only
(`/support/orders/{id}/returns/{return_id}`); the order page lists the order's returns."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from recourse.db.queries import returns as return_queries
from recourse.domain.roles import Role
from recourse.web import language
from recourse.web.deps import ContainerDep, ReadSession
from recourse.web.pages.common import SupportUser
from recourse.web.pages.shared.present_returns import return_page_context
from recourse.web.pages.shared.return_forms import read_return
from recourse.web.pages.shared.return_inbox import inbox_rows
from recourse.web.routers import page_router
from recourse.web.templating import render

router = page_router("/support")


@router.get("/returns")
def problem_returns(
    request: Request, user: SupportUser, c: ContainerDep, session: ReadSession
) -> Response:
    """R4: what sellers reported a problem with, oldest report first."""
    views = return_queries.problem_returns(session)
    return render(
        request,
        "returns/support_problems.html",
        {
            "user": user,
            "rows": inbox_rows(getattr(views, "items", views), language.words(request), "support"),
        },
    )


@router.get("/orders/{order_id}/returns/{return_id}")
def return_page(
    request: Request, order_id: int, return_id: int, user: SupportUser, c: ContainerDep
) -> Response:
    detail, view = read_return(c, user, order_id, return_id)
    return render(
        request,
        "returns/support_return.html",
        return_page_context(request, c, user, detail, view, audience=Role.support),
    )
