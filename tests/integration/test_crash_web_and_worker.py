"""Crashes of every process under a mixed load: the web server and the worker, each in its own
process, are killed with SIGKILL at random moments while buyers cancel (at once, or by asking
the seller, who approves or rejects) and support refunds, all over HTTP; each is restarted at
once. Afterwards nothing is lost and nothing is done twice: one cancellation per order, one
refund per cancellation paid once by the gateway, every email (one Message-ID each) and every
webhook (receivers de-duplicate on `webhook-id`), and a timeline with no doubled entry.

Clients behave as the API asks: a logical request keeps its Idempotency-Key across retries
until it gets a definitive answer (2xx, or a 4xx rule answer). A request that was in flight
when its web process died leaves its key reserved, answering `idempotency_in_progress` for the
five minutes after which a retry may take the request over; the test ages such a reservation
(only once that process is known dead) instead of waiting. A retry taken over runs the request
again: a cancellation or a support refund is recorded with its key, so the rerun answers the
first one's 2xx again; an approval or rejection run twice answers the rule's 409
(`illegal_transition`), and the state must be right either way.

Runs on SQLite (two processes on one WAL database) and on PostgreSQL alike."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from recourse.config import Settings
from recourse.container import Container
from recourse.db import models as m
from recourse.db.idempotency import IN_FLIGHT_TAKEOVER
from recourse.domain.order import NewLine
from recourse.domain.roles import Actor, Role
from recourse.integrations.clock import FixedClock
from recourse.services import accounts, webhooks
from tests.factories import make_order, make_store, make_user, pay
from tests.integration.support import OUTSIDE_EFFECTS, outstanding_effects
from tests.webhook_receiver import Received, Receiver

INSTANT_ORDERS = 90  # buyers cancel at once
TWICE = 24  # of those, cancelled a second time with another key (a double click, two devices)
APPROVAL_ORDERS = 80  # buyers ask the seller, who approves, or rejects one in four
MANUAL_ORDERS = 30  # support refunds the whole capture
BUYERS = 4
CLIENTS = 4
LOAD_SECONDS = 20  # the load is spread over this long, while the killer works
KILLS_EACH = 6  # SIGKILLs of the web process, and as many of the worker
ANSWER_WITHIN = 120.0  # seconds a logical request may take to get its definitive answer
DRAIN_WITHIN = 90.0
COMPLETED = {"completed", "approved"}


@pytest.fixture
def clock() -> FixedClock:
    """The seeding clock: two hours ago on the real clock the processes run on, so payments are
    past the 30-minute grace (an approval store's buyers must ask) and no deadline falls due."""
    return FixedClock(datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Processes:
    """`recourse serve --no-worker` and `recourse worker`, each in its own process group."""

    def __init__(self, settings: Settings, logs: Path) -> None:
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "RECOURSE_DATABASE_URL": settings.resolved_database_url,
            "RECOURSE_DATA_DIR": str(settings.data_dir),
            "RECOURSE_SECRET_KEY": settings.secret_key,
            "RECOURSE_BASE_URL": self.base_url,
            "RECOURSE_CLOCK": "system",
            "RECOURSE_EMBEDDED_WORKER": "false",
            "RECOURSE_WORKER_POLL_SECONDS": "0.2",
            "RECOURSE_WORKER_LEASE_SECONDS": "2",
            "RECOURSE_LOG_LEVEL": "ERROR",
            "RECOURSE_WEBHOOK_ALLOW_PRIVATE": "true",
        }
        self.logs = logs
        self.web: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        # Bumped once a killed web process is gone: an attempt sent in an older generation
        # that got no answer can no longer be running anywhere.
        self.generation = 0
        self.ready = threading.Event()
        self.kills: Counter[str] = Counter()

    def _spawn(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        with open(self.logs / f"{name}.log", "ab") as log:
            return subprocess.Popen(
                [sys.executable, "-m", "recourse", *args],
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )

    def start_web(self) -> None:
        self.web = self._spawn(
            "web",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            "1",
            "--no-worker",
        )
        give_up = time.monotonic() + 60
        with httpx.Client(base_url=self.base_url, timeout=2.0) as probe:
            while True:
                if self.web.poll() is not None:
                    log = (self.logs / "web.log").read_text(errors="replace")[-3000:]
                    raise AssertionError(f"the web server exited: {log}")
                try:
                    if probe.get("/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < give_up, "the web server did not get ready"
                time.sleep(0.05)
        self.ready.set()

    def start_worker(self) -> None:
        self.worker = self._spawn("worker", "worker")

    @staticmethod
    def _kill(process: subprocess.Popen[bytes] | None) -> None:
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        if process is not None:
            process.wait()

    def kill_web(self) -> None:
        self.ready.clear()
        self._kill(self.web)
        self.generation += 1
        self.kills["web"] += 1
        self.start_web()

    def kill_worker(self) -> None:
        self._kill(self.worker)
        self.kills["worker"] += 1
        self.start_worker()

    def stop(self) -> None:
        for process in (self.web, self.worker):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in (self.web, self.worker):
            if process is None:
                continue
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._kill(process)


@pytest.fixture
def processes(settings: Settings, tmp_path: Path) -> Iterator[Processes]:
    p = Processes(settings, tmp_path)
    try:
        yield p
    finally:
        p.ready.clear()
        for process in (p.web, p.worker):
            Processes._kill(process)


@dataclass
class Call:
    """One logical request: sent again with the same key until it has a definitive answer."""

    kind: str  # cancel, request, approve, reject, refund
    order_id: int
    path: str
    body: dict[str, Any] | None
    token: str
    key: str = field(default_factory=lambda: str(uuid.uuid4()))
    status: int | None = None
    text: str = ""
    attempts: int = 0
    lost: int = 0  # attempts that may have reached a web process that was then killed
    takeovers: int = 0
    server_errors: int = 0

    def json(self) -> Any:
        return json.loads(self.text)

    def code(self) -> str | None:
        body = self.json()
        return body.get("error", {}).get("code") if isinstance(body, dict) else None


def _age_reservation(c: Container, key: str) -> None:
    """What five minutes would do to the reservation of a request whose process died."""
    with Session(c.engine) as s, s.begin():
        row = s.scalars(
            select(m.IdempotencyKeyRow).where(
                m.IdempotencyKeyRow.key == key, m.IdempotencyKeyRow.status_code.is_(None)
            )
        ).first()
        if row is not None:
            row.created_at = row.created_at - IN_FLIGHT_TAKEOVER - timedelta(seconds=1)


class Client:
    def __init__(self, p: Processes, c: Container) -> None:
        self.p = p
        self.c = c
        self.http = httpx.Client(base_url=p.base_url, timeout=httpx.Timeout(30.0, connect=2.0))

    def send(self, call: Call) -> Call:
        lost_in: int | None = None  # the generation of the first attempt lost with its process
        give_up = time.monotonic() + ANSWER_WITHIN
        while True:
            assert time.monotonic() < give_up, f"no definitive answer: {call}"
            assert self.p.ready.wait(timeout=60), "the web server stayed down"
            generation = self.p.generation
            call.attempts += 1
            headers = {"Authorization": f"Bearer {call.token}", "Idempotency-Key": call.key}
            try:
                response = self.http.post(call.path, json=call.body, headers=headers)
            except httpx.ConnectError:
                time.sleep(0.05)  # refused: the request reached no one
                continue
            except httpx.TimeoutException as exc:
                raise AssertionError(f"no answer in 30 s (a live server): {call}") from exc
            except httpx.TransportError:
                call.lost += 1
                if lost_in is None:
                    lost_in = generation
                time.sleep(0.05)
                continue
            if response.status_code >= 500:
                call.server_errors += 1  # the key is released: the retry runs the request
                time.sleep(0.1)
                continue
            body = response.json()
            if response.status_code == 409 and body["error"]["code"] == "idempotency_in_progress":
                assert lost_in is not None, f"key in progress with no attempt lost: {call}"
                if self.p.generation > lost_in:
                    _age_reservation(self.c, call.key)
                    call.takeovers += 1
                else:
                    time.sleep(0.1)
                continue
            call.status, call.text = response.status_code, response.text
            return call

    def get(self, path: str, token: str) -> Any:
        give_up = time.monotonic() + ANSWER_WITHIN
        while True:
            assert time.monotonic() < give_up, f"no answer to GET {path}"
            assert self.p.ready.wait(timeout=60), "the web server stayed down"
            try:
                response = self.http.get(path, headers={"Authorization": f"Bearer {token}"})
            except httpx.TransportError:
                time.sleep(0.05)
                continue
            if response.status_code < 500:
                assert response.status_code == 200, response.text
                return response.json()


@dataclass
class Market:
    instant: list[int]
    twice: set[int]
    approval: list[int]
    rejected: set[int]
    manual: list[int]
    buyer_tokens: dict[int, str]  # buyer id -> token
    buyer_of: dict[int, int]  # order id -> buyer id
    sellers: dict[int, list[int]]  # store id -> staff
    seller_token: str
    support_token: str
    captured: dict[int, int]


def _seed(c: Container, receiver: Receiver) -> Market:
    instant_store = make_store(c, name="Volt", buyer_cancel="instant")
    approval_store = make_store(c, name="Maison Lune", buyer_cancel="approval")
    instant_seller = make_user(c, role=Role.seller, store_ids=[instant_store])
    approval_seller = make_user(
        c, role=Role.seller, email="seller@lune.example", store_ids=[approval_store]
    )
    make_user(c, role=Role.support, email="agent@example.com")
    buyers = [make_user(c, role=Role.buyer, email=f"buyer{i}@example.com") for i in range(BUYERS)]
    tokens = {
        b: accounts.create_token(c.uow(), c.ctx, operator=False, email=f"buyer{i}@example.com")
        for i, b in enumerate(buyers)
    }
    endpoint = webhooks.register_endpoint(
        c.uow(), c.ctx, actor=Actor(Role.operator), url=receiver.url("/hooks"), events=["*"]
    )
    receiver.secrets["/hooks"] = endpoint.secret

    buyer_of: dict[int, int] = {}
    captured: dict[int, int] = {}

    def orders(store: int, n: int) -> list[int]:
        made = []
        for i in range(n):
            buyer = buyers[len(buyer_of) % BUYERS]
            lines = [NewLine("SKU-1", "Desk lamp", 2500, 1 + i % 3, 0, 475)]
            if i % 2:
                lines.append(NewLine("SKU-2", "Bulb", 399, 2, 50, 76))
            order_id = make_order(c, buyer_id=buyer, store_id=store, lines=lines)
            captured[order_id] = pay(c, order_id).payment.amount_captured
            buyer_of[order_id] = buyer
            made.append(order_id)
        return made

    instant = orders(instant_store, INSTANT_ORDERS + MANUAL_ORDERS)
    approval = orders(approval_store, APPROVAL_ORDERS)
    rng = random.Random(7)
    return Market(
        instant=instant[:INSTANT_ORDERS],
        twice=set(rng.sample(instant[:INSTANT_ORDERS], TWICE)),
        approval=approval,
        rejected=set(approval[::4]),
        manual=instant[INSTANT_ORDERS:],
        buyer_tokens=tokens,
        buyer_of=buyer_of,
        sellers={instant_store: [instant_seller], approval_store: [approval_seller]},
        seller_token=accounts.create_token(
            c.uow(), c.ctx, operator=False, email="seller@lune.example"
        ),
        support_token=accounts.create_token(
            c.uow(), c.ctx, operator=False, email="agent@example.com"
        ),
        captured=captured,
    )


def _scenarios(market: Market, record: Callable[[Call], None]) -> list[Callable[[Client], None]]:
    def cancel(order_id: int) -> Callable[[Client], None]:
        token = market.buyer_tokens[market.buyer_of[order_id]]
        path = f"/api/v1/orders/{order_id}/cancellations"
        return lambda client: record(
            client.send(Call("cancel", order_id, path, {"reason": "changed_mind"}, token))
        )

    def ask_then_answer(order_id: int) -> Callable[[Client], None]:
        token = market.buyer_tokens[market.buyer_of[order_id]]

        def run(client: Client) -> None:
            asked = client.send(
                Call(
                    "request",
                    order_id,
                    f"/api/v1/orders/{order_id}/cancellations",
                    {"reason": "changed_mind"},
                    token,
                )
            )
            record(asked)
            if asked.status == 201:
                cancellation_id = asked.json()["id"]
            else:  # the request ran twice: find the one that exists
                found = client.get(f"/api/v1/orders/{order_id}/cancellations", token)["data"]
                assert len(found) == 1, found
                cancellation_id = found[0]["id"]
            if order_id in market.rejected:
                answer = Call(
                    "reject",
                    order_id,
                    f"/api/v1/cancellations/{cancellation_id}/reject",
                    {"reason": "made_to_order"},
                    market.seller_token,
                )
            else:
                answer = Call(
                    "approve",
                    order_id,
                    f"/api/v1/cancellations/{cancellation_id}/approve",
                    None,
                    market.seller_token,
                )
            record(client.send(answer))

        return run

    def refund(order_id: int) -> Callable[[Client], None]:
        body = {"amount": market.captured[order_id], "reason": "goodwill"}
        path = f"/api/v1/orders/{order_id}/refunds"
        return lambda client: record(
            client.send(Call("refund", order_id, path, body, market.support_token))
        )

    work = [cancel(o) for o in market.instant]
    work += [cancel(o) for o in sorted(market.twice)]
    work += [ask_then_answer(o) for o in market.approval]
    work += [refund(o) for o in market.manual]
    random.Random(11).shuffle(work)
    return work


@pytest.mark.slow
def test_killing_web_and_worker_at_random_loses_nothing_and_does_nothing_twice(
    container: Container, settings: Settings, receiver: Receiver, processes: Processes
) -> None:
    started = time.monotonic()
    market = _seed(container, receiver)
    calls: list[Call] = []
    lock = threading.Lock()

    def record(call: Call) -> None:
        with lock:
            calls.append(call)

    work = _scenarios(market, record)
    processes.start_web()
    processes.start_worker()
    clients = [Client(processes, container) for _ in range(CLIENTS)]
    load_started = time.monotonic()

    def drive(n: int) -> None:
        mine = work[n::CLIENTS]
        for i, scenario in enumerate(mine):
            pause = load_started + i * LOAD_SECONDS / len(mine) - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            scenario(clients[n])

    def kill() -> None:
        rng = random.Random(20261126)
        victims = ["web", "worker"] * KILLS_EACH
        rng.shuffle(victims)
        for victim in victims:
            time.sleep(rng.uniform(0.5, 1.5))
            if victim == "web":
                processes.kill_web()
            else:
                processes.kill_worker()

    with ThreadPoolExecutor(max_workers=CLIENTS + 1) as pool:
        futures = [pool.submit(drive, n) for n in range(CLIENTS)] + [pool.submit(kill)]
        for future in futures:
            future.result()
    load_seconds = time.monotonic() - load_started
    assert processes.kills == {"web": KILLS_EACH, "worker": KILLS_EACH}

    # Both processes are up (each was restarted after its last kill): let the outbox drain.
    give_up = time.monotonic() + DRAIN_WITHIN
    while outstanding_effects(container):
        assert time.monotonic() < give_up, (
            f"{outstanding_effects(container)} messages not delivered"
        )
        time.sleep(0.5)
    drain_seconds = time.monotonic() - load_started - load_seconds

    # Every definitive answer is the one a retry with the same key gets, replayed.
    def replay(n: int) -> None:
        for call in calls[n::CLIENTS]:
            again = clients[n].http.post(
                call.path,
                json=call.body,
                headers={"Authorization": f"Bearer {call.token}", "Idempotency-Key": call.key},
            )
            assert (again.status_code, again.text) == (call.status, call.text), call
            assert again.headers["idempotent-replayed"] == "true"

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        for future in [pool.submit(replay, n) for n in range(CLIENTS)]:
            future.result()
    for client in clients:
        client.http.close()
    processes.stop()

    outcome = _outcome(container, receiver)
    arrived = outcome.arrived
    print(
        f"\nseeded in {load_started - started:.1f} s; load {load_seconds:.1f} s, "
        f"drained {drain_seconds:.1f} s later; kills {dict(processes.kills)}; "
        f"{len(calls)} logical requests in {sum(c.attempts for c in calls)} attempts, "
        f"{sum(c.lost for c in calls)} lost with their process, "
        f"{sum(c.takeovers for c in calls)} taken over, "
        f"{sum(1 for c in calls if c.lost and c.status == 409)} of those answered 409 by the "
        f"rules; {sum(c.server_errors for c in calls)} 5xx; "
        f"{len(arrived) - len({r.headers['webhook-id'] for r in arrived})} webhooks and "
        f"{sum(p.calls - 1 for p in outcome.sandbox)} gateway calls repeated; "
        f"{len(receiver.incomplete)} webhook requests cut off by a kill"
    )
    _check_answers(market, calls)
    _check_state(outcome, market, calls)


def _check_answers(market: Market, calls: list[Call]) -> None:
    """Each logical request's definitive answer is one its rules allow; a rule answer instead of
    success only where an attempt was lost with its process (the request may have run twice)."""
    expected = {
        "cancel": (201, {"completed"}, "order_cancelled"),
        "request": (201, {"pending_seller"}, "request_pending"),
        "approve": (200, {"approved"}, "illegal_transition"),
        "reject": (200, {"rejected"}, "illegal_transition"),
        # the worker may have sent the refund between the commit and the answer; a run taken
        # over finds the refund recorded with its key: never a rule answer
        "refund": (201, {"pending", "processing"}, None),
    }
    counts = Counter(call.kind for call in calls)
    assert counts == {
        "cancel": INSTANT_ORDERS + TWICE,
        "request": APPROVAL_ORDERS,
        "approve": APPROVAL_ORDERS - len(market.rejected),
        "reject": len(market.rejected),
        "refund": MANUAL_ORDERS,
    }
    successes: Counter[tuple[str, int]] = Counter()
    for call in calls:
        ok, states, rule = expected[call.kind]
        if call.status == ok:
            assert call.json()["status"] in states, call
            successes[call.kind, call.order_id] += 1
            continue
        assert (call.status, call.code()) == (409, rule), call
        if call.kind in ("cancel", "request"):
            # a retry finds the cancellation its key made: only a second, new request conflicts
            assert call.kind == "cancel" and call.order_id in market.twice, call
        else:
            assert call.lost, call
    # Never two successes for one order (the twice-cancelled orders included).
    assert max(successes.values()) == 1


@dataclass
class Outcome:
    """The database and the outside systems (mailbox, webhook receiver) once all is done."""

    cancellations: list[m.CancellationRow]
    refunds: list[m.RefundRow]
    orders: dict[int, m.OrderRow]
    sandbox: list[m.SandboxRefundRow]
    outbox: list[m.OutboxRow]
    events: list[m.EventRow]
    timeline: list[m.TimelineRow]
    deliveries: list[m.WebhookDeliveryRow]
    mailbox: list[dict[str, Any]]
    arrived: list[Received]


def _outcome(c: Container, receiver: Receiver) -> Outcome:
    assert c.mailbox is not None
    with c.read_session() as s:
        return Outcome(
            cancellations=list(s.scalars(select(m.CancellationRow))),
            refunds=list(s.scalars(select(m.RefundRow))),
            orders={o.id: o for o in s.scalars(select(m.OrderRow))},
            sandbox=list(s.scalars(select(m.SandboxRefundRow))),
            outbox=list(s.scalars(select(m.OutboxRow))),
            events=list(s.scalars(select(m.EventRow))),
            timeline=list(s.scalars(select(m.TimelineRow))),
            deliveries=list(s.scalars(select(m.WebhookDeliveryRow))),
            mailbox=c.mailbox.list(limit=100_000),
            arrived=receiver.at("/hooks"),
        )


def _check_state(o: Outcome, market: Market, calls: list[Call]) -> None:
    cancellations, refunds, orders, sandbox = o.cancellations, o.refunds, o.orders, o.sandbox
    outbox, events, timeline, deliveries = o.outbox, o.events, o.timeline, o.deliveries

    # Cancellations: one per order that was asked, in the state its answers say.
    per_order = Counter(x.order_id for x in cancellations)
    assert per_order == Counter(market.instant + market.approval)
    by_order = {x.order_id: x for x in cancellations}
    for order_id in market.instant:
        x = by_order[order_id]
        assert (x.status, x.mode, x.requested_by_id) == (
            "completed",
            "instant",
            market.buyer_of[order_id],
        )
    for order_id in market.approval:
        want = "rejected" if order_id in market.rejected else "approved"
        assert (by_order[order_id].status, by_order[order_id].mode) == (want, "request")
    done = [x for x in cancellations if x.status in COMPLETED]
    assert len(done) == INSTANT_ORDERS + APPROVAL_ORDERS - len(market.rejected)
    for call in calls:
        if call.kind in ("cancel", "request") and call.status == 201:
            assert call.json()["id"] == by_order[call.order_id].id, call
    cancelled = {o.id for o in orders.values() if o.status == "cancelled"}
    assert cancelled == {x.order_id for x in done}

    # Refunds: one per completed cancellation and per support refund, each of the whole
    # capture (nothing had shipped), and the gateway paid each exactly once.
    causes = [f"cancellation:{x.id}" for x in done] + ["manual, with its key"] * MANUAL_ORDERS
    assert Counter(
        "manual, with its key" if (r.cause_ref or "").startswith("manual:api-") else r.cause_ref
        for r in refunds
    ) == Counter(causes)
    assert {x.refund_id for x in done} == {
        r.id for r in refunds if (r.cause_ref or "").startswith("cancellation:")
    }
    refunded = {r.order_id: r.amount for r in refunds}
    assert len(refunded) == len(refunds)  # one refund per order
    assert set(refunded) == {x.order_id for x in done} | set(market.manual)
    for order_id, amount in refunded.items():
        assert amount == market.captured[order_id] == orders[order_id].amount_captured
    so_far = Counter[int]()
    for r in refunds:
        so_far[r.order_id] += r.amount
    assert all(so_far[k] <= orders[k].amount_captured for k in so_far)
    assert {r.status for r in refunds} == {"processing"}
    assert sorted(r.idempotency_key for r in refunds) == sorted(p.idempotency_key for p in sandbox)
    paid = {p.idempotency_key: p.amount for p in sandbox}
    assert all(paid[r.idempotency_key] == r.amount for r in refunds)

    # The outbox: nothing dead, every outside effect delivered.
    assert [x.id for x in outbox if x.dead_at is not None] == []
    assert [x.id for x in outbox if x.kind in OUTSIDE_EFFECTS and x.delivered_at is None] == []

    # Emails: exactly the expected ones, each once, and each in the mailbox under its own
    # Message-ID (a second delivery after a crash carries the same one, so it adds no file).
    staff = {x.id: market.sellers[x.store_id] for x in cancellations}
    # A refund a cancellation made is told in the cancellation's email (one email per thing
    # that happened); a support refund mails on its own.
    want_mail = [
        f"email:refund:{r.id}:created"
        for r in refunds
        if not (r.cause_ref or "").startswith("cancellation:")
    ]
    for x in done:
        want_mail.append(f"email:cancellation:{x.id}:completed")
        want_mail += [f"email:cancellation:{x.id}:completed:{u}" for u in staff[x.id]]
    for x in cancellations:
        if x.mode == "request":
            want_mail += [f"email:cancellation:{x.id}:requested:{u}" for u in staff[x.id]]
        if x.status == "rejected":
            want_mail.append(f"email:cancellation:{x.id}:rejected")
    mail = [x for x in outbox if x.kind == "email"]
    assert Counter(str(x.dedupe_key) for x in mail) == Counter(want_mail)
    in_box = o.mailbox
    assert sorted(x["key"] for x in in_box) == sorted(f"outbox-{x.id}_recourse" for x in mail)
    assert Counter(x["template"] for x in in_box) == Counter(
        str(x.payload["template"]) for x in mail
    )

    # Events: exactly one of each kind per object; no more, no fewer.
    def subject(event: m.EventRow) -> tuple[str, int]:
        data = event.payload["data"]
        if event.type.startswith("refund."):
            return event.type, int(data["refund_id"])
        return event.type, int(data["cancellation_id"])

    want_events: list[tuple[str, int]] = []
    for r in refunds:
        want_events += [("refund.created", r.id), ("refund.processing", r.id)]
    for x in done:
        want_events += [
            ("cancellation.approved", x.id),
            ("order.lines_cancelled", x.id),
            ("order.cancelled", x.id),
        ]
    for x in cancellations:
        if x.mode == "request":
            want_events.append(("cancellation.requested", x.id))
        if x.status == "rejected":
            want_events.append(("cancellation.rejected", x.id))
    assert Counter(subject(e) for e in events) == Counter(want_events)

    # Webhooks: every event reached the receiver, signed; duplicates share their webhook-id.
    arrived = o.arrived
    assert [r.error for r in arrived if r.error] == []
    assert all(r.headers["webhook-id"] == r.payload["id"] for r in arrived)
    assert {r.headers["webhook-id"] for r in arrived} == {e.id for e in events}
    assert len(deliveries) == len(events)
    assert {d.status for d in deliveries} == {"delivered"}

    # The timeline: each change once.
    def entry(t: m.TimelineRow) -> tuple[str, int]:
        data = t.data or {}
        return t.action, int(
            data["refund_id"] if t.action.startswith("refund.") else data["cancellation_id"]
        )

    want_timeline: list[tuple[str, int]] = []
    for r in refunds:
        want_timeline += [("refund.created", r.id), ("refund.processing", r.id)]
    for x in done:
        want_timeline.append(("order.cancelled", x.id))
    for x in cancellations:
        if x.mode == "request":
            want_timeline.append(("cancellation.requested", x.id))
        if x.status == "rejected":
            want_timeline.append(("cancellation.rejected", x.id))
    seeded = {"order.placed", "payment.captured"}
    assert Counter(entry(t) for t in timeline if t.action not in seeded) == Counter(want_timeline)
