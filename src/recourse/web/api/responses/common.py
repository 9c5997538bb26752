"""Shapes every resource shares: the base of response bodies, times, money, line quantities."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema

from recourse.currency import format_money
from recourse.domain.money import Money as Amount


class ResponseBody(BaseModel):
    """Every field is always present in the JSON, `null` where there is nothing."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


def _iso(value: datetime) -> str:
    return value.isoformat()


# A moment in UTC as the API has always written it: `2026-03-02T09:00:00+00:00`.
Moment = Annotated[
    datetime,
    PlainSerializer(_iso, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


class Money(ResponseBody):
    """§12: an amount in minor units of its currency, and how a person reads it."""

    model_config = ConfigDict(frozen=True, json_schema_serialization_defaults_required=True)

    amount: int = Field(description="minor units of `currency`: cents for EUR, yen for JPY")
    currency: str = Field(description="ISO 4217", pattern="^[A-Z]{3}$")
    formatted: str = Field(description="for people, e.g. `€19.99`")


@lru_cache(maxsize=8192)
def money(amount: int, currency: str) -> Money:
    """The same few prices recur on every page of orders; formatting one is the costly part."""
    return Money(amount=amount, currency=currency, formatted=format_money(Amount(amount, currency)))


class LineQuantity(ResponseBody):
    """Units of one order line: what a shipment, a cancellation or a quote covers."""

    line_id: int
    quantity: int
