"""A small marketplace seeded through the real use cases, so that path ids hit real objects.

Two stores, each with its seller; two buyers; a support agent. The buyer has an unpaid order,
a paid order with a cancellation request waiting for the seller, and an order with one of two
units shipped and a support refund the gateway declined, a delivered order with a return
waiting for the seller's answer (R2), and an order whose parcel was refused at the door and is
coming back (S2). The other buyer has a paid order at the other store. A webhook endpoint on
a closed loopback port has a delivery that gave up (a dead letter); the buyer has a
notification and an email.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from recourse.bootstrap import make_worker
from recourse.container import Container
from recourse.db import models as m
from recourse.db import outbox
from recourse.db.queries.notifications import notifications_of
from recourse.db.queries.webhooks import deliveries_page
from recourse.domain.order import NewLine
from recourse.domain.returns import ReturnLine
from recourse.domain.roles import Actor, Role
from recourse.domain.shipment import CarrierEvent, ShipmentLine
from recourse.integrations.clock import FixedClock
from recourse.integrations.gateways.sandbox import SandboxGateway, SandboxSettings
from recourse.services import (
    accounts,
    cancellations,
    conversation,
    disputes,
    evidence,
    protection,
    refunds,
    returns,
    shipping,
    tickets,
    webhooks,
)
from tests.factories import (
    actor_of,
    carrier_event,
    make_order,
    make_store,
    make_user,
    pay,
    ship_all,
)

OPERATOR = Actor(Role.operator)
# Nothing listens on the discard port: a delivery there fails at once, without leaving the host.
CLOSED_ENDPOINT = "http://127.0.0.1:9/hooks"

EVIDENCE_PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)

USERS = ("buyer", "other_buyer", "seller", "other_seller", "support")


@dataclass(frozen=True)
class World:
    store: int
    other_store: int
    users: dict[str, int]
    emails: dict[str, str]
    tokens: dict[str, str]
    unpaid_order: int
    requested_order: int
    request: int
    shipped_order: int
    unshipped_line: int
    shipment: int
    refund: int
    other_order: int
    endpoint: int
    delivery: int
    dead_letter: int
    notification: int
    mail_key: str
    ticket: int = 0
    extension: int = 0
    intercept: int = 0  # the buyer of the shipped order asked to stop its parcel
    delivered_order: int = 0
    buyer_return: int = 0  # requested: waiting for the seller's answer
    refused_order: int = 0
    parcel_return: int = 0  # refused_delivery, parcel_returning: no reason given yet
    evidence_file: int = 0
    disputed_order: int = 0
    dispute: int = 0  # not_as_described, awaiting the seller's answer
    dispute_file: int = 0  # the buyer's photo uploaded to the disputed order, not attached yet

    def headers(self, party: str) -> dict[str, str]:
        """The party's API token as a bearer header (none for anonymous)."""
        token = self.tokens.get(party)
        return {"Authorization": f"Bearer {token}"} if token else {}

    def headers_for_pages(self, party: str) -> dict[str, str]:
        """Only the operator, who has no password, visits pages with a token."""
        return self.headers(party) if party == "operator" else {}


def build_world(c: Container, clock: FixedClock) -> World:
    store = make_store(
        c,
        name="Maison Lune",
        buyer_cancel="approval",
        allow_partial_cancel=True,
        return_address="Maison Lune, 12 rue des Lampes, 75011 Paris",
    )
    other_store = make_store(c, name="Volt")
    emails = {name: f"{name.replace('_', '.')}@rel.example" for name in USERS}
    users = {
        "buyer": make_user(c, role=Role.buyer, email=emails["buyer"]),
        "other_buyer": make_user(c, role=Role.buyer, email=emails["other_buyer"]),
        "seller": make_user(c, role=Role.seller, email=emails["seller"], store_ids=[store]),
        "other_seller": make_user(
            c, role=Role.seller, email=emails["other_seller"], store_ids=[other_store]
        ),
        "support": make_user(c, role=Role.support, email=emails["support"]),
    }
    endpoint = webhooks.register_endpoint(
        c.uow(), c.ctx, actor=OPERATOR, url=CLOSED_ENDPOINT, events=["refund.*"]
    ).id

    unpaid_order = make_order(c, buyer_id=users["buyer"], store_id=store)
    requested_order = make_order(c, buyer_id=users["buyer"], store_id=store)
    pay(c, requested_order)
    shipped_order = make_order(
        c,
        buyer_id=users["buyer"],
        store_id=store,
        lines=[NewLine("LAMP-1", "Desk lamp", 2500, 2, 0, 475)],
    )
    order = pay(c, shipped_order)
    line = order.lines[0].id
    shipment = shipping.ship_order(
        c.uow(),
        c.ctx,
        actor=actor_of(c, users["seller"]),
        order_id=shipped_order,
        lines=[ShipmentLine(line, 1)],
        carrier="DHL",
        tracking_number="JJD0000000001",
    )
    other_order = make_order(c, buyer_id=users["other_buyer"], store_id=other_store)
    pay(c, other_order)

    # Past the 30-minute grace at an approval store: the buyer's cancel is a request.
    clock.advance(timedelta(hours=2))
    request = cancellations.cancel_order(
        c.uow(),
        c.ctx,
        actor=actor_of(c, users["buyer"]),
        order_id=requested_order,
        reason="changed_mind",
    ).id
    refund = refunds.issue_manual_refund(
        c.uow(),
        c.ctx,
        actor=actor_of(c, users["support"]),
        order_id=shipped_order,
        amount=1000,
        reason="goodwill",
        gateway="sandbox",
    )
    sandbox = c.gateways["sandbox"]
    assert isinstance(sandbox, SandboxGateway)
    sandbox.configure(SandboxSettings(decline_always=True))
    worker = make_worker(c)
    # One failed delivery is enough for a webhook to give up and become a dead letter.
    worker.deps.max_attempts_by_kind = {"webhook": 1, "refund.send": 1000}
    worker.run_once()
    sandbox.configure(SandboxSettings())

    with c.read_session() as session:
        delivery = deliveries_page(session, endpoint, limit=1).items[0].id
        notes, _ = notifications_of(session, users["buyer"], limit=1)
        status = session.scalar(select(m.RefundRow.status).where(m.RefundRow.id == refund))
    assert str(status) == "failed", status
    dead = outbox.dead_letters(c.engine)
    assert dead, "the world needs a dead letter"
    assert c.mailbox is not None
    mail = c.mailbox.list(to=emails["buyer"])
    assert mail, "the world needs an email to the buyer"

    # T6: the buyer's PDF on the shipped order, attached as a return's evidence would be.
    [pdf] = evidence.upload(
        c.uow(),
        c.ctx,
        actor=actor_of(c, users["buyer"]),
        order_id=shipped_order,
        files=[("receipt.pdf", EVIDENCE_PDF)],
    )
    with c.uow() as uow:
        evidence.attach(
            uow,
            order_id=shipped_order,
            uploader_id=users["buyer"],
            file_ids=[pdf.id],
            subject="return",
            subject_id=1,
            now=clock.now(),
        )
        uow.commit()

    delivered_order, buyer_return = _delivered_with_a_return(c, users["buyer"], store)
    refused_order, parcel_return = _refused_at_the_door(c, users["buyer"], store)
    disputed_order, dispute, dispute_file = _delivered_with_a_dispute(c, users["buyer"], store)

    tokens = {
        name: accounts.create_token(c.uow(), c.ctx, operator=False, email=emails[name])
        for name in USERS
    }
    tokens["operator"] = accounts.create_token(c.uow(), c.ctx, operator=True, email=None)
    return World(
        store=store,
        other_store=other_store,
        users=users,
        emails=emails,
        tokens=tokens,
        unpaid_order=unpaid_order,
        requested_order=requested_order,
        request=request,
        shipped_order=shipped_order,
        unshipped_line=line,
        shipment=shipment,
        refund=refund,
        other_order=other_order,
        endpoint=endpoint,
        delivery=delivery,
        dead_letter=int(dead[0]["id"]),
        notification=notes[0].id,
        mail_key=str(mail[0]["key"]),
        delivered_order=delivered_order,
        buyer_return=buyer_return,
        refused_order=refused_order,
        parcel_return=parcel_return,
        evidence_file=pdf.id,
        disputed_order=disputed_order,
        dispute=dispute,
        dispute_file=dispute_file,
        ticket=tickets.open_ticket(
            c.uow(),
            c.ctx,
            actor=actor_of(c, users["buyer"]),
            order_id=requested_order,
            message="Hi",
        ).ticket_id,
        # the buyer of the shipped order waits for the seller to extend protection
        extension=protection.request_extension(
            c.uow(),
            c.ctx,
            actor=actor_of(c, users["buyer"]),
            order_id=shipped_order,
            days=5,
            reason="Away until then",
        ),
        intercept=conversation.request_intercept(
            c.uow(), c.ctx, actor=actor_of(c, users["buyer"]), order_id=shipped_order
        ).request_id,
    )


def _delivered_with_a_return(c: Container, buyer: int, store: int) -> tuple[int, int]:
    """R1: a delivered order of two units, one of which the buyer asks to send back."""
    order_id = make_order(
        c,
        buyer_id=buyer,
        store_id=store,
        lines=[NewLine("VASE-2", "Glass vase", 3200, 2, 0, 608)],
    )
    line = pay(c, order_id).lines[0].id
    carrier_event(c, ship_all(c, order_id), CarrierEvent.delivered)
    return_id = returns.request_return(
        c.uow(),
        c.ctx,
        actor=actor_of(c, buyer),
        order_id=order_id,
        lines=[ReturnLine(line, 1)],
        reason="damaged",
        description="One vase arrived cracked.",
    )
    return order_id, return_id


def _delivered_with_a_dispute(c: Container, buyer: int, store: int) -> tuple[int, int, int]:
    """D1/D2: a delivered order whose buyer opened a not-as-described dispute (waiting for the
    seller), and a photo the buyer uploaded to it to add as evidence."""
    order_id = make_order(
        c,
        buyer_id=buyer,
        store_id=store,
        lines=[NewLine("MUG-3", "Stoneware mug", 1800, 1, 0, 342)],
    )
    pay(c, order_id)
    carrier_event(c, ship_all(c, order_id), CarrierEvent.delivered)
    dispute_id = disputes.open_dispute(
        c.uow(),
        c.ctx,
        actor=actor_of(c, buyer),
        order_id=order_id,
        type="not_as_described",
        wanted="full_refund",
        amount=None,
        description="The glaze is chipped.",
    )
    [photo] = evidence.upload(
        c.uow(),
        c.ctx,
        actor=actor_of(c, buyer),
        order_id=order_id,
        files=[("chip.pdf", EVIDENCE_PDF)],
    )
    return order_id, dispute_id, photo.id


def _refused_at_the_door(c: Container, buyer: int, store: int) -> tuple[int, int]:
    """S2: the carrier reports the parcel refused; its return opens by itself."""
    order_id = make_order(c, buyer_id=buyer, store_id=store)
    pay(c, order_id)
    carrier_event(c, ship_all(c, order_id), CarrierEvent.refused)
    with c.uow() as uow:
        opened = uow.returns.for_order(order_id)
    assert len(opened) == 1, "the refused parcel opens its return"
    return order_id, opened[0].id
