"""Stores with their policy in force (§9), and users (§1)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from recourse.domain.policy import BuyerCancel
from recourse.web.api.responses.common import ResponseBody


class StorePolicy(ResponseBody):
    """§9: what a store promises its buyers (one version of it)."""

    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)

    buyer_cancel: BuyerCancel
    cancel_response_hours: int
    allow_partial_cancel: bool
    processing_days: int
    accepts_remorse_returns: bool
    return_window_days: int
    restocking_fee_percent: int
    buyer_pays_remorse_return_shipping: bool
    return_response_business_days: int


class Store(ResponseBody):
    id: int
    name: str
    country: str = Field(description="ISO 3166 alpha-2")
    return_address: str | None = Field(description="R2: where approved returns go")
    policy_version: int = Field(description="the version in force now")
    policy: StorePolicy

    @classmethod
    def of(cls, found: dict[str, Any]) -> Store:
        return cls.model_validate(found)


class StoreSummary(ResponseBody):
    id: int
    name: str
    country: str


class User(ResponseBody):
    id: int
    email: str
    name: str
    role: Literal["buyer", "seller", "support"]
    country: str
    timezone: str
    locale: str
    store_ids: list[int] = Field(description="the stores a seller works for")

    @classmethod
    def of(cls, found: dict[str, Any]) -> User:
        return cls.model_validate(found)


class OperatorIdentity(ResponseBody):
    """The marketplace operator's token: it belongs to no user."""

    role: Literal["operator"]


Me = Annotated[User | OperatorIdentity, Field(discriminator="role")]
