"""A schema that shards (docs/scaling.md): every write transaction of a use case touches one
order's rows, plus reference tables, and every row of an order carries the order's id.

On PostgreSQL, triggers (installed in the test's database only, removed after) record every row
any transaction writes: its transaction id, table and the `order_id` it carries. Then every
request-path use case runs through the services, with the deadline handlers, the worker's
refund sends and the gateway's webhooks: orders and payment, shipping and carrier events, each
way a cancellation is written (C2; C4 at once, by request, approved, by silence, overdue; C7,
C8, C9, C10 — C1, C3 and C6 only read or refuse, C11's emails are the worker's), refunds, the
conversation and intercepts, returns (every step), parcels coming back, disputes (open,
negotiate, support's decision, appeal, withdrawal, the forced cancellation), evidence files,
protection and tickets. No transaction may write rows of two orders, nor a row of a table
outside the order's shard, the reference tables and the few named below with the plan for
each. The statements, transactions and rows each operation writes are printed (`-s`):
docs/scaling.md quotes them.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, select, text, update

from recourse.container import Container
from recourse.db import models as m
from recourse.domain.order import NewLine
from recourse.domain.returns import ReturnLine
from recourse.domain.roles import Actor, Role
from recourse.domain.shipment import CarrierEvent, ShipmentLine
from recourse.integrations.clock import FixedClock
from recourse.services import (
    cancellations,
    conversation,
    disputes,
    evidence,
    protection,
    refunds,
    returns,
    shipping,
    tickets,
)
from recourse.services.deadlines import HANDLERS
from recourse.services.disputes.force import force_cancellation
from recourse.services.ports.gateway import GatewayRefund, GatewayStatus
from recourse.services.returns.parcels import give_parcel_reason
from tests.factories import actor_of, carrier_event, get_order, make_order, make_store, make_user
from tests.factories import pay as pay_order
from tests.integration.support import run_worker

PG_URL = os.environ.get("RECOURSE_TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(
    not PG_URL,
    reason="records writes with PostgreSQL triggers and txid_current(); the PostgreSQL suite "
    "(RECOURSE_TEST_DATABASE_URL) runs it",
)

# Distributed by order_id: every row belongs to one order (orders by its own id).
ORDER_SCOPED = {
    "orders",
    "order_lines",
    "timeline_entries",
    "cancellations",
    "cancellation_lines",
    "refunds",
    "refund_lines",
    "refund_attempts",
    "shipments",
    "shipment_lines",
    "shipment_events",
    "returns",
    "return_lines",
    "disputes",
    "dispute_proposals",
    "dispute_info_requests",
    "order_messages",
    "conversation_reads",
    "intercept_requests",
    "protection_extensions",
    "support_tickets",
    "evidence_files",
}
# Order-scoped when about an order: written without one only by a transaction of no order.
ABOUT_AN_ORDER = {"outbox", "events", "notifications"}
# Copied to every node: small, read by every use case, written by the operator.
REFERENCE = {
    "cancellation_reasons",
    "settlement_profiles",
    "platform_settings",
    "help_articles",
    "stores",
    "store_policies",
    "store_staff",
    "install_secrets",
    "demo_clock",
    "webhook_endpoints",
}
# Written in an order's transaction though keyed otherwise, each with its plan (scaling.md).
WITH_AN_ORDER = {
    # per store and status: becomes a delta row co-located with the order, folded per store
    "store_status_counts",
    # the sandbox gateway's own book stands in for the provider's database
    "sandbox_refunds",
    "sandbox_settings",
}
# Keyed by something else (user, key, endpoint); never written in an order's transaction.
ELSEWHERE = {
    "users",
    "api_tokens",
    "login_attempts",
    "web_sessions",
    "idempotency_keys",
    "webhook_deliveries",
    "webhook_attempts",
}

AUDIT = """
CREATE TABLE shard_audit (
    seq bigserial PRIMARY KEY,
    txid bigint NOT NULL,
    tbl text NOT NULL,
    op text NOT NULL,
    order_id bigint
);
CREATE FUNCTION shard_audit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r jsonb;
BEGIN
    IF TG_OP = 'DELETE' THEN r := to_jsonb(OLD); ELSE r := to_jsonb(NEW); END IF;
    INSERT INTO shard_audit (txid, tbl, op, order_id) VALUES (
        txid_current(), TG_TABLE_NAME, TG_OP,
        CASE WHEN TG_TABLE_NAME = 'orders' THEN (r ->> 'id')::bigint
             ELSE (r ->> 'order_id')::bigint END
    );
    RETURN NULL;
END $$;
"""
UNINSTALL = "DROP TABLE IF EXISTS shard_audit; DROP FUNCTION IF EXISTS shard_audit() CASCADE;"


@dataclass(frozen=True)
class Write:
    seq: int
    txid: int
    table: str
    op: str
    order_id: int | None


def read_writes(engine: Engine, after: int = 0) -> list[Write]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT seq, txid, tbl, op, order_id FROM shard_audit WHERE seq > :s ORDER BY seq"
            ),
            {"s": after},
        )
        return [Write(*row) for row in rows]


def violations(writes: list[Write]) -> list[str]:
    """What breaks one order per transaction: rows of two orders, a row of an order-scoped
    table without its order, a table outside the order's shard and the reference tables."""
    by_txid: dict[int, list[Write]] = defaultdict(list)
    for w in writes:
        by_txid[w.txid].append(w)
    found = []
    for txid, txn in by_txid.items():
        if all(w.table == "outbox" and w.op == "UPDATE" for w in txn):
            continue  # the worker's claim and its outcomes: per shard, not per order (sweep)
        orders = {w.order_id for w in txn if w.order_id is not None}
        tables = sorted({w.table for w in txn})
        if len(orders) > 1:
            found.append(f"txn {txid} writes orders {sorted(orders)} in {tables}")
        if not orders:
            continue
        keyless = sorted({w.table for w in txn if w.order_id is None and w.table != "orders"})
        bad = [t for t in keyless if t not in REFERENCE | WITH_AN_ORDER]
        if bad:
            found.append(f"txn {txid} of order {orders} writes {bad} without its id, in {tables}")
    return found


@dataclass
class Costs:
    """Per operation: statements sent, write transactions, rows written per table."""

    statements: int = 0
    rows: dict[str, Counter[str]] = field(default_factory=dict)
    transactions: dict[str, int] = field(default_factory=dict)
    sent: dict[str, int] = field(default_factory=dict)


class Audit:
    def __init__(self, container: Container) -> None:
        assert PG_URL
        self.engine = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
        self.container = container
        self.costs = Costs()
        self.seen: list[Write] = []
        event.listen(container.engine, "before_cursor_execute", self._count)

    def _count(self, *_: Any) -> None:
        self.costs.statements += 1

    def install(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(UNINSTALL))
            conn.execute(text(AUDIT))
            for table in m.Base.metadata.sorted_tables:
                conn.execute(
                    text(
                        f"CREATE TRIGGER shard_audit AFTER INSERT OR UPDATE OR DELETE "
                        f"ON {table.name} FOR EACH ROW EXECUTE FUNCTION shard_audit()"
                    )
                )

    def uninstall(self) -> None:
        event.remove(self.container.engine, "before_cursor_execute", self._count)
        with self.engine.begin() as conn:
            conn.execute(text(UNINSTALL))
        self.engine.dispose()

    def last(self) -> int:
        return self.seen[-1].seq if self.seen else 0

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """One operation: what it sent and wrote is kept under `name`."""
        self.seen.extend(read_writes(self.engine, self.last()))  # the setup before it
        last = self.last()
        before = self.costs.statements
        yield
        new = read_writes(self.engine, last)
        self.seen.extend(new)
        self.costs.sent[name] = self.costs.statements - before
        self.costs.transactions[name] = len({w.txid for w in new})
        self.costs.rows[name] = Counter(w.table for w in new)

    def report(self) -> str:
        lines = [f"{'operation':<44} {'stmts':>5} {'txns':>4} {'rows':>4}  rows per table"]
        for name, sent in self.costs.sent.items():
            rows = self.costs.rows[name]
            per_table = ", ".join(f"{t} {n}" for t, n in sorted(rows.items()))
            lines.append(
                f"{name:<44} {sent:>5} {self.costs.transactions[name]:>4} "
                f"{sum(rows.values()):>4}  {per_table}"
            )
        return "\n".join(lines)


@pytest.fixture
def audit(container: Container) -> Iterator[Audit]:
    a = Audit(container)
    a.install()
    try:
        yield a
    finally:
        a.uninstall()


LINES = [NewLine("SKU-1", "Desk lamp", 2500, 2, 0, 500), NewLine("SKU-2", "Bulb", 1000, 1, 0, 200)]
ADDRESS = "Maison Lune, Returns desk, Hauptstr. 1, 10115 Berlin"


@dataclass
class World:
    c: Container
    clock: FixedClock
    audit: Audit
    buyer: Actor
    seller: Actor
    agent: Actor
    other_agent: Actor
    approval: int
    instant: int
    partial: int

    def order(self, store: int | None = None) -> int:
        assert self.buyer.user_id is not None
        return make_order(
            self.c, buyer_id=self.buyer.user_id, store_id=store or self.approval, lines=LINES
        )

    def paid(self, store: int | None = None) -> int:
        order_id = self.order(store)
        pay_order(self.c, order_id)
        return order_id

    def ship(self, order_id: int) -> int:
        lines = [ShipmentLine(x.id, x.qty.unshipped) for x in get_order(self.c, order_id).lines]
        return shipping.ship_order(
            self.c.uow(),
            self.c.ctx,
            actor=self.seller,
            order_id=order_id,
            lines=lines,
            carrier="DHL",
            tracking_number=f"JJD{order_id:010d}",
        )

    def delivered(self, store: int | None = None) -> tuple[int, int]:
        order_id = self.paid(store)
        shipment_id = self.ship(order_id)
        carrier_event(self.c, shipment_id, CarrierEvent.delivered)
        return order_id, shipment_id

    def worker(self) -> None:
        """The deadline handlers one message at a time (the batch sweep is tested on its own),
        then the worker for what is left: refund sends, emails, webhooks."""
        fire_deadlines(self.c)
        run_worker(self.c)

    def later(self, **kw: float) -> None:
        self.clock.advance(timedelta(**kw))
        self.worker()


def fire_deadlines(c: Container) -> None:
    """Every due deadline message through its handler, each marked delivered after it."""
    waiting = (
        m.OutboxRow.kind == "deadline",
        m.OutboxRow.delivered_at.is_(None),
        m.OutboxRow.dead_at.is_(None),
    )
    for _ in range(10):  # a handler may schedule another deadline due at once
        with c.read_session() as s:
            due = s.execute(
                select(m.OutboxRow.id, m.OutboxRow.payload)
                .where(*waiting, m.OutboxRow.available_at <= c.clock.now())
                .order_by(m.OutboxRow.available_at, m.OutboxRow.id)
            ).all()
        if not due:
            return
        for message_id, payload in due:
            HANDLERS[payload["name"]](c.uow(), c.ctx, int(payload["subject_id"]))
            with c.engine.begin() as conn:
                conn.execute(
                    update(m.OutboxRow)
                    .where(m.OutboxRow.id == message_id)
                    .values(delivered_at=datetime.now(UTC))
                )
    raise AssertionError("deadlines keep falling due")


def world(c: Container, clock: FixedClock, audit: Audit) -> World:
    approval = make_store(c, name="Maison Lune", buyer_cancel="approval", return_address=ADDRESS)
    instant = make_store(c, name="Volt", buyer_cancel="instant", return_address=ADDRESS)
    partial = make_store(c, buyer_cancel="instant", allow_partial_cancel=True)
    buyer = make_user(c, role=Role.buyer, email="rhea@example.com")
    seller = make_user(c, role=Role.seller, store_ids=[approval, instant, partial])
    agent = make_user(c, role=Role.support)
    other_agent = make_user(c, role=Role.support)
    return World(
        c,
        clock,
        audit,
        actor_of(c, buyer),
        actor_of(c, seller),
        actor_of(c, agent),
        actor_of(c, other_agent),
        approval,
        instant,
        partial,
    )


def run_orders_and_shipping(w: World) -> None:
    c, step = w.c, w.audit.step
    with step("order: ingest"):
        order_id = w.order()
    with step("order: record payment"):
        pay_order(c, order_id)
    with step("shipping: ship every line"):
        shipment_id = w.ship(order_id)
    with step("shipping: carrier in transit"):
        carrier_event(c, shipment_id, CarrierEvent.in_transit)
    with step("shipping: carrier delivered"):
        carrier_event(c, shipment_id, CarrierEvent.delivered)
    with step("protection: request an extension"):
        request_id = protection.request_extension(
            c.uow(), c.ctx, actor=w.buyer, order_id=order_id, days=5, reason="Still travelling"
        )
    with step("protection: answer the extension"):
        protection.answer_extension(
            c.uow(), c.ctx, actor=w.seller, order_id=order_id, request_id=request_id, grant=True
        )
    with step("protection: confirm receipt"):
        protection.confirm_receipt(c.uow(), c.ctx, actor=w.buyer, order_id=order_id)
    with step("worker: emails, webhooks, deadlines"):
        w.worker()


def run_cancellations(w: World) -> None:
    c, step = w.c, w.audit.step

    def cancel(actor: Actor, order_id: int, **kw: Any) -> Any:
        return cancellations.cancel_order(
            c.uow(),
            c.ctx,
            actor=actor,
            order_id=order_id,
            reason=kw.pop("reason", "changed_mind"),
            **kw,
        )

    unpaid = w.order()
    with step("cancel: unpaid order, at once (C2)"):
        cancel(w.buyer, unpaid)
    instant = w.paid(w.instant)
    with step("cancel: paid, instant store, refund (C4)"):
        cancel(w.buyer, instant)
    with step("worker: refund sent, emails"):
        w.worker()
    partial = w.paid(w.partial)
    lamp = get_order(c, partial).lines[0].id
    with step("cancel: some units (C7)"):
        cancel(w.buyer, partial, lines={lamp: 1})
    out_of_stock = w.paid()
    with step("cancel: seller, out of stock (C8)"):
        cancel(w.seller, out_of_stock, reason="out_of_stock")
    approve = w.paid()
    w.clock.advance(timedelta(hours=2))
    with step("cancel: buyer asks at an approval store (C4)"):
        request = cancel(w.buyer, approve)
    with step("cancel: seller approves (C4)"):
        cancellations.approve_cancellation(
            c.uow(), c.ctx, actor=w.seller, cancellation_id=request.id
        )
    reject = w.paid()
    w.clock.advance(timedelta(hours=2))
    request = cancel(w.buyer, reject)
    with step("cancel: seller rejects, with tracking (C9)"):
        cancellations.reject_cancellation(
            c.uow(),
            c.ctx,
            actor=w.seller,
            cancellation_id=request.id,
            reason="already_shipped",
            carrier="DHL",
            tracking_number="JJD42",
        )
    withdraw = w.paid()
    w.clock.advance(timedelta(hours=2))
    request = cancel(w.buyer, withdraw)
    with step("cancel: buyer withdraws the request (C10)"):
        cancellations.withdraw_cancellation(
            c.uow(), c.ctx, actor=w.buyer, cancellation_id=request.id
        )
    silent = w.paid()
    w.clock.advance(timedelta(hours=2))
    cancel(w.buyer, silent)
    w.order()  # its payment window passes (C2), unpaid
    overdue = w.paid()  # nobody ships it (C4)
    with step("deadlines: reminders, respond-by, payment window"):
        w.later(hours=49)
    ship_by = get_order(c, overdue).deadlines.ship_by
    assert ship_by is not None
    w.clock.set(ship_by + timedelta(days=3))
    with step("deadlines: overdue order cancels itself (C4)"):
        w.worker()
    refunded = w.paid()
    with step("refund: support's manual refund"):
        refunds.issue_manual_refund(
            c.uow(),
            c.ctx,
            actor=w.agent,
            order_id=refunded,
            amount=1000,
            reason="goodwill",
            gateway="sandbox",
        )
    with step("worker: the refund goes to the gateway"):
        w.worker()
    with c.read_session() as s:
        reference = s.scalar(
            select(m.RefundRow.gateway_reference).where(m.RefundRow.order_id == refunded)
        )
    assert reference is not None
    with step("refund: the gateway's webhook"):
        refunds.follow_gateway_hint(
            c.uow(),
            c.ctx,
            gateway=c.gateways["sandbox"],
            hint=GatewayRefund(reference=reference, status=GatewayStatus.succeeded),
        )


def run_conversation_and_tickets(w: World) -> None:
    c, step = w.c, w.audit.step
    order_id = w.paid()
    w.ship(order_id)
    with step("evidence: upload a file"):
        (stored,) = evidence.upload(
            c.uow(), c.ctx, actor=w.buyer, order_id=order_id, files=[("note.pdf", PDF)]
        )
    with step("conversation: post a message with the file"):
        posted = conversation.post_message(
            c.uow(),
            c.ctx,
            actor=w.buyer,
            order_id=order_id,
            body="Where is it?",
            file_ids=[stored.id],
        )
    with step("conversation: mark read"):
        conversation.mark_read(
            c.uow(), c.ctx, actor=w.seller, order_id=order_id, up_to=posted.message_id
        )
    with step("intercept: the buyer asks to stop the parcel"):
        asked = conversation.request_intercept(
            c.uow(), c.ctx, actor=w.buyer, order_id=order_id, note="Wrong address"
        )
    with step("intercept: the seller answers"):
        conversation.answer_intercept(
            c.uow(),
            c.ctx,
            actor=w.seller,
            order_id=order_id,
            request_id=asked.request_id,
            outcome="cannot",
        )
    with step("ticket: open"):
        opened = tickets.open_ticket(
            c.uow(), c.ctx, actor=w.buyer, order_id=order_id, message="Please help"
        )
    with step("ticket: close"):
        tickets.close_ticket(c.uow(), c.ctx, actor=w.agent, ticket_id=opened.ticket_id)
    with step("worker: digest, emails, file purge"):
        w.later(hours=30)


def run_returns_and_parcels(w: World) -> None:
    c, step = w.c, w.audit.step

    def request(order_id: int, reason: str = "no_longer_needed") -> int:
        lamp = get_order(c, order_id).lines[0].id
        return returns.request_return(
            c.uow(),
            c.ctx,
            actor=w.buyer,
            order_id=order_id,
            lines=[ReturnLine(lamp, 1)],
            reason=reason,
            description="The shade is cracked.",
        )

    order_id, _ = w.delivered()
    with step("return: request"):
        rid = request(order_id)
    with step("return: seller approves"):
        returns.approve_return(c.uow(), c.ctx, actor=w.seller, return_id=rid)
    with step("return: buyer ships it back"):
        shipped = returns.ship_return(
            c.uow(), c.ctx, actor=w.buyer, return_id=rid, carrier="DHL", tracking_number="RET-1"
        )
    assert shipped.return_shipment_id is not None
    with step("return: carrier delivers it to the seller"):
        carrier_event(c, shipped.return_shipment_id, CarrierEvent.delivered)
    with step("return: seller receives it, refund"):
        returns.receive_return(c.uow(), c.ctx, actor=w.seller, return_id=rid, condition="ok")

    offered, _ = w.delivered()
    rid = request(offered, "not_as_described")
    with step("return: seller offers a partial refund"):
        returns.offer_partial_refund(c.uow(), c.ctx, actor=w.seller, return_id=rid, amount=900)
    with step("return: buyer accepts the offer"):
        returns.accept_offer(c.uow(), c.ctx, actor=w.buyer, return_id=rid)
    declined, _ = w.delivered()
    rid = request(declined, "not_as_described")
    returns.offer_partial_refund(c.uow(), c.ctx, actor=w.seller, return_id=rid, amount=500)
    with step("return: buyer declines the offer"):
        returns.decline_offer(c.uow(), c.ctx, actor=w.buyer, return_id=rid)
    with step("return: seller declines the return"):
        returns.decline_return(c.uow(), c.ctx, actor=w.seller, return_id=rid, reason="Used")
    withdrawn, _ = w.delivered()
    rid = request(withdrawn)
    with step("return: buyer withdraws"):
        returns.withdraw_return(c.uow(), c.ctx, actor=w.buyer, return_id=rid)
    silent, _ = w.delivered()
    request(silent)  # nobody answers: approved by silence, then never shipped

    refused = w.paid()
    parcel = w.ship(refused)
    with step("parcel: refused at the door (S2)"):
        carrier_event(c, parcel, CarrierEvent.refused)
    with c.uow() as uow:
        (ret,) = uow.returns.for_order(refused)
    with step("parcel: the buyer says why"):
        give_parcel_reason(
            c.uow(), c.ctx, actor=w.buyer, return_id=ret.id, reason="no_longer_needed"
        )
    with step("parcel: back at the seller"):
        carrier_event(c, parcel, CarrierEvent.delivered_to_sender)
    with step("deadlines: return answers and ship-by pass"):
        w.later(days=20)


def run_disputes(w: World) -> None:
    c, step = w.c, w.audit.step

    def open_(order_id: int, **kw: Any) -> int:
        args: dict[str, Any] = {
            "type": "not_as_described",
            "wanted": "full_refund",
            "amount": None,
            "description": "The lamp flickers and the shade is cracked.",
        }
        args.update(kw)
        return disputes.open_dispute(c.uow(), c.ctx, actor=w.buyer, order_id=order_id, **args)

    agreed, _ = w.delivered()
    w.clock.advance(timedelta(days=1))
    with step("dispute: open"):
        did = open_(agreed)
    with step("dispute: seller counters"):
        disputes.respond(
            c.uow(),
            c.ctx,
            actor=w.seller,
            dispute_id=did,
            action="counter",
            wanted="partial_refund",
            amount=1000,
            note="Cosmetic",
        )
    with step("dispute: buyer proposes"):
        disputes.propose(
            c.uow(), c.ctx, actor=w.buyer, dispute_id=did, wanted="partial_refund", amount=1500
        )
    with step("dispute: seller accepts the proposal, refund"):
        disputes.accept_proposal(c.uow(), c.ctx, actor=w.seller, dispute_id=did)

    decided, _ = w.delivered()
    w.clock.advance(timedelta(days=1))
    did = open_(decided)
    with step("dispute: buyer escalates"):
        disputes.escalate(c.uow(), c.ctx, actor=w.buyer, dispute_id=did)
    with step("dispute: support assigns"):
        disputes.assign(c.uow(), c.ctx, actor=w.agent, dispute_id=did)
    with step("dispute: support asks for information"):
        d = disputes.request_info(
            c.uow(),
            c.ctx,
            actor=w.agent,
            dispute_id=did,
            party="seller",
            question="Photos before shipping?",
            due_at=w.clock.now() + timedelta(days=2),
        )
    with step("dispute: seller answers"):
        disputes.answer_info(
            c.uow(),
            c.ctx,
            actor=w.seller,
            dispute_id=did,
            request_id=d.info_requests[0].id,
            answer="None, sorry.",
        )
    (upload,) = evidence.upload(
        c.uow(), c.ctx, actor=w.buyer, order_id=decided, files=[("photo.pdf", PDF)]
    )
    with step("dispute: evidence attached"):
        disputes.add_evidence(c.uow(), c.ctx, actor=w.buyer, dispute_id=did, file_ids=[upload.id])
    with step("dispute: support decides, refund"):
        disputes.decide(
            c.uow(),
            c.ctx,
            actor=w.agent,
            dispute_id=did,
            outcome="partial_refund",
            amount=1500,
            rationale="The crack shows on the photo.",
        )
    with step("dispute: buyer appeals"):
        disputes.appeal(c.uow(), c.ctx, actor=w.buyer, dispute_id=did, reason="Not enough")
    with step("dispute: another agent decides the appeal"):
        disputes.decide(
            c.uow(),
            c.ctx,
            actor=w.other_agent,
            dispute_id=did,
            outcome="full_refund",
            rationale="The lamp does not work either.",
        )

    withdrawn, _ = w.delivered()
    w.clock.advance(timedelta(days=1))
    did = open_(withdrawn)
    with step("dispute: buyer withdraws"):
        disputes.withdraw(c.uow(), c.ctx, actor=w.buyer, dispute_id=did)

    silent, _ = w.delivered()
    w.clock.advance(timedelta(days=1))
    open_(silent)  # the seller never answers: the buyer's request is carried out

    forced = w.paid()
    w.clock.advance(timedelta(hours=2))
    request = cancellations.cancel_order(
        c.uow(), c.ctx, actor=w.buyer, order_id=forced, reason="changed_mind"
    )
    cancellations.reject_cancellation(
        c.uow(),
        c.ctx,
        actor=w.seller,
        cancellation_id=request.id,
        reason="already_shipped",
        carrier="DHL",
        tracking_number="JJD000390007",
    )
    w.clock.advance(timedelta(hours=1))
    did = open_(
        forced,
        type="cancellation_refused",
        cancellation_id=request.id,
        description="The tracking number shows nothing.",
    )
    disputes.escalate(c.uow(), c.ctx, actor=w.buyer, dispute_id=did)
    with step("dispute: support forces the cancellation"):
        force_cancellation(
            c.uow(), c.ctx, actor=w.agent, dispute_id=did, rationale="Never scanned."
        )
    with step("deadlines: dispute answers, escalations, appeals"):
        w.later(days=15)


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def test_every_use_case_writes_one_order_per_transaction(
    container: Container, clock: FixedClock, audit: Audit
) -> None:
    w = world(container, clock, audit)
    run_orders_and_shipping(w)
    run_cancellations(w)
    run_conversation_and_tickets(w)
    run_returns_and_parcels(w)
    run_disputes(w)

    writes = audit.seen + read_writes(audit.engine, audit.last())
    print("\n" + audit.report())
    found = violations(writes)
    print("\n".join(found))
    assert found == []
    written = {x.table for x in writes}
    assert sorted(ORDER_SCOPED - written) == []  # every order-scoped table was exercised
    assert (
        sorted(written - ORDER_SCOPED - ABOUT_AN_ORDER - REFERENCE - WITH_AN_ORDER - ELSEWHERE)
        == []
    )


def test_every_order_scoped_table_carries_the_order_id(container: Container) -> None:
    """A table of an order's rows without `order_id` cannot be co-located: named here."""
    assert PG_URL
    tables = {t.name for t in m.Base.metadata.sorted_tables}
    unclassified = tables - ORDER_SCOPED - ABOUT_AN_ORDER - REFERENCE - WITH_AN_ORDER - ELSEWHERE
    assert sorted(unclassified) == [], "a new table: say how it is distributed"
    engine = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        columns = conn.execute(
            text(
                "SELECT table_name, is_nullable FROM information_schema.columns "
                "WHERE table_schema = 'public' AND column_name = 'order_id'"
            )
        ).all()
    engine.dispose()
    nullable = {name: flag == "YES" for name, flag in columns}
    missing = sorted(t for t in (ORDER_SCOPED | ABOUT_AN_ORDER) - {"orders"} if t not in nullable)
    assert missing == []
    assert sorted(t for t in ORDER_SCOPED if nullable.get(t)) == []


def test_a_transaction_writing_two_orders_is_caught(
    container: Container, clock: FixedClock, audit: Audit
) -> None:
    """The check can fail: one unit of work writing two orders' timelines is reported."""
    from recourse.domain.timeline import TimelineEntry

    w = world(container, clock, audit)
    first, second = w.order(), w.order()
    with container.uow() as uow:
        for order_id in (first, second):
            uow.timeline.add(
                TimelineEntry(order_id=order_id, at=clock.now(), actor=w.agent, action="note")
            )
        uow.commit()
    found = violations(read_writes(audit.engine))
    assert len(found) == 1
    assert f"orders [{first}, {second}]" in found[0]
