"""§1/§10: what a deadline decides is recorded as the system, never as the operator with no id,
and the pages say so ("Recourse (automatic)")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from recourse.bootstrap import make_worker
from recourse.container import Container
from recourse.db import models as m
from recourse.db.queries.timeline import TimelineView
from recourse.domain.roles import Role
from recourse.integrations.clock import FixedClock
from recourse.services import cancellations
from recourse.web.pages.shared.present_orders import actor_label
from tests.factories import actor_of, make_order, make_store, make_user, pay
from tests.integration.support import timeline


def test_overdue_auto_cancel_is_recorded_as_the_system(
    container: Container, clock: FixedClock
) -> None:
    store = make_store(container, name="Slowpoke", buyer_cancel="approval")
    buyer = make_user(container, role=Role.buyer, email="ona@example.com")
    order_id = make_order(container, buyer_id=buyer, store_id=store)
    order = pay(container, order_id)
    assert order.deadlines.ship_by is not None
    clock.set(order.deadlines.ship_by + timedelta(days=4))
    make_worker(container).run_once()
    with container.read_session() as s:
        row = s.scalars(
            select(m.CancellationRow).where(m.CancellationRow.order_id == order_id)
        ).one()
    assert (row.initiator, row.requested_by_role) == ("system", "system")
    entries = timeline(container, order_id)
    automatic = [e for e in entries if e.action not in ("order.placed", "payment.captured")]
    assert automatic
    assert {(e.actor_role, e.actor_id) for e in automatic} == {("system", None)}


def test_request_approved_by_silence_is_decided_by_the_system(
    container: Container, clock: FixedClock
) -> None:
    store = make_store(container, name="Quiet", buyer_cancel="approval")
    buyer = make_user(container, role=Role.buyer, email="ivo@example.com")
    make_user(container, role=Role.seller, email="sy@example.com", store_ids=[store])
    order_id = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order_id)
    clock.advance(timedelta(hours=2))
    request = cancellations.cancel_order(
        container.uow(),
        container.ctx,
        actor=actor_of(container, buyer),
        order_id=order_id,
        reason="changed_mind",
    )
    clock.advance(timedelta(days=3))
    make_worker(container).run_once()
    with container.read_session() as s:
        row = s.get(m.CancellationRow, request.id)
        assert row is not None
        assert (row.status, row.decided_by_role) == ("auto_approved", "system")
    roles = {e.action: e.actor_role for e in timeline(container, order_id)}
    assert roles["order.placed"] == roles["payment.captured"] == "operator", roles  # the feed's
    assert {r for a, r in roles.items() if a not in ("order.placed", "payment.captured")} <= {
        "buyer",
        "system",
    }, roles


def test_pages_name_the_system_as_recourse_automatic() -> None:
    entry = TimelineView(
        at=datetime(2026, 1, 5, tzinfo=UTC),
        actor_role="system",
        actor_id=None,
        action="order.cancelled",
        from_state="awaiting_shipment",
        to_state="cancelled",
        reason="seller_overdue",
        note=None,
        data=None,
    )
    for audience in (Role.buyer, Role.seller, Role.support):
        assert actor_label(entry, audience, 7, "Quiet", {}) == "Recourse (automatic)"
