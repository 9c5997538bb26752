"""M4: what must follow a change is delivered at least once, retried with back-off, never lost."""

from __future__ import annotations

import time
from datetime import timedelta
from email.message import EmailMessage

import pytest
from sqlalchemy import update

from recourse.container import Container
from recourse.db import outbox
from recourse.db.uow import SqlUnitOfWork
from recourse.integrations.clock import FixedClock
from recourse.integrations.mail import Mailer
from recourse.services import notify
from recourse.worker.deps import WorkerDeps
from recourse.worker.runner import Worker, backoff
from tests.integration.support import Parties, mail_templates, outbox_rows, run_worker


class DownMailer:
    """The mail server is unreachable: every send fails (an external system, so a fake)."""

    def __init__(self) -> None:
        self.calls = 0

    def send(self, message: EmailMessage, *, to: str) -> None:
        self.calls += 1
        raise ConnectionRefusedError("mail server refused the connection")


def worker_with(c: Container, mailer: Mailer, *, max_attempts: int, name: str) -> Worker:
    return Worker(
        WorkerDeps(
            engine=c.engine,
            uow_factory=c.uow,
            ctx=c.ctx,
            mailer=mailer,
            renderer=c.renderer,
            read_session=c.read_session,
            max_attempts=max_attempts,
        ),
        name=name,
    )


def queue_email(c: Container, to_user_id: int, *, key: str = "order:1:cancelled_unpaid") -> None:
    with c.uow() as uow:
        notify.queue_email(
            uow,
            template="cancellation_completed",
            to_user_id=to_user_id,
            context={"order_id": 1, "whole": True, "items": [], "refund": None},
            now=c.clock.now(),
            dedupe_key=key,
        )
        uow.commit()


@pytest.mark.parametrize(
    ("attempts", "wait"),
    [
        (1, timedelta(seconds=30)),
        (2, timedelta(minutes=1)),
        (3, timedelta(minutes=2)),
        (10, timedelta(seconds=30 * 2**9)),
        (11, timedelta(hours=6)),
        (40, timedelta(hours=6)),
    ],
)
def test_back_off_doubles_from_thirty_seconds_up_to_six_hours(
    attempts: int, wait: timedelta
) -> None:
    assert backoff(attempts) == wait


def test_an_email_is_rendered_and_delivered_into_the_mailbox(
    container: Container, parties: Parties
) -> None:
    queue_email(container, parties.buyer_id)

    handled = run_worker(container)

    assert handled == 1
    assert mail_templates(container, parties.buyer_email) == ["cancellation_completed"]
    assert [(m["attempts"], m["delivered"]) for m in outbox_rows(container, "email")] == [(1, True)]
    assert container.mailbox is not None
    [item] = container.mailbox.list(to=parties.buyer_email)
    message = container.mailbox.get(item["key"])
    assert message is not None
    assert "#1" in message["subject"]
    assert "is cancelled" in message["text"] and "is cancelled" in message["html"]


def test_a_delivered_message_is_not_delivered_again(container: Container, parties: Parties) -> None:
    queue_email(container, parties.buyer_id)
    run_worker(container)

    assert run_worker(container) == 0
    assert len(mail_templates(container, parties.buyer_email)) == 1


def test_a_message_waits_until_it_is_due(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    with container.uow() as uow:
        uow.outbox.add(
            "email",
            {
                "template": "cancellation_completed",
                "to_user_id": parties.buyer_id,
                "context": {"order_id": 1},
            },
            available_at=clock.now() + timedelta(minutes=5),
        )
        uow.commit()

    assert run_worker(container) == 0
    clock.advance(timedelta(minutes=5) - timedelta(seconds=1))
    assert run_worker(container) == 0
    clock.advance(timedelta(seconds=1))
    assert run_worker(container) == 1
    assert mail_templates(container, parties.buyer_email) == ["cancellation_completed"]


def test_a_failing_delivery_is_retried_with_growing_back_off_then_dead_lettered(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    mailer = DownMailer()
    worker = worker_with(container, mailer, max_attempts=3, name="worker-a")
    queue_email(container, parties.buyer_id)

    assert worker.run_once() == 1
    [message] = outbox_rows(container, "email")
    assert message["attempts"] == 1
    assert message["available_at"] == clock.now() + timedelta(seconds=30)
    assert "ConnectionRefusedError" in message["last_error"]

    clock.advance(timedelta(seconds=29))
    assert worker.run_once() == 0
    clock.advance(timedelta(seconds=1))
    assert worker.run_once() == 1
    [message] = outbox_rows(container, "email")
    assert message["attempts"] == 2
    assert message["available_at"] == clock.now() + timedelta(minutes=1)

    clock.advance(timedelta(minutes=1))
    assert worker.run_once() == 1
    [message] = outbox_rows(container, "email")
    assert (message["attempts"], message["dead"], message["delivered"]) == (3, True, False)

    clock.advance(timedelta(days=30))
    assert worker.run_once() == 0
    assert mailer.calls == 3
    [dead] = outbox.dead_letters(container.engine)
    assert (dead["id"], dead["attempts"]) == (message["id"], 3)
    assert "mail server refused the connection" in dead["last_error"]


def test_a_dead_letter_retried_by_support_is_delivered_once_the_server_is_back(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    queue_email(container, parties.buyer_id)
    worker_with(container, DownMailer(), max_attempts=1, name="worker-a").run_once()
    [message] = outbox_rows(container, "email")
    assert message["dead"]

    assert outbox.retry_dead_letter(container.engine, message["id"], clock.now())
    run_worker(container)

    assert mail_templates(container, parties.buyer_email) == ["cancellation_completed"]
    assert outbox.dead_letters(container.engine) == []


def test_a_repeated_outbox_add_with_the_same_dedupe_key_is_a_no_op(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    queue_email(container, parties.buyer_id, key="shipment:7:shipped")
    clock.advance(timedelta(minutes=3))
    queue_email(container, parties.buyer_id, key="shipment:7:shipped")
    queue_email(container, parties.buyer_id, key="shipment:8:shipped")

    assert [m["dedupe_key"] for m in outbox_rows(container, "email")] == [
        "email:shipment:7:shipped",
        "email:shipment:8:shipped",
    ]


def test_a_duplicate_add_does_not_spoil_the_rest_of_its_transaction(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    queue_email(container, parties.buyer_id, key="k1")
    with container.uow() as uow:
        notify.queue_email(
            uow,
            template="cancellation_completed",
            to_user_id=parties.buyer_id,
            context={"order_id": 1, "whole": True, "items": [], "refund": None},
            now=clock.now(),
            dedupe_key="k1",
        )
        notify.queue_email(
            uow,
            template="cancellation_completed",
            to_user_id=parties.buyer_id,
            context={"order_id": 2},
            now=clock.now(),
            dedupe_key="k2",
        )
        uow.commit()

    assert [m["dedupe_key"] for m in outbox_rows(container, "email")] == ["email:k1", "email:k2"]


def test_a_message_leased_by_a_worker_that_died_is_picked_up_by_another(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    queue_email(container, parties.buyer_id)
    [claimed] = outbox.claim(
        container.engine, now=clock.now(), worker_id="worker-that-dies", batch=10, lease_seconds=0
    )
    time.sleep(0.01)  # the lease runs on real time; let it run out

    handled = worker_with(container, container.mailer, max_attempts=5, name="worker-b").run_once()

    assert (claimed.attempts, handled) == (1, 1)
    [message] = outbox_rows(container, "email")
    assert (message["attempts"], message["delivered"]) == (2, True)
    assert container.mailbox is not None
    # The Message-ID comes from the outbox id, so a receiver can drop a second delivery.
    assert [m["key"] for m in container.mailbox.list()] == [f"outbox-{claimed.id}_recourse"]


def test_a_message_under_a_live_lease_is_left_to_its_worker(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    queue_email(container, parties.buyer_id)
    outbox.claim(container.engine, now=clock.now(), worker_id="worker-a", batch=10)

    handled = worker_with(container, container.mailer, max_attempts=5, name="worker-b").run_once()

    assert handled == 0
    assert mail_templates(container, parties.buyer_email) == []


def test_a_late_report_from_a_worker_whose_lease_was_taken_over_is_ignored(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    queue_email(container, parties.buyer_id)
    [stale] = outbox.claim(
        container.engine, now=clock.now(), worker_id="worker-a", batch=10, lease_seconds=0
    )
    time.sleep(0.01)
    outbox.claim(container.engine, now=clock.now(), worker_id="worker-b", batch=10)

    outbox.mark_failed(
        container.engine, stale.id, "worker-a", error="late", retry_at=clock.now() + backoff(1)
    )

    [message] = outbox_rows(container, "email")
    assert (message["attempts"], message["last_error"]) == (2, None)


def test_a_message_for_a_vanished_recipient_fails_instead_of_being_dropped(
    container: Container, parties: Parties
) -> None:
    queue_email(container, 987654)

    run_worker(container)

    [message] = outbox_rows(container, "email")
    assert (message["delivered"], message["attempts"]) == (False, 1)
    assert "recipient 987654 does not exist" in message["last_error"]


def _claim_one(c: Container, clock: FixedClock, worker_id: str) -> outbox.Claimed:
    [claimed] = outbox.claim(c.engine, now=clock.now(), worker_id=worker_id, batch=10)
    return claimed


@pytest.mark.parametrize("durable", [True, False])
def test_a_message_settled_on_commit_is_delivered_with_the_changes_it_made(
    container: Container, clock: FixedClock, parties: Parties, durable: bool
) -> None:
    queue_email(container, parties.buyer_id, key="first")
    claimed = _claim_one(container, clock, "worker-a")
    uow = container.uow()
    uow.settle_on_commit(claimed.id, "worker-a", durable=durable)
    with uow:
        queue_email_in(uow, clock, parties.buyer_id, key="made-by-the-handler")
        uow.commit()

    assert uow.settled
    rows = {m["dedupe_key"]: m for m in outbox_rows(container, "email")}
    assert rows["email:first"]["delivered"] is True
    assert rows["email:made-by-the-handler"]["delivered"] is False


def test_a_message_whose_work_rolled_back_stays_undelivered_with_nothing_written(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    queue_email(container, parties.buyer_id, key="first")
    claimed = _claim_one(container, clock, "worker-a")
    uow = container.uow()
    uow.settle_on_commit(claimed.id, "worker-a")
    with pytest.raises(RuntimeError), uow:
        queue_email_in(uow, clock, parties.buyer_id, key="made-by-the-handler")
        raise RuntimeError("the handler failed before committing")

    assert not uow.settled
    assert [(m["dedupe_key"], m["delivered"]) for m in outbox_rows(container, "email")] == [
        ("email:first", False)
    ]


def test_a_message_whose_lease_passed_to_another_worker_is_not_settled_by_the_first(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    queue_email(container, parties.buyer_id, key="first")
    claimed = _claim_one(container, clock, "worker-a")
    with container.engine.begin() as conn:  # the lease ran out and worker-b took it
        conn.execute(update(outbox.OutboxRow).values(locked_by="worker-b"))
    uow = container.uow()
    uow.settle_on_commit(claimed.id, "worker-a")
    with uow:
        uow.commit()

    assert not uow.settled
    assert [m["delivered"] for m in outbox_rows(container, "email")] == [False]


def queue_email_in(uow: SqlUnitOfWork, clock: FixedClock, to_user_id: int, *, key: str) -> None:
    notify.queue_email(
        uow,
        template="cancellation_completed",
        to_user_id=to_user_id,
        context={"order_id": 1, "whole": True, "items": [], "refund": None},
        now=clock.now(),
        dedupe_key=key,
    )
