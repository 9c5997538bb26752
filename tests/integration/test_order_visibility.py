"""Who may see an order: `can_see_order` (one statement, for the lists of an order's cases)
decides as `order_detail` does, for every role, another party and a missing order."""

from __future__ import annotations

from recourse.container import Container
from recourse.db.queries.order_access import can_see_order
from recourse.db.queries.orders import order_detail
from recourse.domain.roles import Actor, Role
from recourse.integrations.clock import FixedClock
from tests.factories import make_order, make_store, make_user


def test_can_see_order_answers_as_order_detail_for_every_role(
    container: Container, clock: FixedClock
) -> None:
    store = make_store(container)
    other_store = make_store(container)
    buyer = make_user(container, role=Role.buyer, email="ann@example.com")
    other_buyer = make_user(container, role=Role.buyer, email="bob@example.com")
    order = make_order(container, buyer_id=buyer, store_id=store)
    actors = {
        "the buyer": (Actor(Role.buyer, buyer), True),
        "another buyer": (Actor(Role.buyer, other_buyer), False),
        "the store's seller": (Actor(Role.seller, 90, store_ids=frozenset({store})), True),
        "another store's seller": (
            Actor(Role.seller, 91, store_ids=frozenset({other_store})),
            False,
        ),
        "support": (Actor(Role.support, 92), True),
        "the operator": (Actor(Role.operator), True),
    }
    with container.read_session() as s:
        for who, (actor, sees) in actors.items():
            assert can_see_order(s, actor, order) is sees, who
            assert (order_detail(s, actor, order, clock.now()) is not None) is sees, who
            assert not can_see_order(s, actor, order + 1000), who
