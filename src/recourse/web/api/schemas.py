"""Request bodies (strict: integers are minor units, floats are refused); responses are in
`responses/`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from recourse.domain.policy import POLICY_LIMITS
from recourse.web.api.fields import (
    WHOLE,
    Amount,
    BodyId,
    Country,
    Currency,
    Email,
    FilledLine,
    FilledProse,
    Locale,
    OneLine,
    Password,
    Quantity,
    TimeZone,
    when,
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _bounds(name: str) -> Any:
    low, high = POLICY_LIMITS[name]
    return Field(ge=low, le=high)


class PolicyIn(Strict):
    buyer_cancel: Literal["instant", "approval"] | None = None
    cancel_response_hours: Annotated[StrictInt, _bounds("cancel_response_hours"), WHOLE] | None = (
        None
    )
    allow_partial_cancel: StrictBool | None = None
    processing_days: Annotated[StrictInt, _bounds("processing_days"), WHOLE] | None = None
    accepts_remorse_returns: StrictBool | None = None
    return_window_days: Annotated[StrictInt, _bounds("return_window_days"), WHOLE] | None = None
    restocking_fee_percent: (
        Annotated[StrictInt, _bounds("restocking_fee_percent"), WHOLE] | None
    ) = None
    buyer_pays_remorse_return_shipping: StrictBool | None = None
    return_response_business_days: (
        Annotated[StrictInt, _bounds("return_response_business_days"), WHOLE] | None
    ) = None
    return_address: FilledProse | None = Field(
        default=None,
        max_length=1000,
        description="R2: where approved returns go (kept on the store, not versioned)",
    )

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True, exclude={"return_address"})


class StoreIn(Strict):
    name: FilledLine = Field(max_length=200)
    country: Country
    policy: PolicyIn | None = None


class UserIn(Strict):
    """A seller works for at least one store; buyers and support for none."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "allOf": [
                when(
                    "role",
                    "seller",
                    then={
                        "required": ["store_ids"],
                        "properties": {"store_ids": {"type": "array", "minItems": 1}},
                    },
                    otherwise={
                        "properties": {"store_ids": {"anyOf": [{"maxItems": 0}, {"type": "null"}]}}
                    },
                )
            ]
        },
    )

    email: Email
    name: FilledLine = Field(max_length=200)
    role: Literal["buyer", "seller", "support"]
    password: Password | None = None
    country: Country
    timezone: TimeZone = "UTC"
    locale: Locale | None = None
    store_ids: list[BodyId] | None = None


class LineIn(Strict):
    sku: FilledLine = Field(max_length=100, description="each SKU once per order")
    title: OneLine = Field(min_length=1, max_length=300)
    unit_price: Amount
    quantity: Quantity
    discount: Amount = Field(default=0, description="at most unit_price times quantity")
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
    """`captured` carries the amount captured (the order's total) and the gateway's reference."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "allOf": [
                when(
                    "status",
                    "captured",
                    then={
                        "required": ["amount", "reference"],
                        "properties": {
                            "amount": {"type": "integer"},
                            "reference": {"type": "string", "minLength": 1},
                        },
                    },
                )
            ]
        },
    )

    status: Literal["captured", "review", "failed"]
    amount: Amount | None = None
    reference: OneLine | None = Field(default=None, max_length=100)


class ShipLineIn(Strict):
    line_id: BodyId
    quantity: Quantity


class ShipmentIn(Strict):
    lines: list[ShipLineIn] = Field(
        min_length=1, max_length=500, description="each order line at most once"
    )
    carrier: FilledLine = Field(max_length=100)
    tracking_number: FilledLine = Field(max_length=100)


class CarrierEventIn(Strict):
    type: Literal["in_transit", "delivered", "refused", "returned_to_sender", "delivered_to_sender"]
    at: datetime | None = None
