"""§6 refunds: quotes (what goes back, split exactly), the ledger's states, and F2's ceiling."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from recourse.domain.errors import IllegalTransition, InvalidInput, RuleConflict
from recourse.domain.money import Money, allocate, prorate
from recourse.domain.order import LineQuantities, Order, OrderLine, PaymentMethod, PaymentStatus


class RefundCause(StrEnum):
    cancellation = "cancellation"
    item_cancellation = "item_cancellation"
    remorse_return = "remorse_return"
    not_as_described_return = "not_as_described_return"
    dispute = "dispute"
    manual = "manual"


def cancellation_ref(cancellation_id: int) -> str:
    """F1: the cause reference of a refund a cancellation caused."""
    return f"cancellation:{cancellation_id}"


def cancellation_of(cause_ref: str | None) -> int | None:
    """F1: the cancellation a refund's cause reference names, or None for other causes."""
    kind, _, ref = (cause_ref or "").partition(":")
    if kind != "cancellation" or not (ref.isascii() and ref.isdigit()):
        return None
    return int(ref)


def return_ref(return_id: int) -> str:
    """R4/S2: the cause reference of a refund a return caused."""
    return f"return:{return_id}"


def return_of(cause_ref: str | None) -> int | None:
    """R4/S2: the return a refund's cause reference names, or None for other causes."""
    kind, _, ref = (cause_ref or "").partition(":")
    if kind != "return" or not (ref.isascii() and ref.isdigit()):
        return None
    return int(ref)


def dispute_ref(dispute_id: int) -> str:
    """D3-D6: the cause reference of a refund a dispute carried out."""
    return f"dispute:{dispute_id}"


def dispute_of(cause_ref: str | None) -> int | None:
    """D3-D6: the dispute a refund's cause reference names, or None for other causes."""
    kind, _, ref = (cause_ref or "").partition(":")
    if kind != "dispute" or not (ref.isascii() and ref.isdigit()):
        return None
    return int(ref)


class RefundReason(StrEnum):
    """Why support refunds by hand (F1). Refunds recorded before this catalogue may carry a
    reason in free text; it still reads."""

    goodwill = "goodwill"
    item_not_received = "item_not_received"
    damaged_or_defective = "damaged_or_defective"
    not_as_described = "not_as_described"
    price_adjustment = "price_adjustment"
    duplicate_charge = "duplicate_charge"
    late_delivery = "late_delivery"
    other = "other"


def check_refund_reason(reason: str, note: str | None) -> RefundReason:
    """F1: a manual refund gives a reason of the catalogue; `other` needs a note saying what."""
    try:
        code = RefundReason(reason)
    except ValueError:
        raise InvalidInput(
            "reason", "refund.reason_unknown", allowed=[str(r) for r in RefundReason]
        ) from None
    if code is RefundReason.other and not (note and note.strip()):
        raise InvalidInput("note", "refund.note_needed")
    return code


class RefundStatus(StrEnum):
    pending = "pending"
    processing = "processing"
    succeeded = "succeeded"
    failed = "failed"


# T1: every move but a resend is what the gateway's own API reported (its answer to the send,
# or a look-up), never what a webhook's body claims.
REFUND_TRANSITIONS: dict[RefundStatus, frozenset[RefundStatus]] = {
    RefundStatus.pending: frozenset(
        {RefundStatus.processing, RefundStatus.succeeded, RefundStatus.failed}
    ),
    RefundStatus.processing: frozenset({RefundStatus.succeeded, RefundStatus.failed}),
    # `pending` is a resend, only once the gateway confirmed the failure; `processing` and
    # `succeeded` put right a failure the gateway's own record contradicts (one taken from an
    # unconfirmed webhook before gateways were asked).
    RefundStatus.failed: frozenset(
        {RefundStatus.pending, RefundStatus.processing, RefundStatus.succeeded}
    ),
    # The money has left: a provider reversing a paid refund is flagged for support, and the
    # amount keeps counting against the capture until support has looked.
    RefundStatus.succeeded: frozenset(),
}

# Statuses whose amount counts against what was captured (F2): everything but a failure.
COUNTS_AGAINST_CAPTURE = frozenset(
    {RefundStatus.pending, RefundStatus.processing, RefundStatus.succeeded}
)


def refund_transition(current: RefundStatus, target: RefundStatus) -> RefundStatus:
    """F4: pending → processing → succeeded | failed; a failed refund may be sent again."""
    if target not in REFUND_TRANSITIONS[current]:
        raise IllegalTransition("refund", str(current), str(target))
    return target


def after_gateway_lookup(confirmed: RefundStatus | None) -> RefundStatus:
    """T1: what a failed refund becomes once support asks to send it again and the gateway was
    looked up: sent again (`pending`) if the gateway confirms the failure or never made such a
    refund (`None`), otherwise what the gateway says, and nothing is paid twice."""
    if confirmed is None or confirmed is RefundStatus.failed:
        return RefundStatus.pending
    return confirmed


class AnswerEffect(StrEnum):
    """What the gateway's own record of a refund does to the ledger (F4, T1)."""

    moves = "moves"
    unchanged = "unchanged"
    reversed = "reversed"


def gateway_answer_effect(current: RefundStatus, reported: RefundStatus) -> AnswerEffect:
    """F4/T1: the ledger follows what the gateway reports, along the transition table. Money
    that has left stays counted: a provider reversing a paid refund is flagged for support
    (`reversed`), and nothing else moves a succeeded refund."""
    if current is RefundStatus.succeeded and reported is RefundStatus.failed:
        return AnswerEffect.reversed
    if reported is current or current is RefundStatus.succeeded:
        return AnswerEffect.unchanged
    refund_transition(current, reported)
    return AnswerEffect.moves


class RetryKind(StrEnum):
    resend = "resend"
    nudge = "nudge"


def retry_kind(status: RefundStatus, *, needs_attention: bool) -> RetryKind:
    """F3: support retries a failed refund (sent again with a fresh key, once the gateway
    confirms the failure) or a pending one stuck for support (sent again with its key)."""
    if status is RefundStatus.failed:
        return RetryKind.resend
    if status is RefundStatus.pending and needs_attention:
        return RetryKind.nudge
    raise RuleConflict("refund_not_retryable", status=str(status))


@dataclass(frozen=True, slots=True)
class LineRefund:
    line_id: int
    quantity: int
    items: int
    tax: int


@dataclass(frozen=True, slots=True)
class RefundQuote:
    """What a refund would pay back, split into items / tax / shipping / fees (fees ≤ 0: what a
    return deducts). Every part but fees is ≥ 0 and the parts add up to the total."""

    cause: RefundCause
    currency: str
    method: PaymentMethod
    lines: tuple[LineRefund, ...]
    items: int
    tax: int
    shipping: int
    fees: int
    refundable_before: int

    @property
    def total(self) -> int:
        return self.items + self.tax + self.shipping + self.fees

    @property
    def refundable_after(self) -> int:
        return self.refundable_before - self.total

    def money(self, amount: int) -> Money:
        return Money(amount, self.currency)


@dataclass(frozen=True, slots=True)
class RefundedSoFar:
    """What earlier refunds of the order already cover (failed ones do not count)."""

    total: int = 0
    shipping: int = 0


def line_share(line: OrderLine, start: int, count: int) -> tuple[int, int]:
    """Items (net of discount) and tax of units start+1 … start+count of `line`.

    Cumulative pro rata: taking units in any number of steps adds up to taking them at once,
    and all units of the line add up to exactly its net price and tax."""
    net = line.gross - line.discount
    end = start + count
    items = prorate(net, end, line.quantity) - prorate(net, start, line.quantity)
    tax = prorate(line.tax, end, line.quantity) - prorate(line.tax, start, line.quantity)
    return items, tax


def refundable(order: Order, so_far: RefundedSoFar) -> int:
    """F2: what can still go back — captured minus every refund that has not failed."""
    if order.payment.status is not PaymentStatus.captured:
        return 0
    return order.payment.amount_captured - so_far.total


def _lines(order: Order, units: Mapping[int, int]) -> tuple[LineRefund, ...]:
    result = []
    for line_id, count in sorted(units.items()):
        line = order.line(line_id)
        if count <= 0:
            raise InvalidInput("lines.quantity", "refund.quantity_too_small")
        if line.qty.refunded + count > line.quantity:
            raise RuleConflict(
                "units_already_refunded",
                line_id=line_id,
                refundable_units=line.quantity - line.qty.refunded,
                title=line.title,
            )
        items, tax = line_share(line, line.qty.refunded, count)
        result.append(LineRefund(line_id=line_id, quantity=count, items=items, tax=tax))
    return tuple(result)


def check_ceiling(quote: RefundQuote) -> RefundQuote:
    """F2: never more than what is left of the captured amount."""
    if quote.total <= 0:
        raise RuleConflict("nothing_to_refund", refundable=quote.refundable_before)
    if quote.total > quote.refundable_before:
        raise RuleConflict(
            "refund_exceeds_captured",
            requested=quote.total,
            refundable=quote.refundable_before,
            currency=quote.currency,
        )
    return quote


def quote_cancellation(
    order: Order,
    units: Mapping[int, int],
    so_far: RefundedSoFar,
    *,
    after: Mapping[int, LineQuantities],
) -> RefundQuote:
    """C6/C7/C8: the cancelled share of each line (price, discount, tax pro rata); shipping only
    when the last unshipped unit goes and nothing was shipped. `after` is the lines'
    quantities once the cancellation is applied."""
    lines = _lines(order, units)
    quantities = [after.get(line.id, line.qty) for line in order.lines]
    nothing_left = all(q.unshipped == 0 for q in quantities)
    nothing_shipped = all(q.shipped == 0 for q in quantities)
    shipping = order.shipping_fee - so_far.shipping if nothing_left and nothing_shipped else 0
    whole = all(q.cancelled == q.ordered for q in quantities)
    items = sum(x.items for x in lines)
    tax = sum(x.tax for x in lines)
    shipping = max(shipping, 0)
    left = refundable(order, so_far)
    # F2 with earlier refunds (e.g. support's goodwill): the cancellation pays what is left.
    items, tax, shipping = cap_parts((items, tax, shipping), left)
    return RefundQuote(
        cause=RefundCause.cancellation if whole else RefundCause.item_cancellation,
        currency=order.currency,
        method=order.payment.method,
        lines=_capped_lines(lines, items, tax),
        items=items,
        tax=tax,
        shipping=shipping,
        fees=0,
        refundable_before=left,
    )


def cap_parts(parts: Sequence[int], left: int) -> list[int]:
    """F1/F2: the parts of a refund (items, tax, shipping) cut down to `left` when they add up
    to more: pro rata, largest remainder, ties to the earliest part. The result adds up to
    exactly min(sum, left); no part goes negative or above what it was."""
    if any(p < 0 for p in parts):
        raise ValueError("parts must be non-negative")
    if sum(parts) <= left:
        return list(parts)
    if left <= 0:
        return [0] * len(parts)
    return allocate(left, parts)


def _capped_lines(lines: tuple[LineRefund, ...], items: int, tax: int) -> tuple[LineRefund, ...]:
    """The lines' shares of capped items and tax, so they still add up to the quote's."""
    line_items = cap_parts([x.items for x in lines], items)
    line_tax = cap_parts([x.tax for x in lines], tax)
    return tuple(
        replace(x, items=i, tax=t) for x, i, t in zip(lines, line_items, line_tax, strict=True)
    )


def quote_return(
    order: Order,
    units: Mapping[int, int],
    so_far: RefundedSoFar,
    *,
    not_as_described: bool,
    return_shipping: int,
    restocking_fee_percent: int,
    buyer_pays_return_shipping: bool,
) -> RefundQuote:
    """R5: not-as-described returns refund everything incl. return shipping (and the original
    shipping when every unit comes back); remorse returns deduct the restocking fee and, if the
    store says so, the return shipping, and never refund the original shipping."""
    lines = _lines(order, units)
    items = sum(x.items for x in lines)
    tax = sum(x.tax for x in lines)
    if not_as_described:
        returned_all = all(
            line.qty.returned + units.get(line.id, 0) >= line.qty.active for line in order.lines
        )
        shipping = (order.shipping_fee - so_far.shipping) if returned_all else 0
        return RefundQuote(
            cause=RefundCause.not_as_described_return,
            currency=order.currency,
            method=order.payment.method,
            lines=lines,
            items=items,
            tax=tax,
            shipping=max(shipping, 0) + return_shipping,
            fees=0,
            refundable_before=refundable(order, so_far),
        )
    restocking = items * restocking_fee_percent // 100
    fees = -restocking - (return_shipping if buyer_pays_return_shipping else 0)
    fees = max(fees, -(items + tax))
    return RefundQuote(
        cause=RefundCause.remorse_return,
        currency=order.currency,
        method=order.payment.method,
        lines=lines,
        items=items,
        tax=tax,
        shipping=0,
        fees=fees,
        refundable_before=refundable(order, so_far),
    )


def quote_amount(
    order: Order, amount: int, so_far: RefundedSoFar, *, cause: RefundCause
) -> RefundQuote:
    """D5 decisions and support's manual refunds: a stated amount, within what is refundable."""
    if amount <= 0:
        raise InvalidInput("amount", "refund.amount_not_positive")
    return RefundQuote(
        cause=cause,
        currency=order.currency,
        method=order.payment.method,
        lines=(),
        items=amount,
        tax=0,
        shipping=0,
        fees=0,
        refundable_before=refundable(order, so_far),
    )


def mark_refunded(order: Order, quote: RefundQuote) -> dict[int, LineQuantities]:
    """The lines' quantities once `quote`'s units count as refunded."""
    return {
        x.line_id: replace(
            order.line(x.line_id).qty, refunded=order.line(x.line_id).qty.refunded + x.quantity
        )
        for x in quote.lines
    }
