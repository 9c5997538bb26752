"""The buyer's orders: My orders, and one order with everything that happened to it."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from recourse.db.queries.orders import TABS, line_summaries, list_orders, order_detail, tab_counts
from recourse.db.queries.users import user_names
from recourse.domain.errors import NotFound
from recourse.domain.roles import Role
from recourse.web.deps import ContainerDep, PageUser, ReadSession
from recourse.web.language import words
from recourse.web.pages.common import home_for, optional_int, query_string, see_other
from recourse.web.pages.shared import present_orders
from recourse.web.routers import page_router
from recourse.web.settled import settle_listed, settle_order
from recourse.web.templating import render

router = page_router()

ELSEWHERE = {Role.seller: "/seller/orders", Role.support: "/support/orders"}


@router.get("/orders")
def my_orders(
    request: Request,
    user: PageUser,
    c: ContainerDep,
    session: ReadSession,
    tab: str = "all",
    cursor: str | None = None,
) -> Response:
    if user.role is not Role.buyer:
        return see_other(home_for(user))
    tab = tab if tab in TABS else "all"
    now = c.clock.now()
    actor = user.actor()
    page = list_orders(session, actor, now, tab=tab, cursor=optional_int(cursor, "cursor"))
    if settle_listed(c, session, [o.id for o in page.items]):
        page = list_orders(session, actor, now, tab=tab, cursor=optional_int(cursor, "cursor"))
    lines = line_summaries(session, [o.id for o in page.items])
    return render(
        request,
        "orders/buyer_orders.html",
        {
            "user": user,
            "tabs": present_orders.tabs(tab_counts(session, actor, now), tab, words(request)),
            "tab": tab,
            "rows": present_orders.order_rows(page.items, lines, now, words(request)),
            "older": query_string(tab=tab, cursor=page.next_cursor) if page.next_cursor else None,
            "newest": query_string(tab=tab) if cursor else None,
        },
    )


@router.get("/orders/{order_id}")
def order_page(
    request: Request, order_id: int, user: PageUser, c: ContainerDep, session: ReadSession
) -> Response:
    if user.role is not Role.buyer:
        return see_other(f"{ELSEWHERE.get(user.role, '/orders')}/{order_id}")
    settle_order(c, order_id)
    now = c.clock.now()
    detail = order_detail(session, user.actor(), order_id, now)
    if detail is None:
        raise NotFound("page.no_order", order_id=order_id)
    return render(
        request,
        "orders/buyer_order.html",
        {
            "user": user,
            **present_orders.order_page(
                detail,
                audience=Role.buyer,
                viewer_id=user.id,
                words=words(request),
                now=now,
                names=user_names(session, present_orders.actor_ids(detail.timeline)),
            ),
        },
    )
