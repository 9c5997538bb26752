"""§2 confirm receipt (§12): the order's buyer says everything arrived; buyer protection ends
and the order completes. 409 `receipt_not_possible` (with the status) before anything shipped
or once the order is completed or cancelled, `protection_ended` (with `protection_ends_at`)
once protection has run out."""

from __future__ import annotations

from recourse.services import protection
from recourse.web.api.fields import Id
from recourse.web.api.responses.receipt import ReceiptConfirmed
from recourse.web.deps import ApiActor, ContainerDep
from recourse.web.routers import api_router

router = api_router("orders")


@router.post("/orders/{order_id}/confirm-receipt")
def confirm_receipt(order_id: Id, actor: ApiActor, c: ContainerDep) -> ReceiptConfirmed:
    """The buyer confirms receipt (a buyer's token; anyone else's order is not found, a
    seller's or support's token is refused)."""
    done = protection.confirm_receipt(c.uow(), c.ctx, actor=actor, order_id=order_id)
    return ReceiptConfirmed(
        order_id=order_id,
        status=done.status.value,
        completed_at=done.completed_at,
    )
