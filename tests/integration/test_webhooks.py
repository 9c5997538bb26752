"""M3/M4 webhooks: fan-out, signed delivery to a real local receiver, retries, replay."""

from __future__ import annotations

import itertools
import json
import socket
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from recourse.cli import _worker
from recourse.container import Container
from recourse.db import models as m
from recourse.db import outbox
from recourse.db.queries.webhooks import DeliveryView, deliveries_page
from recourse.domain.errors import InvalidInput, NotAllowed, RuleConflict
from recourse.domain.roles import Actor, Role
from recourse.integrations.clock import FixedClock
from recourse.services import refunds, webhooks
from recourse.worker import webhooks as webhook_work
from recourse.worker.runner import backoff
from tests.factories import actor_of, make_order, make_store, make_user, pay
from tests.webhook_receiver import Receiver

OPERATOR = Actor(Role.operator)


def closed_port_url() -> str:
    """A local URL nothing listens on: every attempt fails with a network error."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/hooks"


@pytest.fixture
def paid(container: Container) -> dict[str, int]:
    store = make_store(container)
    buyer = make_user(container, role=Role.buyer)
    support = make_user(container, role=Role.support)
    order = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order)
    return {"order": order, "support": support}


def subscribe(
    c: Container, receiver: Receiver, path: str, events: list[str], status: int = 200
) -> int:
    created = webhooks.register_endpoint(
        c.uow(), c.ctx, actor=OPERATOR, url=receiver.url(path), events=events
    )
    receiver.secrets[path] = created.secret
    receiver.status[path] = status
    return created.id


def refund(c: Container, paid: dict[str, int], amount: int = 1000) -> int:
    return refunds.issue_manual_refund(
        c.uow(),
        c.ctx,
        actor=actor_of(c, paid["support"]),
        order_id=paid["order"],
        amount=amount,
        reason="goodwill",
        gateway="sandbox",
    )


def published(c: Container) -> list[dict[str, Any]]:
    with c.read_session() as s:
        return [dict(e.payload) for e in s.scalars(select(m.EventRow).order_by(m.EventRow.id))]


def deliveries(c: Container, endpoint_id: int) -> list[DeliveryView]:
    with c.read_session() as s:
        return deliveries_page(s, endpoint_id, limit=100).items


def count(c: Container, stmt: Any) -> int:
    with c.read_session() as s:
        return int(s.scalar(stmt) or 0)


def by_id(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(items, key=lambda e: str(e["id"]))


def test_receiver_gets_every_refund_event_exactly_as_published_and_validly_signed(
    container: Container, paid: dict[str, int], receiver: Receiver, clock: FixedClock
) -> None:
    subscribe(container, receiver, "/all", ["*"])
    refund(container, paid)
    worker = _worker(container)

    worker.run_once()
    clock.advance(timedelta(hours=2))
    worker.run_once()

    got = receiver.at("/all")
    events = published(container)
    assert sorted(e["type"] for e in events) == [
        "refund.created",
        "refund.processing",
        "refund.succeeded",
    ]
    assert [r.error for r in got] == [None, None, None]
    assert by_id([r.payload for r in got]) == by_id(events)
    assert [json.loads(r.body) for r in got] == [r.payload for r in got]
    assert [r.headers["webhook-id"] for r in got] == [r.payload["id"] for r in got]
    assert {r.headers["content-type"] for r in got} == {"application/json"}
    assert {r.headers["user-agent"] for r in got} == {"Recourse-Webhooks/1"}


def test_endpoint_receives_only_the_types_it_subscribed_to(
    container: Container, paid: dict[str, int], receiver: Receiver, clock: FixedClock
) -> None:
    subscribe(container, receiver, "/all", ["*"])
    subscribe(container, receiver, "/done", ["refund.succeeded"])
    subscribe(container, receiver, "/refunds", ["refund.*"])
    subscribe(container, receiver, "/orders", ["order.cancelled"])
    refund(container, paid)
    worker = _worker(container)

    worker.run_once()
    clock.advance(timedelta(hours=2))
    worker.run_once()

    assert [r.payload["type"] for r in receiver.at("/done")] == ["refund.succeeded"]
    assert [r.error for r in receiver.at("/done")] == [None]
    assert len(receiver.at("/all")) == 3
    assert len(receiver.at("/refunds")) == 3
    assert receiver.at("/orders") == []


def test_failing_receiver_is_retried_with_growing_intervals_until_it_recovers(
    container: Container, paid: dict[str, int], receiver: Receiver, clock: FixedClock
) -> None:
    endpoint = subscribe(container, receiver, "/flaky", ["refund.created"], status=500)
    refund(container, paid)
    worker = _worker(container)
    worker.run_once()
    for _ in range(3):
        pending = deliveries(container, endpoint)[0]
        assert pending.status == "failed"
        assert pending.next_attempt_at is not None
        clock.set(pending.next_attempt_at)
        worker.run_once()

    failing = deliveries(container, endpoint)[0]
    times = [a.at for a in failing.attempt_log]
    assert [(b - a).total_seconds() for a, b in itertools.pairwise(times)] == [
        30,
        60,
        120,
    ]
    assert failing.next_attempt_at is not None
    assert (failing.next_attempt_at - times[-1]).total_seconds() == 240
    assert [a.status_code for a in failing.attempt_log] == [500, 500, 500, 500]
    assert {a.error for a in failing.attempt_log} == {"The endpoint answered HTTP 500."}
    assert {a.response_excerpt for a in failing.attempt_log} == {"receiver says no"}

    receiver.status["/flaky"] = 200
    clock.set(failing.next_attempt_at)
    worker.run_once()

    delivered = deliveries(container, endpoint)[0]
    assert delivered.status == "delivered"
    assert delivered.attempts == 5
    assert delivered.next_attempt_at is None
    assert delivered.last_status_code == 200
    assert [a.status_code for a in delivered.attempt_log] == [500, 500, 500, 500, 200]
    got = receiver.at("/flaky")
    assert [r.error for r in got] == [None] * 5
    assert {r.headers["webhook-id"] for r in got} == {delivered.event_id}


def test_delivery_gives_up_after_the_last_attempt_more_than_a_day_later_and_replay_revives_it(
    container: Container, paid: dict[str, int], receiver: Receiver, clock: FixedClock
) -> None:
    created = webhooks.register_endpoint(
        container.uow(),
        container.ctx,
        actor=OPERATOR,
        url=closed_port_url(),
        events=["refund.created"],
    )
    refund(container, paid)
    worker = _worker(container)
    worker.run_once()
    for _ in range(19):
        waiting = deliveries(container, created.id)[0]
        assert waiting.next_attempt_at is not None
        clock.set(waiting.next_attempt_at)
        worker.run_once()
    clock.advance(timedelta(days=7))
    worker.run_once()

    dead = deliveries(container, created.id)[0]
    assert dead.status == "dead"
    assert dead.attempts == 20
    assert dead.next_attempt_at is None
    assert len(dead.attempt_log) == 20
    assert {a.status_code for a in dead.attempt_log} == {None}
    assert all("ConnectError" in str(a.error) for a in dead.attempt_log)
    assert dead.attempt_log[-1].at - dead.attempt_log[0].at > timedelta(hours=24)
    assert [x["kind"] for x in outbox.dead_letters(container.engine)] == ["webhook"]

    receiver.secrets["/fixed"] = created.secret
    webhooks.update_endpoint(
        container.uow(),
        container.ctx,
        actor=OPERATOR,
        endpoint_id=created.id,
        url=receiver.url("/fixed"),
    )
    webhooks.replay_delivery(container.uow(), container.ctx, actor=OPERATOR, delivery_id=dead.id)
    worker.run_once()

    revived = deliveries(container, created.id)[0]
    assert revived.status == "delivered"
    assert revived.attempts == 21
    assert [r.headers["webhook-id"] for r in receiver.at("/fixed")] == [dead.event_id]
    assert [r.error for r in receiver.at("/fixed")] == [None]


def test_replay_sends_a_delivered_event_again_with_the_same_webhook_id(
    container: Container, paid: dict[str, int], receiver: Receiver, clock: FixedClock
) -> None:
    endpoint = subscribe(container, receiver, "/shop", ["refund.created"])
    refund(container, paid)
    worker = _worker(container)
    worker.run_once()
    first = deliveries(container, endpoint)[0]
    assert first.status == "delivered"

    clock.advance(timedelta(minutes=5))
    webhooks.replay_delivery(
        container.uow(),
        container.ctx,
        actor=actor_of(container, paid["support"]),
        delivery_id=first.id,
    )
    assert deliveries(container, endpoint)[0].status == "pending"
    worker.run_once()

    again = deliveries(container, endpoint)[0]
    got = receiver.at("/shop")
    assert again.status == "delivered"
    assert again.attempts == 2
    assert [a.at - first.attempt_log[0].at for a in again.attempt_log] == [
        timedelta(0),
        timedelta(minutes=5),
    ]
    assert [r.headers["webhook-id"] for r in got] == [first.event_id, first.event_id]
    assert [r.error for r in got] == [None, None]
    assert got[0].body == got[1].body


def test_fan_out_repeated_after_a_crash_creates_no_duplicate_deliveries(
    container: Container, paid: dict[str, int], receiver: Receiver
) -> None:
    subscribe(container, receiver, "/a", ["refund.created"])
    subscribe(container, receiver, "/b", ["refund.created"])
    refund(container, paid)
    with container.read_session() as s:
        event_id = s.scalar(select(m.EventRow.id).where(m.EventRow.type == "refund.created"))
    assert event_id is not None

    once = webhooks.fan_out(container.uow(), container.ctx, event_id=event_id)
    twice = webhooks.fan_out(container.uow(), container.ctx, event_id=event_id)
    _worker(container).run_once()

    assert len(once) == 2
    assert twice == once
    assert count(container, select(func.count()).select_from(m.WebhookDeliveryRow)) == 2
    assert count(container, select(func.count()).where(m.OutboxRow.kind == "webhook")) == 2
    assert [r.payload["id"] for r in receiver.at("/a")] == [event_id]
    assert [r.payload["id"] for r in receiver.at("/b")] == [event_id]


def test_message_handled_again_after_a_crash_does_not_resend_a_delivered_event(
    container: Container, paid: dict[str, int], receiver: Receiver
) -> None:
    endpoint = subscribe(container, receiver, "/once", ["refund.created"])
    refund(container, paid)
    worker = _worker(container)
    worker.run_once()
    delivered = deliveries(container, endpoint)[0]
    again = outbox.Claimed(id=0, kind="webhook", payload={"delivery_id": delivered.id}, attempts=2)

    webhook_work.deliver(worker.deps, again, backoff)

    assert deliveries(container, endpoint)[0].attempts == 1
    assert len(receiver.at("/once")) == 1


def test_disabled_endpoint_gets_nothing_and_cannot_be_replayed(
    container: Container, paid: dict[str, int], receiver: Receiver
) -> None:
    kept = subscribe(container, receiver, "/kept", ["refund.created"])
    paused = subscribe(container, receiver, "/paused", ["refund.created"])
    off = subscribe(container, receiver, "/off", ["refund.created"])
    webhooks.update_endpoint(
        container.uow(), container.ctx, actor=OPERATOR, endpoint_id=off, active=False
    )
    refund(container, paid)
    with container.read_session() as s:
        event_id = s.scalar(select(m.EventRow.id).where(m.EventRow.type == "refund.created"))
    assert event_id is not None
    webhooks.fan_out(container.uow(), container.ctx, event_id=event_id)
    webhooks.update_endpoint(
        container.uow(), container.ctx, actor=OPERATOR, endpoint_id=paused, active=False
    )
    _worker(container).run_once()

    skipped = deliveries(container, paused)[0]
    assert skipped.status == "skipped"
    assert skipped.attempt_log == []
    assert deliveries(container, off) == []
    assert receiver.at("/paused") == []
    assert receiver.at("/off") == []
    assert len(receiver.at("/kept")) == 1
    assert deliveries(container, kept)[0].status == "delivered"
    with pytest.raises(RuleConflict) as excinfo:
        webhooks.replay_delivery(
            container.uow(), container.ctx, actor=OPERATOR, delivery_id=skipped.id
        )
    assert excinfo.value.code == "endpoint_disabled"


def test_endpoint_registered_after_an_event_does_not_receive_it(
    container: Container, paid: dict[str, int], receiver: Receiver, clock: FixedClock
) -> None:
    refund(container, paid)
    clock.advance(timedelta(seconds=1))
    subscribe(container, receiver, "/late", ["refund.created"])

    _worker(container).run_once()

    assert receiver.at("/late") == []


def test_registering_names_the_unknown_event_type_and_lists_the_catalogue(
    container: Container,
) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        webhooks.register_endpoint(
            container.uow(),
            container.ctx,
            actor=OPERATOR,
            url="https://shop.example/hooks",
            events=["refund.succeeded", "refund.exploded"],
        )
    assert excinfo.value.field == "events[1]"
    assert {"refund.succeeded", "order.cancelled", "*"} <= set(excinfo.value.facts["allowed"])


def test_only_the_operator_registers_endpoints(container: Container) -> None:
    agent = actor_of(container, make_user(container, role=Role.support))
    with pytest.raises(NotAllowed):
        webhooks.register_endpoint(
            container.uow(),
            container.ctx,
            actor=agent,
            url="https://shop.example/hooks",
            events=["*"],
        )
