"""Request bodies (strict: integers are minor units, floats are refused) and response shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from recourse.currency import money_json
from recourse.db.queries import OrderDetail, OrderSummary, ShipmentView, TimelineView
from recourse.domain.money import Money
from recourse.domain.order import Order, Totals


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PolicyIn(Strict):
    buyer_cancel: Literal["instant", "approval"] | None = None
    cancel_response_hours: StrictInt | None = None
    allow_partial_cancel: StrictBool | None = None
    processing_days: StrictInt | None = None
    accepts_remorse_returns: StrictBool | None = None
    return_window_days: StrictInt | None = None
    restocking_fee_percent: StrictInt | None = None
    buyer_pays_remorse_return_shipping: StrictBool | None = None
    return_response_business_days: StrictInt | None = None

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class StoreIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    country: str = Field(min_length=2, max_length=2, description="ISO 3166 alpha-2")
    policy: PolicyIn | None = None


class UserIn(Strict):
    email: str = Field(max_length=254)
    name: str = Field(min_length=1, max_length=200)
    role: Literal["buyer", "seller", "support"]
    password: str | None = Field(default=None, max_length=256)
    country: str = Field(min_length=2, max_length=2)
    timezone: str = "UTC"
    locale: str | None = Field(default=None, max_length=16)
    store_ids: list[StrictInt] | None = None


class LineIn(Strict):
    sku: str = Field(min_length=1, max_length=100)
    title: str = Field(min_length=1, max_length=300)
    unit_price: StrictInt = Field(description="minor units of the order's currency")
    quantity: StrictInt
    discount: StrictInt = 0
    tax: StrictInt = 0


class OrderIn(Strict):
    external_id: str | None = Field(default=None, max_length=100)
    buyer_id: StrictInt
    store_id: StrictInt
    currency: str = Field(min_length=3, max_length=3, description="ISO 4217")
    country: str | None = Field(default=None, min_length=2, max_length=2)
    shipping_fee: StrictInt = 0
    payment_method: Literal["card", "wallet", "bank_transfer", "store_balance", "coupon"]
    lines: list[LineIn] = Field(min_length=1, max_length=500)


class PaymentIn(Strict):
    status: Literal["captured", "review", "failed"]
    amount: StrictInt | None = None
    reference: str | None = Field(default=None, max_length=100)


class ShipLineIn(Strict):
    line_id: StrictInt
    quantity: StrictInt


class ShipmentIn(Strict):
    lines: list[ShipLineIn] = Field(min_length=1, max_length=500)
    carrier: str = Field(max_length=100)
    tracking_number: str = Field(max_length=100)


class CarrierEventIn(Strict):
    type: Literal["in_transit", "delivered", "refused", "returned_to_sender", "delivered_to_sender"]
    at: datetime | None = None


def money(amount: int, currency: str) -> dict[str, Any]:
    return money_json(Money(amount, currency))


def totals_json(t: Totals) -> dict[str, Any]:
    return {
        "items": money_json(t.items),
        "discount": money_json(t.discount),
        "tax": money_json(t.tax),
        "shipping": money_json(t.shipping),
        "total": money_json(t.total),
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def lines_json(order: Order) -> list[dict[str, Any]]:
    c = order.currency
    return [
        {
            "id": line.id,
            "sku": line.sku,
            "title": line.title,
            "unit_price": money(line.unit_price, c),
            "quantity": line.quantity,
            "discount": money(line.discount, c),
            "tax": money(line.tax, c),
            "total": money(line.total, c),
            "quantities": {
                "ordered": line.qty.ordered,
                "cancelled": line.qty.cancelled,
                "shipped": line.qty.shipped,
                "delivered": line.qty.delivered,
                "returned": line.qty.returned,
                "refunded": line.qty.refunded,
            },
        }
        for line in order.lines
    ]


def shipment_json(s: ShipmentView) -> dict[str, Any]:
    return {
        "id": s.id,
        "carrier": s.carrier,
        "tracking_number": s.tracking_number,
        "status": s.status,
        "shipped_at": _iso(s.shipped_at),
        "lines": [{"line_id": x["line_id"], "quantity": x["quantity"]} for x in s.lines],
        "events": [{"type": e["type"], "at": _iso(e["at"])} for e in s.events],
    }


def timeline_json(t: TimelineView) -> dict[str, Any]:
    return {
        "at": _iso(t.at),
        "actor": {"role": t.actor_role, "id": t.actor_id},
        "action": t.action,
        "from": t.from_state,
        "to": t.to_state,
        "reason": t.reason,
        "note": t.note,
        "data": t.data,
    }


def order_json(d: OrderDetail) -> dict[str, Any]:
    o = d.order
    return {
        "id": o.id,
        "external_id": o.external_id,
        "status": str(d.status),
        "buyer_id": o.buyer_id,
        "store_id": o.store_id,
        "store": d.store,
        "currency": o.currency,
        "country": o.country,
        "created_at": _iso(o.created_at),
        "lines": lines_json(o),
        "totals": totals_json(d.totals),
        "payment": {
            "method": str(o.payment.method),
            "status": str(o.payment.status),
            "amount_captured": money(o.payment.amount_captured, o.currency),
            "captured_at": _iso(o.payment.captured_at),
            "reference": o.payment.reference,
        },
        "deadlines": {
            "pay_by": _iso(o.deadlines.pay_by),
            "review_until": _iso(o.deadlines.review_until),
            "ship_by": _iso(o.deadlines.ship_by),
            "protection_ends_at": _iso(o.deadlines.protection_ends_at),
        },
        "policy": {"version": d.policy.version, **d.policy.policy.as_dict()},
        "shipments": [shipment_json(s) for s in d.shipments],
        "timeline": [timeline_json(t) for t in d.timeline],
    }


def summary_json(s: OrderSummary) -> dict[str, Any]:
    return {
        "id": s.id,
        "external_id": s.external_id,
        "status": s.status,
        "buyer_id": s.buyer_id,
        "store_id": s.store_id,
        "store_name": s.store_name,
        "currency": s.currency,
        "total": money(s.total, s.currency),
        "item_count": s.item_count,
        "created_at": _iso(s.created_at),
        "ship_by": _iso(s.ship_by),
    }
