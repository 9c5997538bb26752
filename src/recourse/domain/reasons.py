"""C5 the reason catalogue: who may give a reason and whose fault it is. The catalogue is data
(the operator edits it); these are the defaults a new installation starts with."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from recourse.domain.errors import InvalidInput, NotFound, RuleConflict


class Fault(StrEnum):
    buyer = "buyer"
    seller = "seller"
    none = "none"


class ReasonActor(StrEnum):
    buyer = "buyer"
    seller = "seller"
    system = "system"


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    label: str
    actor: ReasonActor
    fault: Fault
    requires_note: bool = False
    active: bool = True
    # R1: the catalogue serves cancellations and returns; a return reason has a category
    # ("remorse" or "not_as_described", `recourse.domain.returns.ReasonCategory`)
    for_cancellation: bool = True
    for_return: bool = False
    category: str | None = None


DEFAULT_REASONS: tuple[Reason, ...] = (
    Reason("changed_mind", "I changed my mind", ReasonActor.buyer, Fault.buyer),
    Reason(
        "ordered_by_mistake",
        "I ordered by mistake",
        ReasonActor.buyer,
        Fault.buyer,
        for_return=True,
        category="remorse",
    ),
    Reason("found_cheaper", "I found it cheaper elsewhere", ReasonActor.buyer, Fault.buyer),
    Reason("wrong_address", "The delivery address is wrong", ReasonActor.buyer, Fault.buyer),
    Reason(
        "wrong_payment_method", "I chose the wrong payment method", ReasonActor.buyer, Fault.buyer
    ),
    Reason("shipping_too_slow", "Delivery would take too long", ReasonActor.buyer, Fault.seller),
    Reason("seller_asked", "The seller asked me to cancel", ReasonActor.buyer, Fault.seller),
    Reason(
        "not_shipped_in_time", "The seller did not ship in time", ReasonActor.buyer, Fault.seller
    ),
    Reason("other", "Something else", ReasonActor.buyer, Fault.none, requires_note=True),
    Reason("out_of_stock", "Out of stock", ReasonActor.seller, Fault.seller),
    Reason(
        "cannot_ship_to_address", "Cannot ship to this address", ReasonActor.seller, Fault.seller
    ),
    Reason("pricing_error", "The price was wrong", ReasonActor.seller, Fault.seller),
    Reason("buyer_requested", "The buyer asked to cancel", ReasonActor.seller, Fault.buyer),
    Reason("suspected_fraud", "Suspected fraud", ReasonActor.seller, Fault.none),
    Reason("payment_window_expired", "No payment arrived in time", ReasonActor.system, Fault.none),
    Reason("seller_overdue", "The seller did not ship in time", ReasonActor.system, Fault.seller),
    *(
        Reason(
            code,
            label,
            ReasonActor.buyer,
            Fault.buyer if category == "remorse" else Fault.seller,
            for_cancellation=False,
            for_return=True,
            category=category,
        )
        for code, label, category in (
            ("no_longer_needed", "I no longer need it", "remorse"),
            ("wrong_size", "It is the wrong size", "remorse"),
            ("found_better_price", "I found a better price", "remorse"),
            ("not_as_described", "It is not as described", "not_as_described"),
            ("damaged", "It arrived damaged", "not_as_described"),
            ("defective", "It does not work", "not_as_described"),
            ("wrong_item", "I received the wrong item", "not_as_described"),
            ("missing_parts", "Parts are missing", "not_as_described"),
            ("counterfeit", "It is counterfeit", "not_as_described"),
        )
    ),
)


def check_reason(
    reason: Reason | None,
    code: str,
    *,
    actor: ReasonActor,
    note: str | None,
    for_return: bool = False,
) -> Reason:
    """C5: the reason exists, is active, is for this actor and this kind of case (a
    cancellation, or a return: R1); `other` needs a note."""
    offered = reason is not None and (reason.for_return if for_return else reason.for_cancellation)
    if reason is None or not offered or not reason.active or reason.actor is not actor:
        raise NotFound("reason_not_available", field="reason", reason=code, actor=str(actor))
    if reason.requires_note and not (note and note.strip()):
        raise RuleConflict("note_required", field="note")
    return reason


def check_new_reason(code: str, label: str) -> None:
    if not code or not code.replace("_", "").isalnum() or not code.islower() or len(code) > 64:
        raise InvalidInput("code", "reason_code_invalid")
    if not label.strip():
        raise InvalidInput("label", "reason_label_missing")
