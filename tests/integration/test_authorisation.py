"""§1: buyers see their own orders, sellers their stores' orders; others get "not found"."""

from __future__ import annotations

import pytest

from recourse.container import Container
from recourse.domain.errors import NotAllowed, NotFound
from recourse.domain.roles import Actor, Role
from recourse.domain.shipment import ShipmentLine
from recourse.services import orders, shipping
from tests.factories import actor_of, get_order, make_order, make_store, make_user, pay
from tests.integration.support import Parties, row_counts


@pytest.fixture
def paid_order(container: Container, parties: Parties) -> int:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    pay(container, order_id)
    return order_id


@pytest.fixture
def other_buyer(container: Container) -> Actor:
    return actor_of(container, make_user(container, role=Role.buyer))


@pytest.fixture
def other_seller(container: Container) -> Actor:
    other_store = make_store(container)
    return actor_of(container, make_user(container, role=Role.seller, store_ids=[other_store]))


def ship_one(c: Container, actor: Actor, order_id: int) -> int:
    line = get_order(c, order_id).lines[0]
    return shipping.ship_order(
        c.uow(),
        c.ctx,
        actor=actor,
        order_id=order_id,
        lines=[ShipmentLine(line.id, 1)],
        carrier="DHL",
        tracking_number="JJD1",
    )


def test_another_buyer_gets_not_found(
    container: Container, paid_order: int, other_buyer: Actor
) -> None:
    with container.uow() as uow, pytest.raises(NotFound):
        orders.load_order(uow, other_buyer, paid_order)


def test_another_stores_seller_gets_not_found(
    container: Container, paid_order: int, other_seller: Actor
) -> None:
    with container.uow() as uow, pytest.raises(NotFound):
        orders.load_order(uow, other_seller, paid_order)


def test_not_found_for_someone_elses_order_reads_like_a_missing_one(
    container: Container, paid_order: int, other_buyer: Actor
) -> None:
    with container.uow() as uow, pytest.raises(NotFound) as theirs:
        orders.load_order(uow, other_buyer, paid_order)
    with container.uow() as uow, pytest.raises(NotFound) as missing:
        orders.load_order(uow, other_buyer, 987654)

    assert (theirs.value.code, theirs.value.facts) == (missing.value.code, missing.value.facts)


@pytest.mark.parametrize("who", ["buyer", "seller"])
def test_the_parties_can_load_their_order(
    container: Container, parties: Parties, paid_order: int, who: str
) -> None:
    actor = {"buyer": parties.buyer, "seller": parties.seller}[who]

    with container.uow() as uow:
        assert orders.load_order(uow, actor, paid_order).id == paid_order


def test_support_can_load_any_order(container: Container, paid_order: int) -> None:
    agent = actor_of(container, make_user(container, role=Role.support))

    with container.uow() as uow:
        assert orders.load_order(uow, agent, paid_order).id == paid_order


@pytest.mark.parametrize("who", ["other_buyer", "other_seller"])
def test_strangers_cannot_ship_and_are_told_it_does_not_exist(
    container: Container, paid_order: int, who: str, request: pytest.FixtureRequest
) -> None:
    stranger: Actor = request.getfixturevalue(who)
    before = row_counts(container)

    with pytest.raises(NotFound):
        ship_one(container, stranger, paid_order)

    assert row_counts(container) == before
    assert get_order(container, paid_order).lines[0].qty.shipped == 0


def test_a_buyer_cannot_ship_their_own_order(
    container: Container, parties: Parties, paid_order: int
) -> None:
    before = row_counts(container)

    with pytest.raises(NotAllowed):
        ship_one(container, parties.buyer, paid_order)

    assert row_counts(container) == before
    assert get_order(container, paid_order).lines[0].qty.shipped == 0


def test_the_stores_seller_ships(container: Container, parties: Parties, paid_order: int) -> None:
    ship_one(container, parties.seller, paid_order)

    assert get_order(container, paid_order).lines[0].qty.shipped == 1
