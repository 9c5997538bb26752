"""The demo's disputes (§5, D1-D7): one order per dispute, standing today at every step, of
every type the demo has the situation for, opened over the last two months so support's
dashboard has a shape.

Each `:dispute_*` order of DISPUTE_PLAN has a tale: when its parcel left and arrived (or
never did), then each step in days before now, through the real use cases in the waking
hours of whoever takes it. What a deadline decides (the sellers' silence, negotiation running
out, the appeal window closing) is the worker's, on the history's clock.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from recourse.demo_data.clock import History, earlier_local, hours, minutes
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

# Who bought what from whom; every order has one dispute, told by its tale below.
DISPUTE_PLAN = """
    buyer  volt    delivered:dispute_awaiting delivered:dispute_decided_partial
    buyer  lune    delivered:dispute_negotiating shipped:dispute_escalated
    amelie lune    delivered:dispute_info delivered:dispute_appealed
    kenji  kanade  delivered:dispute_decided_none shipped:dispute_silent
    noah   volt    delivered:dispute_return_refused delivered:dispute_accepted
    lucia  volt    delivered:dispute_withdrawn
    lucia  lune    delivered:dispute_assigned
    jordan lune    shipped:dispute_decided_full delivered:dispute_agreed
    lucas  volt    delivered:dispute_appeal_decided delivered:dispute_old_decision
"""


@dataclass(frozen=True, slots=True)
class Tale:
    """`shipped`/`delivered`: days ago the parcel left and arrived (None: it never did);
    `steps`: (what happens, days ago), earliest first; `paid`: days before shipping the
    buyer paid (long enough for a cancellation request to be asked and refused)."""

    type: DisputeType
    shipped: float
    delivered: float | None
    steps: tuple[tuple[str, float], ...]
    wanted: Wanted = Wanted.full_refund
    photos: bool = False
    paid: float = 0.5


NAD, NOT_RECEIVED = DisputeType.not_as_described, DisputeType.not_received
TALES: dict[str, Tale] = {
    # D3: waiting for the seller's answer
    "dispute_awaiting": Tale(NAD, 8, 5, (("open", 1.2),), Wanted.partial_refund, photos=True),
    # D4: the seller countered; negotiation runs until escalate_at
    "dispute_negotiating": Tale(NAD, 10, 7, (("open", 5.5), ("counter", 4.2))),
    # D5: the buyer escalated; nobody has taken it yet
    "dispute_escalated": Tale(NOT_RECEIVED, 40, None, (("open", 4), ("escalate", 0.8))),
    # D5: escalated when negotiation ran out; taken, the seller is asked for more
    "dispute_info": Tale(
        NAD,
        16,
        12,
        (("open", 10.5), ("counter", 9.8), ("assign", 2.5), ("ask_seller", 1.2)),
        photos=True,
    ),
    # D5: a refused cancellation escalated and taken by an agent
    "dispute_assigned": Tale(
        DisputeType.cancellation_refused,
        9,
        6,
        (
            ("ask_cancel", 10.3),
            ("refuse_cancel", 9.9),
            ("open", 5),
            ("counter", 4),
            ("escalate", 1.2),
            ("assign", 0.9),
        ),
        paid=1.6,
    ),
    # D5 decided, appeal window running: refund after return, for a declined return
    "dispute_return_refused": Tale(
        DisputeType.return_refused,
        20,
        16,
        (
            ("return", 14),
            ("decline_return", 13),
            ("open", 12),
            ("counter", 11),
            ("escalate", 9.5),
            ("assign", 9),
            ("decide_return", 8.2),
        ),
        Wanted.return_and_refund,
    ),
    # D5 decided: everything refunded for a parcel that never came (decided past the SLA)
    "dispute_decided_full": Tale(
        NOT_RECEIVED,
        50,
        None,
        (("open", 18), ("counter", 17), ("escalate", 15), ("assign", 14.5), ("decide_full", 12)),
    ),
    # D5 decided: part of the price, after the buyer answered support's question
    "dispute_decided_partial": Tale(
        NAD,
        12,
        9,
        (
            ("open", 8),
            ("counter", 7),
            ("escalate", 6),
            ("assign", 5.5),
            ("ask_buyer", 5.2),
            ("answer_buyer", 4.8),
            ("decide_partial", 4.3),
        ),
        photos=True,
    ),
    # D5 decided: no refund
    "dispute_decided_none": Tale(
        NAD,
        25,
        21,
        (("open", 20), ("counter", 19), ("escalate", 17), ("assign", 16.8), ("decide_none", 16.2)),
        Wanted.partial_refund,
    ),
    # D6: the buyer appealed a partial refund; a second agent has it
    "dispute_appealed": Tale(
        NAD,
        30,
        26,
        (
            ("open", 25),
            ("counter", 24),
            ("escalate", 22),
            ("assign", 21.5),
            ("decide_partial", 20.5),
            ("appeal", 1.5),
            ("assign_appeal", 1.2),
        ),
    ),
    # D3: the seller accepted the buyer's request
    "dispute_accepted": Tale(NAD, 35, 31, (("open", 29), ("accept", 28)), Wanted.partial_refund),
    # D3: the seller never answered; silence carried out the buyer's request
    "dispute_silent": Tale(NOT_RECEIVED, 55, None, (("open", 22),)),
    # D4: the buyer took the seller's counter-offer on a refused cancellation
    "dispute_agreed": Tale(
        DisputeType.cancellation_refused,
        45,
        41,
        (
            ("ask_cancel", 46.3),
            ("refuse_cancel", 45.8),
            ("open", 40),
            ("counter", 39),
            ("agree", 38),
        ),
        paid=1.6,
    ),
    # D6: no refund, appealed, and a second agent refunded part
    "dispute_appeal_decided": Tale(
        NAD,
        62,
        58,
        (
            ("open", 56),
            ("counter", 55),
            ("escalate", 53),
            ("assign", 52.8),
            ("decide_none", 52),
            ("appeal", 45),
            ("assign_appeal", 44.5),
            ("decide_appeal", 44),
        ),
    ),
    # D5: decided in full, and nobody appealed before appeal_by
    "dispute_old_decision": Tale(
        NAD, 68, 64, (("open", 63), ("escalate", 60), ("assign", 59.5), ("decide_full", 58))
    ),
    # D7: the buyer withdrew
    "dispute_withdrawn": Tale(NAD, 18, 15, (("open", 14), ("withdraw", 12.5))),
}

WORDS = {
    "en": {
        "not_as_described": "The lid does not close and the finish is scratched; it is not what "
        "the listing showed.",
        "not_received": "The tracking has not moved for weeks and nothing has arrived.",
        "cancellation_refused": "I asked to cancel before it shipped and the seller refused.",
        "return_refused": "The seller declined my return, but the item is faulty.",
        "answer": "Here is a photo of the scratch next to the original box.",
        "appeal": "The photos show the damage clearly; a partial refund is not enough.",
        "cancel_reason": "wrong_address",
    },
    "es": {
        "not_as_described": "La tapa no cierra y el acabado está rayado; no es lo que mostraba "
        "el anuncio.",
        "not_received": "El seguimiento no se mueve desde hace semanas y no ha llegado nada.",
        "cancellation_refused": "Pedí cancelar antes del envío y el vendedor lo rechazó.",
        "return_refused": "El vendedor rechazó mi devolución, pero el artículo está defectuoso.",
        "answer": "Adjunto una foto del arañazo junto a la caja original.",
        "appeal": "Las fotos muestran el daño con claridad; un reembolso parcial no basta.",
        "cancel_reason": "wrong_address",
    },
}
SELLER_WORDS = {
    "counter": "We can refund part of the price; the item works as described.",
    "made_to_order": "This piece is made to order and was already in production.",
    "decline_return": "The item left us in perfect condition.",
    "answer": "Our packing photos show the item intact before it left.",
}
SUPPORT_WORDS = {
    "ask_seller": "Please send the packing photos and the carrier's receipt.",
    "ask_buyer": "Please send a photo of the damage next to the packaging.",
    "full_refund": "The carrier has no delivery scan and the seller showed no proof of delivery.",
    "partial_refund": "The photos show cosmetic damage; the item still works. Part of the "
    "price is refunded.",
    "refund_after_return": "The item is faulty; the buyer sends it back and is refunded.",
    "no_refund": "The photos show the item as listed; the difference is within the usual range.",
    "appeal": "On a second look the scratch is visible in the buyer's first photo; part of the "
    "price is refunded.",
}
SECOND_AGENT = "priya"


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
