"""§12: Idempotency-Key replays the first response; reuse with another body is a 409."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from recourse.container import Container
from recourse.db import models as m
from tests.factories import make_store, make_user
from tests.web.api_helpers import operator_headers, order_body


def _orders(c: Container) -> int:
    with c.read_session() as s:
        return int(s.scalar(select(func.count()).select_from(m.OrderRow)) or 0)


def test_same_key_and_body_replays_the_first_response(
    client: TestClient, container: Container
) -> None:
    headers = {**operator_headers(container), "Idempotency-Key": "order-42"}
    body = order_body(make_user(container), make_store(container))
    first = client.post("/api/v1/orders", json=body, headers=headers)
    second = client.post("/api/v1/orders", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["idempotent-replayed"] == "true"
    assert _orders(container) == 1


def test_same_key_with_another_body_is_a_conflict(client: TestClient, container: Container) -> None:
    headers = {**operator_headers(container), "Idempotency-Key": "order-43"}
    body = order_body(make_user(container), make_store(container))
    client.post("/api/v1/orders", json=body, headers=headers)
    reused = client.post("/api/v1/orders", json={**body, "shipping_fee": 0}, headers=headers)
    assert reused.status_code == 409
    assert reused.json()["error"]["code"] == "idempotency_key_reused"
    assert _orders(container) == 1


def test_a_rejected_request_is_replayed_too(client: TestClient, container: Container) -> None:
    headers = {**operator_headers(container), "Idempotency-Key": "bad-1"}
    body = order_body(999, make_store(container))
    first = client.post("/api/v1/orders", json=body, headers=headers)
    second = client.post("/api/v1/orders", json=body, headers=headers)
    assert first.status_code == second.status_code == 404
    assert second.json() == first.json()


def test_keys_are_scoped_to_the_caller(client: TestClient, container: Container) -> None:
    body = order_body(make_user(container), make_store(container))
    one = {**operator_headers(container), "Idempotency-Key": "shared"}
    two = {**operator_headers(container), "Idempotency-Key": "shared"}
    assert client.post("/api/v1/orders", json=body, headers=one).status_code == 201
    assert client.post("/api/v1/orders", json=body, headers=two).status_code == 201
    assert _orders(container) == 2
