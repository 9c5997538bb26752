"""The seller's pages: their stores' orders, one order, and marking it as shipped."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from recourse.db import queries
from recourse.domain.accounts import User
from recourse.domain.errors import DomainError, InvalidInput, NotFound
from recourse.domain.roles import Role
from recourse.domain.shipment import ShipmentLine
from recourse.services import shipping
from recourse.web.deps import ContainerDep, ReadSession, check_csrf, flash
from recourse.web.errors import status_for
from recourse.web.pages import present
from recourse.web.pages.common import (
    FormFields,
    SellerUser,
    error_field,
    optional_int,
    query_string,
    see_other,
)
from recourse.web.templating import render

router = APIRouter(prefix="/seller")

QTY = "qty-"


@router.get("/orders")
def seller_orders(
    request: Request,
    user: SellerUser,
    c: ContainerDep,
    session: ReadSession,
    tab: str = "all",
    store: str | None = None,
    cursor: str | None = None,
) -> Response:
    tab = tab if tab in queries.TABS else "all"
    store_id = optional_int(store, "store")
    store_id = store_id if store_id in user.store_ids else None
    now = c.clock.now()
    actor = user.actor()
    page = queries.list_orders(
        session, actor, now, tab=tab, store_id=store_id, cursor=optional_int(cursor, "cursor")
    )
    lines = queries.line_summaries(session, [o.id for o in page.items])
    counts = queries.tab_counts(session, actor, now, store_id=store_id)
    return render(
        request,
        "seller/orders.html",
        {
            "user": user,
            "tabs": present.tabs(counts, tab),
            "tab": tab,
            "store_id": store_id,
            "stores": queries.stores_of(session, user.store_ids),
            "rows": present.order_rows(page.items, lines, now),
            "older": (
                query_string(tab=tab, store=store_id, cursor=page.next_cursor)
                if page.next_cursor
                else None
            ),
            "newest": query_string(tab=tab, store=store_id) if cursor else None,
        },
    )


@router.get("/orders/{order_id}")
def seller_order(
    request: Request, order_id: int, user: SellerUser, c: ContainerDep, session: ReadSession
) -> Response:
    return _order_page(request, c, session, user, order_id)


@router.post("/orders/{order_id}/shipments")
def mark_shipped(
    request: Request, order_id: int, user: SellerUser, c: ContainerDep, form: FormFields
) -> Response:
    carrier = form.get("carrier", "").strip()
    tracking_number = form.get("tracking_number", "").strip()
    quantities = {
        key.removeprefix(QTY): value for key, value in form.items() if key.startswith(QTY)
    }
    lines: list[ShipmentLine] = []
    try:
        check_csrf(request, form.get("csrf_token"))
        lines = _shipment_lines(quantities)
        shipping.ship_order(
            c.uow(),
            c.ctx,
            actor=user.actor(),
            order_id=order_id,
            lines=lines,
            carrier=carrier,
            tracking_number=tracking_number,
        )
    except NotFound:
        raise
    except DomainError as error:
        with c.read_session() as session:
            return _order_page(
                request,
                c,
                session,
                user,
                order_id,
                ship_form={
                    "values": {
                        "carrier": carrier,
                        "tracking_number": tracking_number,
                        "qty": quantities,
                    },
                    "error": error.message,
                    "field": _field(error, lines),
                },
                status_code=status_for(error),
            )
    flash(request, "Marked as shipped.")
    return see_other(f"/seller/orders/{order_id}")


def _shipment_lines(quantities: dict[str, str]) -> list[ShipmentLine]:
    """Lines left at 0 stay home; anything that is not a whole number is refused."""
    lines = []
    for key, raw in quantities.items():
        text = raw.strip() or "0"
        if not key.isdigit() or not text.isdigit():
            raise InvalidInput(f"{QTY}{key}", "Enter a whole number of items, 0 or more.")
        if int(text):
            lines.append(ShipmentLine(int(key), int(text)))
    return lines


def _field(error: DomainError, lines: list[ShipmentLine]) -> str | None:
    """The input next to which the error belongs: 'lines[1].quantity' → 'qty-<line id>'."""
    if "line_id" in error.facts:
        return f"{QTY}{error.facts['line_id']}"
    field = error_field(error)
    if field and field.startswith("lines[") and "]" in field:
        index = field[len("lines[") : field.index("]")]
        if index.isdigit() and int(index) < len(lines):
            return f"{QTY}{lines[int(index)].line_id}"
    return field


def _order_page(
    request: Request,
    c: ContainerDep,
    session: Any,
    user: User,
    order_id: int,
    *,
    ship_form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    now = c.clock.now()
    detail = queries.order_detail(session, user.actor(), order_id, now)
    if detail is None:
        raise NotFound(f"No order {order_id}.")
    return render(
        request,
        "seller/order.html",
        {
            "user": user,
            **present.order_page(
                detail,
                audience=Role.seller,
                viewer_id=user.id,
                tz=user.timezone,
                now=now,
                names=queries.user_names(session, present.actor_ids(detail.timeline)),
            ),
            "ship_form": ship_form or {"values": None, "error": None, "field": None},
        },
        status_code=status_code,
    )
