"""Each order's story: when it was placed, paid for, cancelled, shipped and scanned, so that
today it stands where the plan says, with every moment in the past and in waking hours."""

from __future__ import annotations

import string
from datetime import datetime, timedelta
from functools import partial

from recourse.demo_data import conversation as conversations
from recourse.demo_data import disputes, protection, returns, tickets
from recourse.demo_data.cancellations import cancel, seller_cancel
from recourse.demo_data.clock import History, earlier_local, hours, minutes
from recourse.demo_data.marketplace import StoreSpec
from recourse.demo_data.orders import Order, pay, place, scan, ship
from recourse.domain.calendar import add_business_days_at
from recourse.domain.order import OrderStatus, PaymentMethod, PaymentStatus
from recourse.domain.shipment import CarrierEvent


def story(history: History, o: Order) -> None:
    """Schedule the order's life so that today it stands where the plan says."""
    if returns.planned(o):
        returns.story(history, o)
        return
    if disputes.planned(o):
        disputes.story(history, o)
        return
    rng, now, s = history.rng, history.now, o.status
    bank = o.method is PaymentMethod.bank_transfer
    if s is OrderStatus.awaiting_payment:
        placed = _awake(o, now - history.window * rng.uniform(0.05, 0.7), now - history.window)
        history.at(placed, partial(place, history, o))
        if o.variant == "failed":
            history.at(placed + minutes(rng, 2, 9), partial(pay, history, o, PaymentStatus.failed))
        return
    if s is OrderStatus.payment_review:
        placed = now - history.review * rng.uniform(0.02, 0.5)
        history.at(placed, partial(place, history, o))
        history.at(placed + minutes(rng, 1, 4), partial(pay, history, o, PaymentStatus.review))
        return
    if s is OrderStatus.cancelled and o.variant in ("by_buyer", "by_seller", "expired"):
        placed = _awake(o, now - timedelta(days=rng.uniform(4, 40)))
        paid = placed + minutes(rng, 1, 25)
        history.at(placed, partial(place, history, o))
        history.at(paid, partial(pay, history, o, PaymentStatus.captured))
        if o.variant == "by_buyer":
            history.at(
                paid + minutes(rng, 3, 25), partial(cancel, history, o, "ordered_by_mistake")
            )
        elif o.variant == "by_seller":
            history.at(paid + hours(rng.uniform(2, 20)), partial(seller_cancel, history, o))
        else:
            history.at(
                paid + hours(rng.uniform(2, 6)), partial(cancel, history, o, "found_cheaper")
            )
        return
    if s is OrderStatus.awaiting_shipment and o.variant == "requested":
        paid = now - hours(rng.uniform(4, 20))
        history.at(paid - minutes(rng, 1, 25), partial(place, history, o))
        history.at(paid, partial(pay, history, o, PaymentStatus.captured))
        history.at(paid + hours(rng.uniform(1, 3)), partial(cancel, history, o, "wrong_address"))
        return
    if s is OrderStatus.cancelled:
        placed = _awake(o, now - history.window - timedelta(days=rng.uniform(2, 60)))
        history.at(placed, partial(place, history, o, fire_pay_by=True))
        if o.variant == "failed":
            history.at(placed + minutes(rng, 2, 9), partial(pay, history, o, PaymentStatus.failed))
        return
    if s is OrderStatus.awaiting_shipment:
        if o.variant == "overdue":
            paid = _overdue_payment(history, o.store)
        else:
            paid = now - hours(rng.uniform(0.3, 8))
        placed = paid - (hours(rng.uniform(18, 44)) if bank else minutes(rng, 1, 25))
        history.at(placed, partial(place, history, o))
        history.at(paid, partial(pay, history, o, PaymentStatus.captured))
        return
    if s is OrderStatus.shipped:
        placed = now - hours(rng.uniform(30, 190 if o.abroad else 110))
    elif s is OrderStatus.delivered:
        placed = now - timedelta(days=rng.uniform(4, max(5, history.protection - 8)))
    else:
        placed = now - timedelta(days=history.protection + rng.uniform(6, 28))
    placed = _awake(o, placed)
    paid = placed + (hours(rng.uniform(18, 44)) if bank else minutes(rng, 1, 25))
    shipped = paid + hours(rng.uniform(3, 30))
    if s is OrderStatus.shipped:
        shipped = min(shipped, now - hours(rng.uniform(2, 6)))
    shipped = earlier_local(shipped, o.store.timezone, (8, 19), floor=paid + hours(1))
    history.at(placed, partial(place, history, o))
    history.at(paid, partial(pay, history, o, PaymentStatus.captured))
    skus = [line.sku for line in o.lines]
    split = {"two_parcels": len(skus) // 2, "partial": len(skus) - 1}.get(o.variant, len(skus))
    _parcel(
        history, o, 0, skus[:split], shipped, "transit" if s is OrderStatus.shipped else "deliver"
    )
    tickets.after_shipping(history, o, shipped)
    protection.after_shipping(history, o, shipped)
    conversations.after_shipping(history, o, shipped)
    if o.variant == "two_parcels":
        second = min(shipped + hours(rng.uniform(20, 72)), now - hours(rng.uniform(3, 6)))
        second = earlier_local(second, o.store.timezone, (8, 19), floor=shipped + hours(1))
        mode = "deliver" if s is OrderStatus.completed else "maybe"
        _parcel(history, o, 1, skus[split:], second, mode)


def _awake(o: Order, moment: datetime, floor: datetime | None = None) -> datetime:
    """People shop while awake: the moment, moved back into the buyer's 08:00-23:00."""
    return earlier_local(moment, o.buyer.timezone, (8, 23), floor=floor or moment - hours(12))


def _overdue_payment(history: History, spec: StoreSpec) -> datetime:
    """A payment time whose ship-by passed recently: well before C4's automatic cancel."""
    days = int(spec.policy["processing_days"])
    target = history.now - history.autocancel * history.rng.uniform(0.1, 0.5)
    offset = minutes(history.rng, 0, 59)
    best: tuple[timedelta, datetime] | None = None
    for back in range(2, 24 * 21):
        paid = history.now - hours(back) - offset
        ship_by = add_business_days_at(
            paid,
            days,
            lambda day: history.ctx.holidays.is_holiday(spec.country, day),
            history.ctx.holidays.weekend(spec.country),
        )
        if ship_by < history.now - hours(1) and (best is None or abs(ship_by - target) < best[0]):
            best = (abs(ship_by - target), paid)
    assert best is not None
    return best[1]


def _parcel(history: History, o: Order, n: int, skus: list[str], at: datetime, mode: str) -> None:
    """Ship `skus` at `at`, then the carrier's scans: `deliver` arrives before now,
    `maybe` arrives if the carrier's usual transit time has passed, `transit` never."""
    rng, now = history.rng, history.now
    digits = (rng.choice(string.digits) if ch == "#" else ch for ch in o.carrier.tracking)
    history.at(at, partial(ship, history, o, n, skus, "".join(digits)))
    first = at + hours(rng.uniform(4, 14))
    arrives = at + timedelta(days=rng.uniform(*o.carrier.transit_days))
    latest = now - hours(rng.uniform(1, 8))
    if mode == "deliver" and arrives > latest:
        arrives = latest
        first = min(first, at + (arrives - at) / 3)
    arrives = earlier_local(arrives, o.buyer.timezone, (8, 20), floor=first + hours(1))
    scans = [(first, CarrierEvent.in_transit)]
    if o.abroad:
        scans.append((first + (arrives - first) / 2, CarrierEvent.in_transit))
    if mode == "deliver" or (mode == "maybe" and arrives <= latest):
        scans.append((arrives, CarrierEvent.delivered))
    for happened, event in scans:
        if happened <= now - timedelta(minutes=20):
            recorded = min(happened + minutes(rng, 2, 20), now)
            history.at(recorded, partial(scan, history, o, n, event, happened))
