"""§4 the rules a buyer return is asked (R1-R5): which units may go back and for which reason
until when (refusals carry the date that decided them), what the buyer and the sellers must
say, the deadlines' arithmetic, what a late action is told, and what a return refunds.

The return's types and its transition table live in `domain/returns.py`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from recourse.domain.calendar import SAT_SUN, IsHoliday, add_business_days_at
from recourse.domain.errors import InvalidInput, RuleConflict
from recourse.domain.order import Order
from recourse.domain.policy import PlatformPolicy, StorePolicy
from recourse.domain.reasons import Reason
from recourse.domain.refund import RefundedSoFar, RefundQuote, cap_parts, quote_return
from recourse.domain.returns import (
    ADDRESS_MAX,
    DESCRIPTION_MAX,
    OPEN_OR_DONE,
    PARCEL_FIELD_MAX,
    OfferStatus,
    ReasonCategory,
    Return,
    ReturnKind,
    ReturnLine,
    ReturnStatus,
    category_of,
)


def window_ends_at(delivered_at: datetime, policy: StorePolicy) -> datetime:
    """R1: the last moment a remorse return may be asked for."""
    return delivered_at + timedelta(days=policy.return_window_days)


def returnable_units(order: Order, returns: Sequence[Return]) -> dict[int, int]:
    """R1: per line, the delivered units not already in an open or settled buyer return (units
    a buyer kept for an accepted offer stay kept). Parcels that came back carried units that
    were never delivered, so they take nothing from what was."""
    taken: dict[int, int] = {}
    for r in returns:
        if r.kind is ReturnKind.buyer_return and r.status in OPEN_OR_DONE:
            for x in r.lines:
                taken[x.line_id] = taken.get(x.line_id, 0) + x.quantity
    result = {}
    for line in order.lines:
        left = line.qty.delivered - taken.get(line.id, 0)
        if left > 0:
            result[line.id] = left
    return result


def check_lines(order: Order, lines: Sequence[ReturnLine], returnable: Mapping[int, int]) -> None:
    """R1: some units, each on the order, none more than can still go back."""
    if not lines:
        raise InvalidInput("lines", "return.no_lines")
    seen: set[int] = set()
    for x in lines:
        if x.line_id in seen:
            raise InvalidInput("lines.line_id", "return.line_twice", line_id=x.line_id)
        seen.add(x.line_id)
        if x.quantity <= 0:
            raise InvalidInput("lines.quantity", "return.quantity_too_small", line_id=x.line_id)
        line = order.line(x.line_id)
        if x.quantity > returnable.get(x.line_id, 0):
            raise RuleConflict(
                "units_not_returnable",
                line_id=x.line_id,
                title=line.title,
                returnable_units=returnable.get(x.line_id, 0),
            )


def check_eligibility(
    order: Order,
    *,
    reason: Reason,
    policy: StorePolicy,
    delivered_at: datetime | None,
    returns: Sequence[Return],
    now: datetime,
) -> ReasonCategory:
    """R1: a return of delivered units; one open buyer return at a time; remorse only if the
    store accepts it and within its window; not-as-described until protection ends. Refusals
    carry the date that decided them."""
    if delivered_at is None or not any(line.qty.delivered for line in order.lines):
        raise RuleConflict("return_nothing_delivered")
    for r in returns:
        if r.kind is ReturnKind.buyer_return and r.open:
            raise RuleConflict("return_already_open", return_id=r.id, status=str(r.status))
    category = category_of(reason)
    ends = order.deadlines.protection_ends_at
    if category is ReasonCategory.remorse:
        if not policy.accepts_remorse_returns:
            # the store's window for a change of mind is none: it closed on delivery; what
            # is wrong with the item can still be returned until protection ends
            raise RuleConflict(
                "remorse_not_accepted",
                reason=reason.code,
                window_ends_at=delivered_at.isoformat(),
                window_days=0,
                protection_ends_at=ends.isoformat() if ends else None,
            )
        closes = window_ends_at(delivered_at, policy)
        if now >= closes:
            raise RuleConflict(
                "return_window_closed",
                window_ends_at=closes.isoformat(),
                window_days=policy.return_window_days,
            )
    elif order.receipt_confirmed_at is not None or (ends is not None and now >= ends):
        raise RuleConflict(
            "return_protection_ended",
            protection_ends_at=(ends or order.receipt_confirmed_at or now).isoformat(),
        )
    return category


def check_description(description: str | None, category: ReasonCategory) -> str | None:
    """R1: the buyer says what is wrong with a not-as-described item; never too long."""
    text = (description or "").strip()
    if len(text) > DESCRIPTION_MAX:
        raise InvalidInput("description", "return.description_too_long", max=DESCRIPTION_MAX)
    if category is ReasonCategory.not_as_described and not text:
        raise InvalidInput("description", "return.description_needed")
    return text or None


def check_address(address: str | None) -> str:
    """R2: an approval names where the parcel goes."""
    text = (address or "").strip()
    if not text:
        raise InvalidInput("return_address", "return.address_needed")
    if len(text) > ADDRESS_MAX:
        raise InvalidInput("return_address", "return.address_too_long", max=ADDRESS_MAX)
    return text


def business_deadline(
    moment: datetime, days: int, is_holiday: IsHoliday, weekend: frozenset[int] = SAT_SUN
) -> datetime:
    """R2/R4: `days` business days after `moment` (in the zone `moment` is in: the buyer's, as
    refunds count them), at the same wall-clock time."""
    return add_business_days_at(moment, days, is_holiday, weekend)


def ship_by_from(approved_at: datetime, platform: PlatformPolicy) -> datetime:
    """R3: the buyer ships within `return_ship_days` of the approval."""
    return approved_at + timedelta(days=platform.return_ship_days)


def check_step(r: Return, expected: frozenset[ReturnStatus]) -> None:
    """The return is at a step where this action applies; a passed deadline that moved it on
    is named with its date (409), so a late answer learns why."""
    if r.status in expected:
        return
    if (
        ReturnStatus.requested in expected
        and r.status is ReturnStatus.approved
        and r.decided_by_role == "system"
        and r.respond_by is not None
    ):
        raise RuleConflict("return_respond_by_passed", respond_by=r.respond_by.isoformat())
    if (
        ReturnStatus.offered in expected
        and r.offer_status is OfferStatus.lapsed
        and r.offer_answer_by is not None
    ):
        raise RuleConflict(
            "return_offer_answer_by_passed", offer_answer_by=r.offer_answer_by.isoformat()
        )
    if ReturnStatus.approved in expected and r.status is ReturnStatus.closed and r.ship_by:
        raise RuleConflict("return_ship_by_passed", ship_by=r.ship_by.isoformat())
    if (
        ReturnStatus.delivered in expected
        and r.status is ReturnStatus.refunded
        and r.received_at is None
        and r.refund_by is not None
    ):
        raise RuleConflict("return_refund_by_passed", refund_by=r.refund_by.isoformat())
    raise RuleConflict("return_not_at_step", status=str(r.status))


def check_offer(r: Return, amount: int, quote: RefundQuote) -> None:
    """R2: one offer per return, of a positive amount below the full refund of the return."""
    if r.offer_status is not None:
        raise RuleConflict("return_offer_made_once", offer_status=str(r.offer_status))
    if amount <= 0:
        raise InvalidInput("amount", "return.offer_not_positive")
    if amount >= quote.total:
        raise InvalidInput(
            "amount", "return.offer_not_partial", full=quote.total, currency=quote.currency
        )


def quote_buyer_return(
    order: Order,
    units: Mapping[int, int],
    so_far: RefundedSoFar,
    *,
    category: ReasonCategory,
    policy: StorePolicy,
) -> RefundQuote:
    """R5: the return shipping is the order's own shipping fee (the platform's flat estimate of
    sending that parcel back). F2 comes first: never more than is left of the capture, the
    shipping giving way before the items."""
    quote = quote_return(
        order,
        units,
        so_far,
        not_as_described=category is ReasonCategory.not_as_described,
        return_shipping=order.shipping_fee,
        restocking_fee_percent=policy.restocking_fee_percent,
        buyer_pays_return_shipping=policy.buyer_pays_remorse_return_shipping,
    )
    if quote.total <= quote.refundable_before:
        return quote
    excess = quote.total - max(quote.refundable_before, 0)
    shipping = quote.shipping - min(quote.shipping, excess)
    excess -= quote.shipping - shipping
    items, tax = cap_parts((quote.items, quote.tax), max(quote.items + quote.tax - excess, 0))
    line_items = cap_parts([x.items for x in quote.lines], items)
    line_tax = cap_parts([x.tax for x in quote.lines], tax)
    return replace(
        quote,
        items=items,
        tax=tax,
        shipping=shipping,
        lines=tuple(
            replace(x, items=i, tax=t)
            for x, i, t in zip(quote.lines, line_items, line_tax, strict=True)
        ),
    )


def check_problem_note(note: str | None) -> str:
    """R4: a problem with what came back is described."""
    text = (note or "").strip()
    if not text:
        raise InvalidInput("note", "return.problem_note_needed")
    if len(text) > DESCRIPTION_MAX:
        raise InvalidInput("note", "return.note_too_long", max=DESCRIPTION_MAX)
    return text


def check_parcel_fields(carrier: str | None, tracking_number: str | None) -> tuple[str, str]:
    """R3: the return parcel's carrier and tracking number, as a parcel's (C9)."""
    name, number = (carrier or "").strip(), (tracking_number or "").strip()
    if not name:
        raise InvalidInput("carrier", "carrier_missing")
    if not number:
        raise InvalidInput("tracking_number", "tracking_number_missing")
    if len(name) > PARCEL_FIELD_MAX:
        raise InvalidInput("carrier", "return.field_too_long", max=PARCEL_FIELD_MAX)
    if len(number) > PARCEL_FIELD_MAX:
        raise InvalidInput("tracking_number", "return.field_too_long", max=PARCEL_FIELD_MAX)
    return name, number
