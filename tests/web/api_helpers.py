"""Helpers for API tests: tokens made the way `recourse token create` makes them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update

from recourse.container import Container
from recourse.db.idempotency import IN_FLIGHT_TAKEOVER
from recourse.db.models import IdempotencyKeyRow
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


def lose_stored_answers(c: Container) -> None:
    """As if the web process died after the use case committed and before it stored its
    answer: each key stays reserved with no answer, and the in-flight time has passed, so the
    next request with it runs again."""
    with c.engine.begin() as conn:
        conn.execute(
            update(IdempotencyKeyRow).values(
                status_code=None,
                response_body=None,
                created_at=datetime.now(UTC) - IN_FLIGHT_TAKEOVER - timedelta(seconds=1),
            )
        )
