"""§10 deadlines in batches: the worker fires a claimed batch of due deadlines in one
transaction (their cancellations and orders locked at once, the same use case per deadline,
one commit that also marks every message delivered). A failing deadline does not hold the
others back, and a crash in the middle of a batch leaves nothing half done: run again, every
request ends with exactly one refund and one set of notifications."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select, update

from recourse.bootstrap import make_worker
from recourse.container import Container
from recourse.db import models as m
from recourse.db import outbox
from recourse.db.models.platform import OUTBOX_SHARDS
from recourse.domain.roles import Actor, Role
from recourse.integrations.clock import FixedClock
from recourse.services import cancellations, refunds
from recourse.worker.runner import Worker, shard_of
from tests.factories import actor_of, make_order, make_store, make_user, pay
from tests.integration.test_store_status_counts import counted, kept_counts

REQUESTS = 12
RESPONSE_HOURS = 48


def _requests(
    c: Container, clock: FixedClock, n: int = REQUESTS, goodwill: dict[int, int] | None = None
) -> list[int]:
    """`n` paid orders at an approval store, each with a pending cancellation request; the
    clock then stands past every respond_by, with nothing else due. `goodwill` {i: amount}:
    support refunded that much of the i-th order after payment."""
    store = make_store(c, buyer_cancel="approval", cancel_response_hours=RESPONSE_HOURS)
    make_user(c, role=Role.seller, store_ids=[store])
    buyers = [make_user(c, role=Role.buyer) for _ in range(3)]
    orders = []
    for i in range(n):
        buyer = buyers[i % len(buyers)]
        order_id = make_order(c, buyer_id=buyer, store_id=store)
        pay(c, order_id)
        orders.append((order_id, buyer))
        if goodwill and i in goodwill:
            refunds.issue_manual_refund(
                c.uow(),
                c.ctx,
                actor=actor_of(c, make_user(c, role=Role.support)),
                order_id=order_id,
                amount=goodwill[i],
                reason="goodwill",
                gateway="sandbox",
            )
    clock.advance(timedelta(hours=2))
    ids = []
    for order_id, buyer in orders:
        request = cancellations.cancel_order(
            c.uow(),
            c.ctx,
            actor=Actor(Role.buyer, user_id=buyer),
            order_id=order_id,
            reason="changed_mind",
        )
        assert str(request.status) == "pending_seller"
        ids.append(request.id)
    # what fell due before respond_by was handled (reminders, request emails, events)
    clock.advance(timedelta(hours=RESPONSE_HOURS) - timedelta(minutes=5))
    _deliver_everything_due(c)
    clock.advance(timedelta(minutes=10))
    return ids


def _deliver_everything_due(c: Container) -> None:
    with c.engine.begin() as conn:
        conn.execute(
            update(m.OutboxRow)
            .where(m.OutboxRow.delivered_at.is_(None), m.OutboxRow.available_at <= c.clock.now())
            .values(delivered_at=datetime.now(UTC))
        )


def _respond_by_messages(c: Container) -> dict[int, m.OutboxRow]:
    with c.read_session() as s:
        rows = s.scalars(
            select(m.OutboxRow).where(
                m.OutboxRow.kind == "deadline",
                m.OutboxRow.payload["name"].as_string() == cancellations.RESPOND_BY,
            )
        )
        return {int(row.payload["subject_id"]): row for row in rows}


def _outcome(c: Container, ids: list[int]) -> dict[str, object]:
    with c.read_session() as s:
        statuses = Counter(
            s.scalars(select(m.CancellationRow.status).where(m.CancellationRow.id.in_(ids)))
        )
        orders = list(
            s.scalars(select(m.CancellationRow.order_id).where(m.CancellationRow.id.in_(ids)))
        )
        refunds = Counter(
            s.scalars(select(m.RefundRow.order_id).where(m.RefundRow.order_id.in_(orders)))
        )
        completed = Counter(
            s.scalars(
                select(m.TimelineRow.order_id).where(
                    m.TimelineRow.order_id.in_(orders), m.TimelineRow.action == "order.cancelled"
                )
            )
        )
        notes = Counter(
            s.execute(
                select(m.NotificationRow.order_id, m.NotificationRow.user_id).where(
                    m.NotificationRow.kind == "cancellation.completed"
                )
            ).all()
        )
        emails = Counter(
            s.scalars(
                select(m.OutboxRow.payload["template"].as_string()).where(
                    m.OutboxRow.kind == "email",
                    m.OutboxRow.payload["template"]
                    .as_string()
                    .in_(["cancellation_completed", "cancellation_seller_notice"]),
                )
            )
        )
        sends = s.scalar(select(func.count()).where(m.OutboxRow.kind == "refund.send"))
        # the status each order was left in, from its cases and refunds as the batch saw them
        stored = Counter(s.scalars(select(m.OrderRow.status).where(m.OrderRow.id.in_(orders))))
    return {
        "statuses": dict(statuses),
        "refunds per order": sorted(set(refunds.values())) if refunds else [],
        "orders refunded": len(refunds),
        "cancelled entries per order": sorted(set(completed.values())) if completed else [],
        # the buyer's and the seller's, once each
        "completion notifications": (len(notes), sorted(set(notes.values()))),
        "emails": dict(emails),
        "refund sends": sends,
        "order statuses": dict(stored),
    }


def _all_done(n: int) -> dict[str, object]:
    return {
        "statuses": {"auto_approved": n},
        "refunds per order": [1],
        "orders refunded": n,
        "cancelled entries per order": [1],
        "completion notifications": (2 * n, [1]),
        "emails": {"cancellation_completed": n, "cancellation_seller_notice": n},
        "refund sends": n,
        "order statuses": {"cancelled": n},
    }


def _commits(c: Container) -> Counter[str]:
    seen: Counter[str] = Counter()

    def commit(_conn: object) -> None:
        seen["commits"] += 1

    event.listen(c.engine, "commit", commit)
    return seen


def test_a_batch_of_due_requests_is_carried_out_in_one_transaction_each_once(
    container: Container, clock: FixedClock
) -> None:
    ids = _requests(container, clock)
    worker = make_worker(container, name="sweeper")
    claimed = outbox.claim(container.engine, now=clock.now(), worker_id="sweeper", batch=50)
    assert sorted(int(c.payload["subject_id"]) for c in claimed) == sorted(ids)
    seen = _commits(container)
    worker._sweep(claimed)

    assert seen["commits"] == 1
    assert _outcome(container, ids) == _all_done(REQUESTS)
    assert kept_counts(container) == counted(container)  # the store's tab counts moved too
    messages = _respond_by_messages(container)
    assert {row.delivered_at is not None for row in messages.values()} == {True}
    assert {row.attempts for row in messages.values()} == {1}
    worker.run_once()  # what they queued: emails, events, refund sends
    assert _outcome(container, ids) == _all_done(REQUESTS)


def test_a_failing_deadline_in_a_batch_is_retried_alone_and_the_others_go_through(
    container: Container, clock: FixedClock
) -> None:
    ids = _requests(container, clock)
    with container.engine.begin() as conn:  # a deadline no handler knows, due with the others
        conn.execute(
            m.OutboxRow.__table__.insert().values(  # type: ignore[attr-defined]
                kind="deadline",
                payload={"name": "no.such.deadline", "subject_id": 1},
                created_at=clock.now() - timedelta(hours=1),
                available_at=clock.now() - timedelta(hours=1),
                attempts=0,
            )
        )
    worker = make_worker(container, name="sweeper")
    worker.deps.batch = REQUESTS + 1
    worker.run_once()

    assert _outcome(container, ids) == _all_done(REQUESTS)
    with container.read_session() as s:
        failed = s.scalars(
            select(m.OutboxRow).where(m.OutboxRow.payload["name"].as_string() == "no.such.deadline")
        ).one()
    assert failed.delivered_at is None and failed.dead_at is None
    assert failed.attempts == 1
    assert "no handler for deadline 'no.such.deadline'" in (failed.last_error or "")
    assert failed.available_at > clock.now()  # retried after its back-off


class Crash(BaseException):
    """The process dies (as a SIGKILL would stop it): no handler of the worker sees it."""


def _crashing_after(worker: Worker, k: int) -> None:
    """The worker's process dies while it fires the k-th deadline of its batch."""
    fire = worker._fire_deadline
    fired = 0

    def fire_then_crash(uow: object, payload: dict[str, object]) -> None:
        nonlocal fired
        fired += 1
        if fired == k:
            raise Crash
        fire(uow, payload)  # type: ignore[arg-type]

    worker._fire_deadline = fire_then_crash  # type: ignore[method-assign]


@pytest.mark.parametrize("k", [1, 7, REQUESTS])
def test_a_crash_in_the_middle_of_a_batch_loses_nothing_and_doubles_nothing(
    container: Container, clock: FixedClock, k: int
) -> None:
    ids = _requests(container, clock)
    first = make_worker(container, name="first")
    first.deps.batch = REQUESTS
    _crashing_after(first, k)
    with pytest.raises(Crash):
        first.run_once()

    # the batch's transaction never committed: nothing of it is kept, every message still
    # waits, leased to the dead worker
    assert _outcome(container, ids) == {
        "statuses": {"pending_seller": REQUESTS},
        "refunds per order": [],
        "orders refunded": 0,
        "cancelled entries per order": [],
        "completion notifications": (0, []),
        "emails": {},
        "refund sends": 0,
        "order statuses": {"awaiting_shipment": REQUESTS},
    }
    messages = _respond_by_messages(container)
    assert {(row.delivered_at, row.locked_by) for row in messages.values()} == {(None, "first")}

    # its leases run out; another worker takes the messages over and carries them all out
    with container.engine.begin() as conn:
        conn.execute(
            update(m.OutboxRow)
            .where(m.OutboxRow.locked_by == "first")
            .values(locked_until=datetime.now(UTC) - timedelta(seconds=1))
        )
    second = make_worker(container, name="second")
    second.deps.batch = 5  # other batches than the first's
    second.run_once()
    second.run_once()  # a second pass finds nothing more to do

    assert _outcome(container, ids) == _all_done(REQUESTS)
    assert kept_counts(container) == counted(container)
    messages = _respond_by_messages(container)
    assert {row.delivered_at is not None for row in messages.values()} == {True}
    assert {row.attempts for row in messages.values()} == {2}


def test_a_deadline_with_nothing_left_to_do_is_settled_with_the_rest_of_its_batch(
    container: Container, clock: FixedClock
) -> None:
    ids = _requests(container, clock)
    with container.read_session() as s:
        store_id = s.scalars(select(m.CancellationRow.store_id)).first()
        seller_id = s.scalars(
            select(m.StoreStaffRow.user_id).where(m.StoreStaffRow.store_id == store_id)
        ).first()
    assert seller_id is not None
    # the seller answered one request in time; its deadline, claimed late, has nothing to do
    clock.advance(timedelta(minutes=-10))
    answered = cancellations.approve_cancellation(
        container.uow(), container.ctx, actor=actor_of(container, seller_id), cancellation_id=ids[3]
    )
    assert str(answered.status) == "approved"
    _deliver_everything_due(container)
    clock.advance(timedelta(minutes=10))
    worker = make_worker(container, name="sweeper")
    claimed = outbox.claim(container.engine, now=clock.now(), worker_id="sweeper", batch=50)
    seen = _commits(container)
    worker._sweep(claimed)

    assert seen["commits"] == 1
    # the approved one was refunded and told once, by the seller's approval
    assert _outcome(container, ids) == {
        **_all_done(REQUESTS),
        "statuses": {"auto_approved": REQUESTS - 1, "approved": 1},
    }
    assert {row.delivered_at is not None for row in _respond_by_messages(container).values()} == {
        True
    }


def test_a_shard_claim_takes_only_the_messages_about_that_shards_orders(
    container: Container, clock: FixedClock
) -> None:
    _requests(container, clock)
    with container.read_session() as s:
        shards = {
            row.order_id % OUTBOX_SHARDS
            for row in s.scalars(select(m.OutboxRow).where(m.OutboxRow.delivered_at.is_(None)))
            if row.order_id is not None
        }
    shard = min(shards)
    claimed = outbox.claim(container.engine, now=clock.now(), worker_id="w", batch=50, shard=shard)
    assert claimed
    assert {c.order_id % OUTBOX_SHARDS for c in claimed if c.order_id is not None} == {shard}
    assert all(c.order_id is not None for c in claimed)
    assert shard_of(claimed[0].order_id or 0) == shard


def test_a_batch_refunds_what_is_left_after_an_earlier_refund_of_the_same_order(
    container: Container, clock: FixedClock
) -> None:
    ids = _requests(container, clock, goodwill={5: 700})
    with container.read_session() as s:
        order_id = s.scalar(
            select(m.CancellationRow.order_id).where(m.CancellationRow.id == ids[5])
        )
        captured = s.scalar(select(m.OrderRow.amount_captured).where(m.OrderRow.id == order_id))
    assert order_id is not None and captured is not None
    worker = make_worker(container, name="sweeper")
    claimed = outbox.claim(container.engine, now=clock.now(), worker_id="sweeper", batch=50)
    worker._sweep(claimed)

    with container.read_session() as s:
        amounts = sorted(
            s.scalars(select(m.RefundRow.amount).where(m.RefundRow.order_id == order_id))
        )
    # the request's refund is what the goodwill refund left of the capture, never more
    assert amounts == sorted([700, captured - 700])
    assert _outcome(container, ids)["statuses"] == {"auto_approved": REQUESTS}
