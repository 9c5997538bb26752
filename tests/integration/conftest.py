"""Integration fixtures: a store with a seller and a buyer, made through the use cases."""

from __future__ import annotations

import pytest

from recourse.container import Container
from recourse.domain.roles import Role
from tests.factories import actor_of, make_store, make_user
from tests.integration.support import Parties


@pytest.fixture
def parties(container: Container) -> Parties:
    store_id = make_store(container, country="DE")
    buyer_id = make_user(container, role=Role.buyer, email="buyer@example.com")
    seller_id = make_user(container, role=Role.seller, store_ids=[store_id])
    return Parties(
        store_id=store_id,
        buyer_id=buyer_id,
        buyer_email="buyer@example.com",
        buyer=actor_of(container, buyer_id),
        seller=actor_of(container, seller_id),
    )
