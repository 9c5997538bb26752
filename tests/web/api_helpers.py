"""Helpers for API tests: tokens made the way `recourse token create` makes them."""

from __future__ import annotations

from typing import Any

from recourse.container import Container
from recourse.services import accounts


def operator_headers(c: Container) -> dict[str, str]:
    token = accounts.create_token(c.uow(), c.ctx, operator=True, email=None)
    return {"Authorization": f"Bearer {token}"}


def user_headers(c: Container, email: str) -> dict[str, str]:
    token = accounts.create_token(c.uow(), c.ctx, operator=False, email=email)
    return {"Authorization": f"Bearer {token}"}


def order_body(buyer: int, store: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "buyer_id": buyer,
        "store_id": store,
        "currency": "EUR",
        "shipping_fee": 499,
        "payment_method": "card",
        "lines": [
            {"sku": "LAMP-1", "title": "Desk lamp", "unit_price": 2500, "quantity": 2, "tax": 475},
            {"sku": "BULB-9", "title": "Bulb", "unit_price": 399, "quantity": 3, "discount": 100},
        ],
    }
    body.update(overrides)
    return body
