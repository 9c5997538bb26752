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


DEFAULT_REASONS: tuple[Reason, ...] = (
    Reason("changed_mind", "I changed my mind", ReasonActor.buyer, Fault.buyer),
    Reason("ordered_by_mistake", "I ordered by mistake", ReasonActor.buyer, Fault.buyer),
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
)


def check_reason(
    reason: Reason | None, code: str, *, actor: ReasonActor, note: str | None
) -> Reason:
    """C5: the reason exists, is active and is for this actor; `other` needs a note."""
    if reason is None or not reason.active or reason.actor is not actor:
        raise NotFound("reason_not_available", field="reason", reason=code, actor=str(actor))
    if reason.requires_note and not (note and note.strip()):
        raise RuleConflict("note_required", field="note")
    return reason


def check_new_reason(code: str, label: str) -> None:
    if not code or not code.replace("_", "").isalnum() or not code.islower() or len(code) > 64:
        raise InvalidInput("code", "reason_code_invalid")
    if not label.strip():
        raise InvalidInput("label", "reason_label_missing")
