"""What the demo's tests share: the demo seeded quietly, and its orders as support sees them."""

from __future__ import annotations

import io

from rich.console import Console

from recourse import demo_data
from recourse.container import Container
from recourse.db.queries import orders as order_queries
from recourse.domain.order import OrderStatus
from recourse.domain.roles import Actor, Role

SUPPORT = Actor(Role.support)
STATUSES = [s for s in OrderStatus if s is not OrderStatus.closed]


def seed(container: Container) -> demo_data.DemoInfo:
    return demo_data.seed(container, console=Console(file=io.StringIO()))


def all_orders(container: Container, actor: Actor = SUPPORT) -> list[order_queries.OrderSummary]:
    with container.read_session() as session:
        return order_queries.list_orders(session, actor, container.clock.now(), limit=1000).items


def statuses_of(container: Container, actor: Actor) -> dict[str, int]:
    """How many orders the actor sees in each status."""
    now = container.clock.now()
    with container.read_session() as session:
        return {
            str(s): len(
                order_queries.list_orders(session, actor, now, statuses=(str(s),), limit=1000).items
            )
            for s in STATUSES
        }
