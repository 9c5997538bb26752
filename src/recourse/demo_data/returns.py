"""The demo's returns (§4): buyers sending delivered units back, standing today at every step
of R1-R5, and parcels coming back to the seller before they reached the buyer (S1, S2).

Each `:return_*`, `:refused*` or `:intercepted` order of the plan has a tale (`return_tales`):
when its parcel arrived (or turned back), then each later step, in days before now. The order
is placed, paid, shipped and scanned so that it arrives then, and every step goes through the
real use cases at its moment, in the waking hours of whoever takes it; the deadlines that fall
due on the way (an unshipped return closing, a parcel back at the seller refunded) are the
worker's.
"""

from __future__ import annotations

import io
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from PIL import Image, ImageDraw

from recourse.demo_data.clock import History, earlier_local, hours, minutes
from recourse.demo_data.marketplace import OPERATOR
from recourse.demo_data.orders import Order, pay, place, scan, ship
from recourse.demo_data.return_tales import SELLER_WORDS, TALES, TYPED_ADDRESSES, WORDS, Tale
from recourse.domain.order import PaymentMethod, PaymentStatus
from recourse.domain.returns import Condition, ReturnKind, ReturnLine
from recourse.domain.roles import Actor, Role
from recourse.domain.shipment import CarrierEvent
from recourse.services import conversation, evidence, shipping
from recourse.services import returns as return_cases
from recourse.services.returns import parcels


@dataclass(eq=False)
class Trail:
    """What the steps of one tale pass on to the next."""

    return_id: int = 0
    intercept_id: int = 0


def planned(o: Order) -> bool:
    return o.variant in TALES


def story(history: History, o: Order) -> None:
    """Schedule the order so its parcel arrives (or turns back) `tale.arrived` days ago, then
    every step of its tale."""
    tale = TALES[o.variant]
    rng, now = history.rng, history.now
    parcel = not o.variant.startswith("return")
    arrived = now - timedelta(days=tale.arrived) - minutes(rng, 0, 50)
    if not parcel:
        arrived = earlier_local(arrived, o.buyer.timezone, (8, 20), floor=arrived - hours(12))
    transit = timedelta(days=rng.uniform(*o.carrier.transit_days))
    shipped = earlier_local(
        arrived - transit, o.store.timezone, (8, 19), floor=arrived - transit - hours(12)
    )
    bank = o.method is PaymentMethod.bank_transfer
    paid = shipped - hours(rng.uniform(3, 30))
    placed = paid - (hours(rng.uniform(18, 44)) if bank else minutes(rng, 1, 25))
    history.at(placed, partial(place, history, o))
    history.at(paid, partial(pay, history, o, PaymentStatus.captured))
    history.at(
        shipped, partial(ship, history, o, 0, [x.sku for x in o.lines], _tracking(history, o))
    )
    first_scan = shipped + (arrived - shipped) / 3
    history.at(first_scan, partial(scan, history, o, 0, CarrierEvent.in_transit, first_scan))
    trail = Trail()
    if o.variant == "intercepted":
        pass  # the parcel is still travelling when the buyer asks to stop it
    elif parcel:
        history.at(arrived, partial(scan, history, o, 0, CarrierEvent.refused, arrived))
    else:
        history.at(arrived, partial(scan, history, o, 0, CarrierEvent.delivered, arrived))
    previous = arrived
    for name, days_ago in tale.steps:
        moment = now - timedelta(days=days_ago) - minutes(rng, 0, 40)
        moment = max(moment, previous + minutes(rng, 20, 60))
        actor_tz = o.store.timezone if name in SELLER_STEPS else o.buyer.timezone
        if name not in CARRIER_STEPS:
            moment = earlier_local(moment, actor_tz, (8, 22), floor=previous + hours(0.2))
        assert previous < moment < now, (o.variant, name)
        history.at(moment, partial(STEPS[name], history, o, tale, trail, moment))
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


def photo(*, tint: int = 0) -> bytes:
    """A small PNG of a parcel with a crack across it, drawn in memory."""
    image = Image.new("RGB", (480, 360), (226, 222, 214))
    draw = ImageDraw.Draw(image)
    draw.rectangle(
        (70, 70, 410, 290), fill=(176, 138 + tint % 40, 96), outline=(92, 70, 44), width=6
    )
    draw.line((70, 180, 410, 180), fill=(214, 196, 150), width=18)
    draw.line((150, 90, 210, 160, 180, 230, 260, 280), fill=(40, 28, 20), width=5)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _upload(history: History, o: Order, actor: Actor, name: str) -> tuple[int, ...]:
    stored = evidence.upload(
        history.c.uow(),
        history.ctx,
        actor=actor,
        order_id=o.id,
        files=[(name, photo(tint=o.id))],
    )
    return tuple(f.id for f in stored)


def _lines(o: Order, tale: Tale) -> list[ReturnLine]:
    chosen = o.lines if tale.every_unit else o.lines[:1]
    return [ReturnLine(o.line_ids[x.sku], x.quantity if tale.every_unit else 1) for x in chosen]


def request(history: History, o: Order, tale: Tale, trail: Trail, at: datetime) -> None:
    assert tale.reason is not None
    words = WORDS[_language(o)]
    buyer = _buyer(history, o)
    files = _upload(history, o, buyer, "parcel.png") if tale.photos else ()
    trail.return_id = return_cases.request_return(
        history.c.uow(),
        history.ctx,
        actor=buyer,
        order_id=o.id,
        lines=_lines(o, tale),
        reason=tale.reason,
        description=words.get(tale.reason, words["request"]),
        file_ids=files,
    )
    _tick(history, trail, "respond_by")


def offer(history: History, o: Order, tale: Tale, trail: Trail, at: datetime) -> None:
    """A quarter of the first line's unit price back, to keep the item."""
    first = o.lines[0]
    amount = max(1, (first.unit_price * 25 // 100))
    return_cases.offer_partial_refund(
        history.c.uow(),
        history.ctx,
        actor=_seller(history, o),
        return_id=trail.return_id,
        amount=amount,
    )


def accept(history: History, o: Order, tale: Tale, trail: Trail, at: datetime) -> None:
    return_cases.accept_offer(
        history.c.uow(), history.ctx, actor=_buyer(history, o), return_id=trail.return_id
    )


def approve(history: History, o: Order, tale: Tale, trail: Trail, at: datetime) -> None:
    return_cases.approve_return(
        history.c.uow(),
        history.ctx,
        actor=_seller(history, o),
        return_id=trail.return_id,
        return_address=TYPED_ADDRESSES.get(o.store.key),
    )
    _tick(history, trail, "ship_by")


def decline(history: History, o: Order, tale: Tale, trail: Trail, at: datetime) -> None:
    return_cases.decline_return(
        history.c.uow(),
        history.ctx,
        actor=_seller(history, o),
        return_id=trail.return_id,
        reason=SELLER_WORDS["decline"],
    )


def withdraw(history: History, o: Order, tale: Tale, trail: Trail, at: datetime) -> None:
    return_cases.withdraw_return(
        history.c.uow(), history.ctx, actor=_buyer(history, o), return_id=trail.return_id
    )


def send(history: History, o: Order, tale: Tale, trail: Trail, at: datetime) -> None:
    """R3: the buyer hands the parcel to the carrier of their country."""
    return_cases.ship_return(
        history.c.uow(),
        history.ctx,
        actor=_buyer(history, o),
        return_id=trail.return_id,
        carrier=o.carrier.name,
        tracking_number=_tracking(history, o),
    )


def _return_scan(history: History, trail: Trail, event: CarrierEvent, at: datetime) -> None:
    with history.c.uow() as uow:
        found = uow.returns.get(trail.return_id)
    assert found is not None and found.return_shipment_id is not None
    shipping.record_carrier_event(
        history.c.uow(),
        history.ctx,
        actor=OPERATOR,
        shipment_id=found.return_shipment_id,
        event=event,
        at=at,
    )


def transit(history: History, o: Order, tale: Tale, trail: Trail, at: datetime) -> None:
    _return_scan(history, trail, CarrierEvent.in_transit, at)


def back(history: History, o: Order, tale: Tale, trail: Trail, at: datetime) -> None:
    """R4: the carrier delivers the buyer's parcel to the seller; refund_by starts."""
    _return_scan(history, trail, CarrierEvent.delivered, at)
    _tick(history, trail, "refund_by")


def receive(history: History, o: Order, tale: Tale, trail: Trail, at: datetime) -> None:
    return_cases.receive_return(
        history.c.uow(),
        history.ctx,
        actor=_seller(history, o),
        return_id=trail.return_id,
        condition=Condition.ok,
    )


def problem(history: History, o: Order, tale: Tale, trail: Trail, at: datetime) -> None:
    seller = _seller(history, o)
    files = _upload(history, o, seller, "what-came-back.png")
    return_cases.receive_return(
        history.c.uow(),
        history.ctx,
        actor=seller,
        return_id=trail.return_id,
        condition=Condition.problem,
        note=SELLER_WORDS["problem"],
        file_ids=files,
    )


def _parcel_return(history: History, o: Order) -> int:
    """The return the carrier's word (or the seller's intercept) opened for this order."""
    with history.c.uow() as uow:
        found = [r for r in uow.returns.for_order(o.id) if r.kind is not ReturnKind.buyer_return]
    assert found, o.variant
    return found[-1].id


def reason(history: History, o: Order, tale: Tale, trail: Trail, at: datetime) -> None:
    """S2: the buyer says why they refused the parcel (it decides who pays the shipping)."""
    assert tale.reason is not None
    trail.return_id = _parcel_return(history, o)
    parcels.give_parcel_reason(
        history.c.uow(),
        history.ctx,
        actor=_buyer(history, o),
        return_id=trail.return_id,
        reason=tale.reason,
    )


def home(history: History, o: Order, tale: Tale, trail: Trail, at: datetime) -> None:
    """S2: the carrier delivers the refused parcel back to the seller."""
    trail.return_id = trail.return_id or _parcel_return(history, o)
    scan(history, o, 0, CarrierEvent.delivered_to_sender, at)
    _tick(history, trail, "refund_by")


def _tick(history: History, trail: Trail, deadline: str) -> None:
    """The return's deadline, if it falls before today, is the worker's to keep then: silence
    approves at respond_by, an unshipped return closes at ship_by, a parcel back is refunded at
    refund_by."""
    with history.c.uow() as uow:
        found = uow.returns.get(trail.return_id)
    assert found is not None
    due: datetime | None = getattr(found, deadline)
    if due is not None and due <= history.now:
        history.tick(due)


def ask(history: History, o: Order, tale: Tale, trail: Trail, at: datetime) -> None:
    """S1: the buyer asks the seller to stop the parcel."""
    trail.intercept_id = conversation.request_intercept(
        history.c.uow(),
        history.ctx,
        actor=_buyer(history, o),
        order_id=o.id,
        note=WORDS[_language(o)]["intercept"],
    ).request_id


def stop(history: History, o: Order, tale: Tale, trail: Trail, at: datetime) -> None:
    """S1: the seller stopped it; the parcel return opens by itself."""
    conversation.answer_intercept(
        history.c.uow(),
        history.ctx,
        actor=_seller(history, o),
        order_id=o.id,
        request_id=trail.intercept_id,
        outcome="intercepted",
        note=SELLER_WORDS["stopped"],
    )


StepFunction = Callable[[History, Order, Tale, Trail, datetime], None]
STEPS: dict[str, StepFunction] = {
    "request": request,
    "offer": offer,
    "accept": accept,
    "approve": approve,
    "decline": decline,
    "withdraw": withdraw,
    "send": send,
    "transit": transit,
    "back": back,
    "receive": receive,
    "problem": problem,
    "reason": reason,
    "home": home,
    "ask": ask,
    "stop": stop,
}
SELLER_STEPS = frozenset({"offer", "approve", "decline", "receive", "problem", "stop"})
CARRIER_STEPS = frozenset({"transit", "back", "home"})
