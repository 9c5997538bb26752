"""§2 orders: the rows an order is made of, its payment and its deadlines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from recourse.domain.ingest import NewLine
from recourse.domain.order import Deadlines, LineQuantities, Order, Payment


@dataclass(frozen=True, slots=True)
class NewOrder:
    external_id: str | None
    buyer_id: int
    store_id: int
    currency: str
    country: str
    shipping_fee: int
    payment: Payment
    lines: Sequence[NewLine]
    created_at: datetime
    deadlines: Deadlines


@dataclass(frozen=True, slots=True)
class Settlement:
    """§2 `closed`: what is still open on an order — cancellation requests waiting for the
    seller, refunds not yet succeeded — and whether it ever had a request or a refund."""

    open_cases: int
    unsettled_refunds: int
    had_cases_or_refunds: bool


class Orders(Protocol):
    def add(self, order: NewOrder) -> int: ...
    def get(
        self, order_id: int, *, for_update: bool = False, with_cases: bool = False
    ) -> Order | None: ...
    def id_by_external_id(self, store_id: int, external_id: str) -> int | None: ...
    def save_quantities(self, order_id: int, changes: Mapping[int, LineQuantities]) -> None: ...
    def save_payment(
        self, order_id: int, payment: Payment, *, policy_version_id: int | None
    ) -> None: ...
    def save_deadlines(self, order_id: int, deadlines: Deadlines) -> None: ...
    def set_first_shipped(self, order_id: int, at: datetime) -> None: ...
    def set_status(self, order_id: int, status: str, at: datetime) -> None: ...
    def stored_status(self, order_id: int) -> str | None: ...
    def settlement(self, order_id: int) -> Settlement: ...
