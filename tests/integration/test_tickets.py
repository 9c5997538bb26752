"""H2 "Contact support" on a real database: opening, a double submit, another party's order,
closing by support, and the timeline entries each side sees."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from recourse.container import Container
from recourse.db import models as m
from recourse.db.queries.tickets import order_tickets, ticket_queue
from recourse.domain.errors import IllegalTransition, InvalidInput, NotAllowed, NotFound
from recourse.domain.roles import Role
from recourse.domain.tickets import TicketStatus
from recourse.integrations.clock import FixedClock
from recourse.services import tickets
from tests.factories import actor_of, make_order, make_store, make_user, pay


@pytest.fixture
def world(container: Container) -> dict[str, int]:
    store = make_store(container, name="Maison Lune")
    other_store = make_store(container, name="Volt")
    buyer = make_user(container, role=Role.buyer, name="Ann")
    other_buyer = make_user(container, role=Role.buyer)
    seller = make_user(container, role=Role.seller, name="Sam", store_ids=[store])
    other_seller = make_user(container, role=Role.seller, store_ids=[other_store])
    support = make_user(container, role=Role.support, name="Sue")
    order = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order)
    return {
        "order": order,
        "buyer": buyer,
        "other_buyer": other_buyer,
        "seller": seller,
        "other_seller": other_seller,
        "support": support,
    }


def _open(c: Container, user: int, order: int, message: str) -> tickets.TicketOpened:
    return tickets.open_ticket(
        c.uow(), c.ctx, actor=actor_of(c, user), order_id=order, message=message
    )


def _timeline(c: Container, order: int) -> list[m.TimelineRow]:
    with c.read_session() as s:
        return list(
            s.scalars(
                select(m.TimelineRow)
                .where(
                    m.TimelineRow.order_id == order, m.TimelineRow.action.like("support_ticket.%")
                )
                .order_by(m.TimelineRow.id)
            )
        )


def test_buyer_opens_a_ticket_seen_in_the_queue(
    container: Container, world: dict[str, int]
) -> None:
    opened = _open(container, world["buyer"], world["order"], "  Where is my parcel?\n")
    assert opened.created
    with container.read_session() as s:
        (view,) = ticket_queue(s)
        assert order_tickets(s, world["order"]) == [view]
    assert view.id == opened.ticket_id
    assert (view.order_id, view.opener_role, view.status) == (world["order"], "buyer", "open")
    assert (view.opener_name, view.store_name) == ("Ann", "Maison Lune")
    assert view.message == "Where is my parcel?"
    (entry,) = _timeline(container, world["order"])
    assert (entry.action, entry.actor_role, entry.actor_id) == (
        "support_ticket.opened",
        "buyer",
        world["buyer"],
    )
    # the opener and support read it; the seller does not
    assert (entry.visible_to_buyer, entry.visible_to_seller) == (True, False)
    assert entry.data == {"ticket_id": opened.ticket_id}


def test_seller_opens_a_ticket_the_buyer_does_not_see(
    container: Container, world: dict[str, int]
) -> None:
    opened = _open(container, world["seller"], world["order"], "The buyer's address is wrong.")
    with container.read_session() as s:
        (view,) = ticket_queue(s)
    assert (view.id, view.opener_role) == (opened.ticket_id, "seller")
    (entry,) = _timeline(container, world["order"])
    assert (entry.visible_to_buyer, entry.visible_to_seller) == (False, True)


def test_double_submit_opens_one_ticket(
    container: Container, world: dict[str, int], clock: FixedClock
) -> None:
    first = _open(container, world["buyer"], world["order"], "Help please")
    clock.advance(timedelta(seconds=30))
    again = _open(container, world["buyer"], world["order"], "Help please  ")
    assert (again.ticket_id, again.created) == (first.ticket_id, False)
    other = _open(container, world["buyer"], world["order"], "Something else")
    assert other.created and other.ticket_id != first.ticket_id
    clock.advance(timedelta(minutes=1))
    later = _open(container, world["buyer"], world["order"], "Help please")
    assert later.created
    with container.read_session() as s:
        assert len(ticket_queue(s)) == 3
    assert len(_timeline(container, world["order"])) == 3


@pytest.mark.parametrize("party", ["other_buyer", "other_seller"])
def test_another_partys_order_is_not_found(
    container: Container, world: dict[str, int], party: str
) -> None:
    with pytest.raises(NotFound):
        _open(container, world[party], world["order"], "Hello")
    with pytest.raises(NotFound):
        _open(container, world["buyer"], 999_999, "Hello")
    with container.read_session() as s:
        assert ticket_queue(s) == []


def test_support_cannot_open_and_bad_messages_are_refused(
    container: Container, world: dict[str, int]
) -> None:
    with pytest.raises(NotAllowed):
        _open(container, world["support"], world["order"], "Note to self")
    with pytest.raises(InvalidInput) as caught:
        _open(container, world["buyer"], world["order"], "   ")
    assert caught.value.field == "message"
    with pytest.raises(InvalidInput):
        _open(container, world["buyer"], world["order"], "x" * 4001)
    with pytest.raises(InvalidInput):
        _open(container, world["buyer"], world["order"], "nul\x00")
    with container.read_session() as s:
        assert ticket_queue(s) == []


def test_support_closes_a_ticket(
    container: Container, world: dict[str, int], clock: FixedClock
) -> None:
    opened = _open(container, world["buyer"], world["order"], "Where is it?")
    _open(container, world["seller"], world["order"], "Later one")
    clock.advance(timedelta(hours=2))
    support = actor_of(container, world["support"])
    tickets.close_ticket(container.uow(), container.ctx, actor=support, ticket_id=opened.ticket_id)
    with container.read_session() as s:
        queue = ticket_queue(s)
        assert [v.status for v in queue] == ["open", "closed"]  # open first
        assert ticket_queue(s, status=TicketStatus.closed)[0].closed_at == clock.now()
    with pytest.raises(IllegalTransition):
        tickets.close_ticket(
            container.uow(), container.ctx, actor=support, ticket_id=opened.ticket_id
        )
    for party in ("buyer", "seller"):
        with pytest.raises(NotFound):
            tickets.close_ticket(
                container.uow(),
                container.ctx,
                actor=actor_of(container, world[party]),
                ticket_id=queue[0].id,
            )
    with pytest.raises(NotFound):
        tickets.close_ticket(container.uow(), container.ctx, actor=support, ticket_id=999_999)
    closed = _timeline(container, world["order"])[-1]
    assert (closed.action, closed.actor_role) == ("support_ticket.closed", "support")
    assert (closed.visible_to_buyer, closed.visible_to_seller) == (True, False)


def test_queue_is_oldest_first(
    container: Container, world: dict[str, int], clock: FixedClock
) -> None:
    first = _open(container, world["buyer"], world["order"], "one")
    clock.advance(timedelta(minutes=5))
    second = _open(container, world["seller"], world["order"], "two")
    with container.read_session() as s:
        assert [v.id for v in ticket_queue(s)] == [first.ticket_id, second.ticket_id]
