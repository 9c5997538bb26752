"""F3 and M4 across crashes: a worker process killed at random points while it sends 500
refunds, then restarted, pays each refund exactly once and delivers every email and every
webhook at least once."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from recourse.config import Settings
from recourse.container import Container
from recourse.db import models as m
from recourse.domain.refund import RefundStatus
from recourse.domain.roles import Actor, Role
from recourse.integrations.gateways.sandbox import SandboxGateway, SandboxSettings
from recourse.services import refunds, webhooks
from tests.factories import actor_of, make_order, make_store, make_user, pay
from tests.integration.support import outstanding_effects
from tests.webhook_receiver import Receiver

REFUNDS = 500
PER_ORDER = 10
KILLS = 12


def _worker_env(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "RECOURSE_DATABASE_URL": settings.resolved_database_url,
        "RECOURSE_DATA_DIR": str(settings.data_dir),
        "RECOURSE_CLOCK": "system",
        "RECOURSE_WORKER_POLL_SECONDS": "0.2",
        "RECOURSE_LOG_LEVEL": "ERROR",
        "RECOURSE_WORKER_LEASE_SECONDS": "2",
        "RECOURSE_WEBHOOK_ALLOW_PRIVATE": "true",
    }


@pytest.mark.slow
def test_killing_the_worker_at_random_never_pays_twice_nor_loses_mail_or_webhooks(
    container: Container, settings: Settings, receiver: Receiver
) -> None:
    rng = random.Random(20261126)
    sandbox = container.gateways["sandbox"]
    assert isinstance(sandbox, SandboxGateway)
    sandbox.configure(SandboxSettings(settle_seconds=0))
    endpoint = webhooks.register_endpoint(
        container.uow(),
        container.ctx,
        actor=Actor(Role.operator),
        url=receiver.url("/hooks"),
        events=["refund.*"],
    )
    receiver.secrets["/hooks"] = endpoint.secret
    store = make_store(container)
    buyer = make_user(container, role=Role.buyer)
    support = actor_of(container, make_user(container, role=Role.support))
    for _ in range(REFUNDS // PER_ORDER):
        order_id = make_order(container, buyer_id=buyer, store_id=store, shipping_fee=0)
        pay(container, order_id)
        for _ in range(PER_ORDER):
            refunds.issue_manual_refund(
                container.uow(),
                container.ctx,
                actor=support,
                order_id=order_id,
                amount=100,
                reason="goodwill",
                gateway="sandbox",
            )

    command = [sys.executable, "-m", "recourse", "worker"]
    env = _worker_env(settings)
    kills = 0
    deadline = time.monotonic() + 240
    while outstanding_effects(container) and time.monotonic() < deadline:
        process = subprocess.Popen(command, env=env)
        time.sleep(rng.uniform(0.8, 3.0))
        process.send_signal(signal.SIGKILL)
        process.wait()
        kills += 1
        if kills >= KILLS:
            break
    time.sleep(2.5)  # the last killed worker's leases run out
    finish = subprocess.run(
        [*command, "--once"], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert finish.returncode == 0, finish.stderr

    with container.read_session() as s:
        ours = dict(s.execute(select(m.RefundRow.idempotency_key, m.RefundRow.status)).all())
        manual = s.scalar(select(func.count()).where(m.RefundRow.cause == "manual"))
        sandbox_keys = [k for (k,) in s.execute(select(m.SandboxRefundRow.idempotency_key))]
        dead = s.scalar(select(func.count()).where(m.OutboxRow.dead_at.is_not(None)))
        published = set(s.scalars(select(m.EventRow.id).where(m.EventRow.type.like("refund.%"))))
    assert kills >= 3
    # The worker runs on the real clock, so these orders' later deadlines (C4's overdue
    # auto-cancel) fire too and add their own refunds of what is left: each paid once as well.
    assert manual == REFUNDS
    assert set(ours.values()) == {str(RefundStatus.processing)}
    assert sorted(sandbox_keys) == sorted(ours)
    assert dead == 0
    assert container.mailbox is not None
    mailed = [msg["template"] for msg in container.mailbox.list(limit=10_000)]
    # One message per refund: a manual refund's own email; a refund a cancellation made is told
    # in that cancellation's email (C11, one email per thing that happened).
    assert mailed.count("refund_created") == manual
    assert mailed.count("refund_created") + mailed.count("cancellation_completed") == len(ours)
    arrived = receiver.at("/hooks")
    assert [r.error for r in arrived if r.error] == []
    assert {r.payload["id"] for r in arrived} == published
    assert len(published) == 2 * len(ours)
