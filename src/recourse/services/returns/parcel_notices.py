"""S1/S2: who hears that a parcel is coming back — the buyer and the store's sellers in-app,
the marketplace through `return.parcel_returning`."""

from __future__ import annotations

from recourse.services import events
from recourse.services.events import ParcelReturning
from recourse.services.notify import notify_store_staff, notify_user
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork


def announce_parcel_returning(uow: UnitOfWork, ctx: Context, e: ParcelReturning) -> None:
    """The buyer learns the refund follows the parcel; the sellers that they confirm it."""
    order, ret = e.order, e.ret
    params = {"order_id": order.id, "return_id": ret.id, "kind": str(ret.kind)}
    notify_user(
        uow,
        user_id=order.buyer_id,
        kind="return.parcel_returning",
        params=params,
        order_id=order.id,
        link=f"/orders/{order.id}",
        now=e.at,
        dedupe_key=f"return:{ret.id}:parcel_returning",
    )
    notify_store_staff(
        uow,
        store_id=order.store_id,
        kind="return.parcel_returning_seller",
        params=params,
        order_id=order.id,
        now=e.at,
        dedupe_key=f"return:{ret.id}:parcel_returning",
    )
    events.publish(
        uow,
        event_type="return.parcel_returning",
        data={
            "order_id": order.id,
            "external_id": order.external_id,
            "return_id": ret.id,
            "kind": str(ret.kind),
            "shipment_ids": list(e.shipment_ids),
            "lines": [
                {"line_id": x.line_id, "sku": order.line(x.line_id).sku, "quantity": x.quantity}
                for x in ret.lines
            ],
        },
        now=e.at,
    )
