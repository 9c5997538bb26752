"""Deliver what the outbox holds, at least once, with back-off; fire deadlines when due."""

from __future__ import annotations

import gc
import logging
import os
import socket
import threading
import traceback
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from recourse.db import outbox
from recourse.db.batch import BatchUnitOfWork
from recourse.db.models.platform import OUTBOX_SHARDS
from recourse.db.queries.users import user_view
from recourse.db.repositories.preload import lock_subjects
from recourse.db.uow import SqlUnitOfWork
from recourse.integrations.mail import Recipient
from recourse.services import deadlines, webhooks
from recourse.worker import refunds as refund_work
from recourse.worker import webhooks as webhook_work
from recourse.worker.deps import WorkerDeps

log = logging.getLogger("recourse.worker")

BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 6 * 3600


def backoff(attempts: int) -> timedelta:
    """Exponential: 30 s, 1 min, 2 min, … capped at 6 h."""
    return timedelta(seconds=min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** (attempts - 1)))


class Worker:
    def __init__(self, deps: WorkerDeps, *, name: str | None = None) -> None:
        self.deps = deps
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
        # each handler answers whether it already marked its message delivered
        self._handlers: dict[str, Callable[[outbox.Claimed], bool | None]] = {
            "email": self._send_email,
            "deadline": lambda message: self._settling(message, self._fire_deadline),
            "refund.send": lambda message: refund_work.send_refund(self.deps, message),
            "refund.check": lambda message: refund_work.check_refund(self.deps, message),
            "event": lambda message: self._settling(message, self._fan_out),
            "webhook": lambda message: webhook_work.deliver(self.deps, message, backoff),
        }

    def run_once(self) -> int:
        """Do everything due now, then return how many messages were handled."""
        handled = 0
        while True:
            claimed = outbox.claim(
                self.deps.engine,
                now=self.deps.ctx.clock.now(),
                worker_id=self.name,
                batch=self.deps.batch,
                lease_seconds=self.deps.lease_seconds,
            )
            if not claimed:
                return handled
            deadlines = [message for message in claimed if message.kind == "deadline"]
            if len(deadlines) > 1:
                self._sweep(deadlines)
            for message in claimed:
                if len(deadlines) <= 1 or message.kind != "deadline":
                    self._handle(message)
            handled += len(claimed)

    def run_forever(self, stop: threading.Event, poll_seconds: float = 1.0) -> None:
        log.info("worker %s started", self.name)
        while not stop.is_set():
            try:
                handled = self.run_once()
            except Exception:
                log.exception("worker loop failed; retrying")
                handled = 0
            if not handled:
                stop.wait(poll_seconds)
        log.info("worker %s stopped", self.name)

    def _handle(self, message: outbox.Claimed) -> None:
        handler = self._handlers.get(message.kind)
        try:
            if handler is None:
                raise LookupError(f"no handler for outbox kind {message.kind!r}")
            settled = handler(message)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}"
            limit = self.deps.max_attempts_by_kind.get(message.kind, self.deps.max_attempts)
            if message.attempts >= limit:
                log.error(
                    "message %s dead after %s attempts: %s", message.id, message.attempts, exc
                )
                outbox.mark_failed(
                    self.deps.engine, message.id, self.name, error=error, retry_at=None
                )
            else:
                retry_at = self.deps.ctx.clock.now() + backoff(message.attempts)
                log.warning("message %s failed (attempt %s): %s", message.id, message.attempts, exc)
                outbox.mark_failed(
                    self.deps.engine, message.id, self.name, error=error, retry_at=retry_at
                )
            return
        if not settled:
            outbox.mark_delivered(self.deps.engine, message.id, self.name)

    def _sweep(self, messages: list[outbox.Claimed]) -> None:
        """Fire a batch of due deadlines in one transaction: their cancellations and orders
        locked and loaded at once, the same use case per deadline, what they queued written
        together and every message marked delivered by the same commit (db/batch.py). If any
        of them fails, nothing of the batch is kept and each is handled alone, as ever."""
        batch = BatchUnitOfWork.like(self.deps.uow_factory())
        try:
            batch.open(len(messages))
            orders_of = lock_subjects(batch.session, [_subject(m) for m in messages])
            keyed = sorted((_distribution_key(m, orders_of), m) for m in messages)
            for (_, order_id, _), message in keyed:
                batch.start_item(order_id or None)
                self._fire_deadline(batch, message.payload)
                batch.end_item()
            batch.commit_batch([message.id for message in messages], self.name)
        except Exception:
            log.warning(
                "a batch of %s deadlines failed; one at a time", len(messages), exc_info=True
            )
            batch.close()
            for message in messages:
                self._handle(message)
        finally:
            batch.close()

    def _send_email(self, message: outbox.Claimed) -> bool:
        payload = message.payload
        with self.deps.read_session() as session:
            user = user_view(session, int(payload["to_user_id"]))
        if user is None:
            raise LookupError(f"recipient {payload['to_user_id']} does not exist")
        recipient = Recipient(
            email=user["email"], name=user["name"], timezone=user["timezone"], locale=user["locale"]
        )
        email = self.deps.renderer.render(
            str(payload["template"]),
            recipient,
            dict(payload["context"]),
            message_id=f"outbox-{message.id}",
        )
        self.deps.mailer.send(email, to=user["email"])
        return False

    def _settling(
        self, message: outbox.Claimed, run: Callable[[SqlUnitOfWork, dict[str, Any]], object]
    ) -> bool:
        """For work that only writes this database: the message is settled by the same commit,
        without waiting for the disk (SqlUnitOfWork.settle_on_commit). False when the work
        committed nothing (it had nothing left to do), so the message is marked on its own."""
        uow = self.deps.uow_factory()
        uow.settle_on_commit(message.id, self.name, durable=False)
        run(uow, message.payload)
        return uow.settled

    def _fire_deadline(self, uow: SqlUnitOfWork, payload: dict[str, Any]) -> None:
        deadlines.fire(
            uow, self.deps.ctx, name=str(payload["name"]), subject_id=int(payload["subject_id"])
        )

    def _fan_out(self, uow: SqlUnitOfWork, payload: dict[str, Any]) -> None:
        webhooks.fan_out(uow, self.deps.ctx, event_id=str(payload["event_id"]))


def _subject(message: outbox.Claimed) -> tuple[str, int]:
    return str(message.payload["name"]), int(message.payload["subject_id"])


def _distribution_key(message: outbox.Claimed, orders_of: dict[int, int]) -> tuple[int, int, int]:
    """Where a deadline runs in its batch: by logical shard, then order (one order's deadlines
    one after another), then message. The order is the message's own, else its subject's."""
    order_id = message.order_id
    if order_id is None:
        name, subject_id = _subject(message)
        kind = deadlines.LOCKS.get(name)
        if kind == deadlines.ORDER:
            order_id = subject_id
        elif kind == deadlines.CANCELLATION:
            order_id = orders_of.get(subject_id)
    return shard_of(order_id or 0), order_id or 0, message.id


def shard_of(order_id: int) -> int:
    """The logical shard of an order's rows, as the outbox's shard claim counts it."""
    return order_id % OUTBOX_SHARDS


def freeze_start_up() -> None:
    """For a process that only runs a worker, once it is built and before its first claim:
    what it loaded to start (modules, mappers, settings, reference data) stays until it exits,
    so the garbage collector stops walking it. A batch of deadlines makes thousands of objects
    at once, which sets off full collections; without this each walked the whole start-up
    heap again (a fifth of a sweeping worker's CPU)."""
    gc.collect()
    gc.freeze()


def start_embedded(worker: Worker, poll_seconds: float) -> tuple[threading.Thread, threading.Event]:
    """A worker thread inside `recourse serve` / `recourse demo`."""
    stop = threading.Event()
    thread = threading.Thread(
        target=worker.run_forever, args=(stop, poll_seconds), name="recourse-worker", daemon=True
    )
    thread.start()
    return thread, stop
