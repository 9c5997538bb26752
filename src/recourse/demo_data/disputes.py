"""The demo's disputes (§5, D1-D7): one order per dispute, standing today at every step, of
every type the demo has the situation for, opened over the last two months so support's
dashboard has a shape.

Each `:dispute_*` order of DISPUTE_PLAN has a tale (`dispute_tales`): when its parcel left
and arrived (or never did), then each step in days before now, through the real use cases in
the waking hours of whoever takes it. What a deadline decides (the sellers' silence,
negotiation running out, the appeal window closing) is the worker's, on the history's clock.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from recourse.demo_data.clock import History, earlier_local, hours, minutes
from recourse.demo_data.dispute_tales import (
    DISPUTE_PLAN,
    SECOND_AGENT,
    SELLER_WORDS,
    SUPPORT_WORDS,
    TALES,
    WORDS,
    Tale,
)
from recourse.demo_data.marketplace import PEOPLE, STORES
from recourse.demo_data.orders import Order, _planned_order, pay, place, scan, ship
from recourse.demo_data.returns import photo
from recourse.domain.disputes import DisputeType, Outcome, Party, Wanted
from recourse.domain.order import OrderStatus, PaymentStatus
from recourse.domain.returns import ReturnLine
from recourse.domain.roles import Actor, Role
from recourse.domain.shipment import CarrierEvent
from recourse.services import cancellations, disputes, evidence
from recourse.services import returns as return_cases


@dataclass(eq=False)
class Trail:
    dispute_id: int = 0
    cancellation_id: int | None = None
    return_id: int | None = None


def plan(history: History) -> list[Order]:
    """The orders of DISPUTE_PLAN, planned as the other orders are."""
    by_key = {spec.key: spec for spec in STORES}
    buyers = {p.key: p for p in PEOPLE if p.role is Role.buyer}
    planned = []
    for row in DISPUTE_PLAN.strip().splitlines():
        buyer_key, store_key, *statuses = row.split()
        for token in statuses:
            status, _, variant = token.partition(":")
            planned.append(
                _planned_order(
                    history, buyers[buyer_key], by_key[store_key], OrderStatus(status), variant
                )
            )
    return planned


def planned(o: Order) -> bool:
    return o.variant in TALES


def story(history: History, o: Order) -> None:
    """Schedule the order so its parcel leaves and arrives when the tale says, then every
    step of the tale at its moment."""
    tale = TALES[o.variant]
    rng, now = history.rng, history.now
    shipped = now - timedelta(days=tale.shipped) - minutes(rng, 0, 50)
    shipped = earlier_local(shipped, o.store.timezone, (8, 19), floor=shipped - hours(12))
    paid = shipped - timedelta(days=tale.paid) - minutes(rng, 0, 60)
    placed = paid - minutes(rng, 1, 25)
    history.at(placed, partial(place, history, o))
    history.at(paid, partial(pay, history, o, PaymentStatus.captured))
    history.at(
        shipped, partial(ship, history, o, 0, [x.sku for x in o.lines], _tracking(history, o))
    )
    first_scan = shipped + hours(rng.uniform(5, 14))
    history.at(first_scan, partial(scan, history, o, 0, CarrierEvent.in_transit, first_scan))
    if tale.delivered is not None:
        arrived = now - timedelta(days=tale.delivered) - minutes(rng, 0, 50)
        arrived = earlier_local(arrived, o.buyer.timezone, (8, 20), floor=first_scan + hours(1))
        history.at(arrived, partial(scan, history, o, 0, CarrierEvent.delivered, arrived))
    trail = Trail()
    previous = paid + hours(1)  # past C4's grace: a cancellation now is a request
    for name, days_ago in tale.steps:
        moment = now - timedelta(days=days_ago) - minutes(rng, 0, 40)
        moment = max(moment, previous + minutes(rng, 20, 60))
        zone = o.buyer.timezone
        if name in SELLER_STEPS:
            zone = o.store.timezone
        elif name in SUPPORT_STEPS:
            zone = "Europe/London"
        moment = earlier_local(moment, zone, (8, 22), floor=previous + hours(0.2))
        assert previous < moment < now, (o.variant, name)
        history.at(moment, partial(STEPS[name], history, o, tale, trail))
        previous = moment


def _tracking(history: History, o: Order) -> str:
    return "".join(
        history.rng.choice(string.digits) if ch == "#" else ch for ch in o.carrier.tracking
    )


def _language(o: Order) -> str:
    return "es" if o.buyer.locale.startswith("es") else "en"


def _buyer(history: History, o: Order) -> Actor:
    return Actor(Role.buyer, history.users[o.buyer.key])


def _seller(history: History, o: Order) -> Actor:
    return history.shippers[o.store.key]


def _agent(history: History, key: str = "support") -> Actor:
    return Actor(Role.support, history.users[key])


def _tick(history: History, trail: Trail) -> None:
    """The deadline the dispute now waits for, if it falls before today, is the worker's to
    keep then (silence, escalation, the end of the appeal window)."""
    with history.c.uow() as uow:
        found = uow.disputes.get(trail.dispute_id)
    assert found is not None
    if found.due_at is not None and found.due_at <= history.now:
        history.tick(found.due_at)


def _upload(history: History, o: Order, actor: Actor, name: str) -> tuple[int, ...]:
    stored = evidence.upload(
        history.c.uow(),
        history.ctx,
        actor=actor,
        order_id=o.id,
        files=[(name, photo(tint=o.id * 7))],
    )
    return tuple(f.id for f in stored)


def _part(o: Order, percent: int) -> int:
    """A share of the first line's unit price, in minor units."""
    return max(1, o.lines[0].unit_price * percent // 100)


def ask_cancel(history: History, o: Order, tale: Tale, trail: Trail) -> None:
    """C4: past the grace window the buyer's cancellation is a request to the seller."""
    done = cancellations.cancel_order(
        history.c.uow(),
        history.ctx,
        actor=_buyer(history, o),
        order_id=o.id,
        reason=WORDS[_language(o)]["cancel_reason"],
    )
    assert done.respond_by is not None, o.variant
    trail.cancellation_id = done.id


def refuse_cancel(history: History, o: Order, tale: Tale, trail: Trail) -> None:
    assert trail.cancellation_id is not None
    cancellations.reject_cancellation(
        history.c.uow(),
        history.ctx,
        actor=_seller(history, o),
        cancellation_id=trail.cancellation_id,
        reason="made_to_order",
        note=SELLER_WORDS["made_to_order"],
    )


def request_return(history: History, o: Order, tale: Tale, trail: Trail) -> None:
    first = o.lines[0]
    trail.return_id = return_cases.request_return(
        history.c.uow(),
        history.ctx,
        actor=_buyer(history, o),
        order_id=o.id,
        lines=[ReturnLine(o.line_ids[first.sku], 1)],
        reason="defective",
        description=WORDS[_language(o)]["return_refused"],
    )


def decline_return(history: History, o: Order, tale: Tale, trail: Trail) -> None:
    assert trail.return_id is not None
    return_cases.decline_return(
        history.c.uow(),
        history.ctx,
        actor=_seller(history, o),
        return_id=trail.return_id,
        reason=SELLER_WORDS["decline_return"],
    )


def open_case(history: History, o: Order, tale: Tale, trail: Trail) -> None:
    buyer = _buyer(history, o)
    files = _upload(history, o, buyer, "what-arrived.png") if tale.photos else ()
    trail.dispute_id = disputes.open_dispute(
        history.c.uow(),
        history.ctx,
        actor=buyer,
        order_id=o.id,
        type=tale.type,
        wanted=tale.wanted,
        amount=_part(o, 40) if tale.wanted is Wanted.partial_refund else None,
        description=WORDS[_language(o)][str(tale.type)],
        file_ids=files,
        cancellation_id=trail.cancellation_id
        if tale.type is DisputeType.cancellation_refused
        else None,
        return_id=trail.return_id if tale.type is DisputeType.return_refused else None,
    )
    _tick(history, trail)


def accept(history: History, o: Order, tale: Tale, trail: Trail) -> None:
    disputes.respond(
        history.c.uow(),
        history.ctx,
        actor=_seller(history, o),
        dispute_id=trail.dispute_id,
        action="accept",
    )


def counter(history: History, o: Order, tale: Tale, trail: Trail) -> None:
    disputes.respond(
        history.c.uow(),
        history.ctx,
        actor=_seller(history, o),
        dispute_id=trail.dispute_id,
        action="counter",
        wanted=Wanted.partial_refund,
        amount=_part(o, 20),
        note=SELLER_WORDS["counter"],
    )
    _tick(history, trail)


def agree(history: History, o: Order, tale: Tale, trail: Trail) -> None:
    disputes.accept_proposal(
        history.c.uow(), history.ctx, actor=_buyer(history, o), dispute_id=trail.dispute_id
    )


def escalate(history: History, o: Order, tale: Tale, trail: Trail) -> None:
    disputes.escalate(
        history.c.uow(), history.ctx, actor=_buyer(history, o), dispute_id=trail.dispute_id
    )


def assign(history: History, o: Order, tale: Tale, trail: Trail, key: str = "support") -> None:
    disputes.assign(
        history.c.uow(), history.ctx, actor=_agent(history, key), dispute_id=trail.dispute_id
    )


def ask(history: History, o: Order, tale: Tale, trail: Trail, party: Party) -> None:
    now = history.clock.now()
    disputes.request_info(
        history.c.uow(),
        history.ctx,
        actor=_agent(history),
        dispute_id=trail.dispute_id,
        party=party,
        question=SUPPORT_WORDS[f"ask_{party}"],
        due_at=now + timedelta(days=3),
    )


def answer_buyer(history: History, o: Order, tale: Tale, trail: Trail) -> None:
    buyer = _buyer(history, o)
    with history.c.uow() as uow:
        found = uow.disputes.get(trail.dispute_id)
    assert found is not None and found.info_requests
    disputes.answer_info(
        history.c.uow(),
        history.ctx,
        actor=buyer,
        dispute_id=trail.dispute_id,
        request_id=found.info_requests[-1].id,
        answer=WORDS[_language(o)]["answer"],
        file_ids=_upload(history, o, buyer, "close-up.png"),
    )


def decide(
    history: History, o: Order, tale: Tale, trail: Trail, outcome: Outcome, key: str = "support"
) -> None:
    disputes.decide(
        history.c.uow(),
        history.ctx,
        actor=_agent(history, key),
        dispute_id=trail.dispute_id,
        outcome=outcome,
        amount=_part(o, 35) if outcome is Outcome.partial_refund else None,
        rationale=SUPPORT_WORDS["appeal" if key != "support" else str(outcome)],
    )
    _tick(history, trail)


def appeal(history: History, o: Order, tale: Tale, trail: Trail) -> None:
    disputes.appeal(
        history.c.uow(),
        history.ctx,
        actor=_buyer(history, o),
        dispute_id=trail.dispute_id,
        reason=WORDS[_language(o)]["appeal"],
    )


def withdraw(history: History, o: Order, tale: Tale, trail: Trail) -> None:
    disputes.withdraw(
        history.c.uow(), history.ctx, actor=_buyer(history, o), dispute_id=trail.dispute_id
    )


StepFunction = Callable[[History, Order, Tale, Trail], None]
STEPS: dict[str, StepFunction] = {
    "ask_cancel": ask_cancel,
    "refuse_cancel": refuse_cancel,
    "return": request_return,
    "decline_return": decline_return,
    "open": open_case,
    "accept": accept,
    "counter": counter,
    "agree": agree,
    "escalate": escalate,
    "assign": assign,
    "ask_seller": partial(ask, party=Party.seller),
    "ask_buyer": partial(ask, party=Party.buyer),
    "answer_buyer": answer_buyer,
    "decide_full": partial(decide, outcome=Outcome.full_refund),
    "decide_partial": partial(decide, outcome=Outcome.partial_refund),
    "decide_none": partial(decide, outcome=Outcome.no_refund),
    "decide_return": partial(decide, outcome=Outcome.refund_after_return),
    "appeal": appeal,
    "assign_appeal": partial(assign, key=SECOND_AGENT),
    "decide_appeal": partial(decide, outcome=Outcome.partial_refund, key=SECOND_AGENT),
    "withdraw": withdraw,
}
SELLER_STEPS = frozenset({"refuse_cancel", "decline_return", "accept", "counter"})
SUPPORT_STEPS = frozenset(
    {"assign", "ask_seller", "ask_buyer", "assign_appeal"}
    | {s for s in STEPS if s.startswith("decide")}
)
