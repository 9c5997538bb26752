"""Request bodies (strict: integers are minor units, floats are refused); responses are in
`responses/`."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt


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
