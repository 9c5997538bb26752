"""The seller marks an order as shipped: which units, the carrier and the tracking number (C9:
cancelled or shipped units cannot ship)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from recourse.domain.errors import DomainError, InvalidInput, NotFound
from recourse.domain.shipment import ShipmentLine
from recourse.services import shipping
from recourse.texts import error_message
from recourse.web.deps import ContainerDep, check_csrf, flash
from recourse.web.errors import status_for
from recourse.web.language import words
from recourse.web.pages.common import FormFields, SellerUser, error_field, see_other
from recourse.web.pages.seller.orders import order_page
from recourse.web.routers import page_router

router = page_router("/seller")

QTY = "qty-"


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
            return order_page(
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
                    "error": error_message(error, words(request)),
                    "field": _field(error, lines),
                },
                status_code=status_for(error),
            )
    flash(request, words(request)._("Marked as shipped."))
    return see_other(f"/seller/orders/{order_id}")


def _shipment_lines(quantities: dict[str, str]) -> list[ShipmentLine]:
    """Lines left at 0 stay home; anything that is not a whole number is refused."""
    lines = []
    for key, raw in quantities.items():
        text = raw.strip() or "0"
        if not key.isdigit() or not text.isdigit():
            raise InvalidInput(f"{QTY}{key}", "page.ship_quantity")
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
