"""STYLE 10: a use case records what happened; one subscriber table tells — one email per thing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from recourse.bootstrap import make_worker
from recourse.container import Container
from recourse.db import models as m
from recourse.domain.roles import Role
from recourse.integrations.clock import FixedClock
from recourse.services import cancellations
from tests.factories import actor_of, make_order, make_store, make_user, pay


def _event_types(c: Container, order_id: int) -> list[str]:
    with c.read_session() as s:
        rows = s.scalars(select(m.EventRow).order_by(m.EventRow.created_at))
        return [r.type for r in rows if r.payload["data"].get("order_id") == order_id]


def test_instant_cancellation_that_refunds_mails_the_buyer_once_and_publishes_one_refund_event(
    container: Container, clock: FixedClock
) -> None:
    store = make_store(container, name="Volt", buyer_cancel="instant")
    buyer = make_user(container, role=Role.buyer, email="una@example.com")
    order_id = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order_id)
    clock.advance(timedelta(minutes=10))
    cancellations.cancel_order(
        container.uow(),
        container.ctx,
        actor=actor_of(container, buyer),
        order_id=order_id,
        reason="changed_mind",
    )
    make_worker(container).run_once()
    assert container.mailbox is not None
    mailed = [x["template"] for x in container.mailbox.list(to="una@example.com")]
    assert mailed.count("cancellation_completed") == 1
    assert "refund_created" not in mailed, mailed
    assert _event_types(container, order_id).count("refund.created") == 1
