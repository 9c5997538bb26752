"""Where a return stands (§4: R1-R5, S1, S2): its steps with the one it waits on, and the
sentence that says who acts next and by when. Nothing here decides; it only words what the
return says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from recourse.domain.returns import PARCEL_KINDS, ReturnStatus
from recourse.i18n import N_, Words
from recourse.web.templating import local_time


@dataclass(frozen=True, slots=True)
class Step:
    label: str
    state: str
    """done, current, todo or failed (the CSS classes of the refund steps)."""
    at: datetime | None = None


def time_of(view: Any, name: str) -> datetime | None:
    """The time the return stores under `name`, or None when it has none."""
    value = getattr(view, name, None)
    return value if isinstance(value, datetime) else None


def steps(view: Any, words: Words) -> tuple[list[Step], int]:
    """The return's steps and the index of the one it is on (`aria-current="step"`): for a
    buyer return requested → answered → shipped → delivered → refunded; for a parcel coming
    back on its own, on its way back → back with the seller → refunded. A final status that is
    not a refund ends the list where it happened."""
    status = ReturnStatus(str(view.status))
    _ = words._
    if str(view.kind) in {str(k) for k in PARCEL_KINDS}:
        is_back = status in (ReturnStatus.delivered, ReturnStatus.refunded, ReturnStatus.problem)
        paid = status is ReturnStatus.refunded
        parcel = [
            Step(_(N_("On its way back")), "done", time_of(view, "created_at")),
            Step(
                _(N_("Back with the seller")),
                "done" if is_back else "current",
                time_of(view, "delivered_at"),
            ),
            Step(
                _(N_("Refunded")),
                "done" if paid else ("current" if is_back else "todo"),
                time_of(view, "received_at") if paid else None,
            ),
        ]
        return parcel, (2 if is_back else 1)
    requested = Step(_(N_("Requested")), "done", time_of(view, "created_at"))
    decided = time_of(view, "decided_at")
    answered = Step(_(N_("Seller's answer")), "todo")
    shipped = Step(_(N_("Sent back")), "todo", time_of(view, "shipped_at"))
    delivered = Step(_(N_("Back with the seller")), "todo", time_of(view, "delivered_at"))
    refunded = Step(_(N_("Refunded")), "todo")
    closed_at = time_of(view, "closed_at")
    match status:
        case ReturnStatus.requested:
            return [requested, _current(answered), shipped, delivered, refunded], 1
        case ReturnStatus.offered:
            offer = Step(_(N_("Partial refund offered")), "current", decided)
            return [requested, offer, shipped, delivered, refunded], 1
        case ReturnStatus.declined:
            return [requested, Step(_(N_("Declined")), "failed", decided)], 1
        case ReturnStatus.withdrawn:
            return [requested, Step(_(N_("Withdrawn")), "failed", closed_at)], 1
        case ReturnStatus.offer_accepted:
            kept = Step(_(N_("Offer accepted")), "done", decided)
            return [requested, kept, Step(_(N_("Refunded")), "done", closed_at)], 2
    approved = Step(_(N_("Approved")), "done", decided)
    match status:
        case ReturnStatus.approved:
            return [requested, approved, _current(shipped), delivered, refunded], 2
        case ReturnStatus.closed:
            late = Step(_(N_("Not sent back in time")), "failed", closed_at)
            return [requested, approved, late], 2
    sent = Step(shipped.label, "done", shipped.at)
    match status:
        case ReturnStatus.shipped:
            return [requested, approved, sent, _current(delivered), refunded], 3
    back = Step(delivered.label, "done", delivered.at or time_of(view, "received_at"))
    match status:
        case ReturnStatus.delivered:
            return [requested, approved, sent, back, _current(refunded)], 4
        case ReturnStatus.problem:
            trouble = Step(_(N_("Problem reported")), "failed", time_of(view, "received_at"))
            return [requested, approved, sent, back, trouble], 4
    done = Step(refunded.label, "done", time_of(view, "received_at") or closed_at)
    return [requested, approved, sent, back, done], 4


def _current(step: Step) -> Step:
    return Step(step.label, "current", step.at)


def next_sentence(view: Any, audience: str, words: Words, tz: str | None = None) -> str:
    """Who acts next and by when, in the reader's zone; or how the return ended."""
    status = ReturnStatus(str(view.status))
    seller = audience == "seller"
    buyer = audience == "buyer"

    def when(name: str) -> str:
        return local_time(words, time_of(view, name), tz)

    _ = words._
    parcel = str(view.kind) in {str(k) for k in PARCEL_KINDS}
    match status:
        case ReturnStatus.requested:
            if seller:
                return _(
                    N_(
                        "Answer by %(time)s: approve, decline or offer a partial refund. "
                        "Without an answer the return is approved automatically."
                    ),
                    time=when("respond_by"),
                )
            return _(
                N_(
                    "The seller answers by %(time)s. Without an answer the return is "
                    "approved automatically."
                ),
                time=when("respond_by"),
            )
        case ReturnStatus.offered:
            if buyer:
                return _(
                    N_(
                        "Accept or decline the offer by %(time)s. Without an answer the offer "
                        "lapses and the seller answers your return again."
                    ),
                    time=when("offer_answer_by"),
                )
            return _(N_("The buyer answers the offer by %(time)s."), time=when("offer_answer_by"))
        case ReturnStatus.approved:
            if buyer:
                return _(
                    N_(
                        "Send the items back by %(time)s and enter the tracking number here. "
                        "After that the return closes without a refund."
                    ),
                    time=when("ship_by"),
                )
            return _(N_("The buyer sends the items back by %(time)s."), time=when("ship_by"))
        case ReturnStatus.shipped:
            if seller:
                return _(
                    N_(
                        "The parcel is on its way to you. Confirm receipt when it arrives; "
                        "the refund is made then."
                    )
                )
            return _(N_("The parcel is on its way to the seller."))
        case ReturnStatus.parcel_returning:
            if seller:
                return _(
                    N_(
                        "The parcel is on its way back to you. Confirm when it is back; the "
                        "buyer is refunded then."
                    )
                )
            return _(
                N_(
                    "The parcel is on its way back to the seller. You do not need to do "
                    "anything: you are refunded once it is back."
                )
            )
        case ReturnStatus.delivered:
            if seller:
                return _(
                    N_(
                        "Confirm receipt by %(time)s. Without an answer the buyer is refunded "
                        "automatically."
                    ),
                    time=when("refund_by"),
                )
            return _(
                N_(
                    "The seller checks it and refunds you by %(time)s. Without their answer "
                    "you are refunded automatically."
                ),
                time=when("refund_by"),
            )
        case ReturnStatus.refunded:
            return _(N_("The refund is made."))
        case ReturnStatus.offer_accepted:
            if buyer:
                return _(N_("You kept the items for the partial refund."))
            return _(N_("The buyer kept the items for the partial refund."))
        case ReturnStatus.declined:
            return _(N_("The seller declined the return."))
        case ReturnStatus.problem:
            if seller:
                return _(N_("You reported a problem with what came back. Support looks into it."))
            return _(
                N_(
                    "The seller reported a problem with what came back. Support looks into "
                    "it and contacts you."
                )
            )
        case ReturnStatus.closed:
            return _(N_("The items were not sent back in time, so the return closed."))
        case ReturnStatus.withdrawn:
            if buyer:
                return _(N_("You withdrew this return."))
            return _(N_("The buyer withdrew this return."))
    return "" if not parcel else _(N_("The parcel is on its way back to the seller."))
