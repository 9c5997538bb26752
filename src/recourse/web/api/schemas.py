"""Request bodies (strict: integers are minor units, floats are refused); responses are in
`responses/`."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from recourse.web.api.fields import Amount, BodyId, Country, Currency, OneLine, Quantity


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
    name: OneLine = Field(min_length=1, max_length=200)
    country: Country
    policy: PolicyIn | None = None


class UserIn(Strict):
    email: OneLine = Field(max_length=254)
    name: str = Field(min_length=1, max_length=200)
    role: Literal["buyer", "seller", "support"]
    password: str | None = Field(default=None, max_length=256)
    country: Country
    timezone: OneLine = Field(default="UTC", max_length=64, description="an IANA time zone")
    locale: OneLine | None = Field(default=None, max_length=16)
    store_ids: list[BodyId] | None = None


class LineIn(Strict):
    sku: OneLine = Field(min_length=1, max_length=100)
    title: OneLine = Field(min_length=1, max_length=300)
    unit_price: Amount
    quantity: Quantity
    discount: Amount = 0
    tax: Amount = 0


class OrderIn(Strict):
    external_id: OneLine | None = Field(default=None, max_length=100)
    buyer_id: BodyId
    store_id: BodyId
    currency: Currency
    country: Country | None = Field(default=None, description="default: the buyer's country")
    shipping_fee: Amount = 0
    payment_method: Literal["card", "wallet", "bank_transfer", "store_balance", "coupon"]
    lines: list[LineIn] = Field(
        min_length=1, max_length=500, description="the order's total is at most 10^12 minor units"
    )


class PaymentIn(Strict):
    status: Literal["captured", "review", "failed"]
    amount: Amount | None = None
    reference: OneLine | None = Field(default=None, max_length=100)


class ShipLineIn(Strict):
    line_id: BodyId
    quantity: Quantity


class ShipmentIn(Strict):
    lines: list[ShipLineIn] = Field(min_length=1, max_length=500)
    carrier: OneLine = Field(max_length=100)
    tracking_number: OneLine = Field(max_length=100)


class CarrierEventIn(Strict):
    type: Literal["in_transit", "delivered", "refused", "returned_to_sender", "delivered_to_sender"]
    at: datetime | None = None
