"""§5 the rules a dispute is opened by (D1/D2): each type's opening window from policy
(refusals carry the window's dates), the one case a type names, one open dispute per order, and
a cause settled by a dispute not disputed again.

What is asked of a dispute once it is open lives in `domain/dispute_rules.py`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from recourse.domain.disputes import Dispute, DisputeStatus, DisputeType, Wanted
from recourse.domain.errors import InvalidInput, RuleConflict
from recourse.domain.order import Order
from recourse.domain.policy import PlatformPolicy

# The types that name the one thing they are about, and the field that names it.
SUBJECT_FIELD: dict[DisputeType, str] = {
    DisputeType.cancellation_refused: "cancellation_id",
    DisputeType.return_refused: "return_id",
    DisputeType.refund_not_received: "refund_id",
}


@dataclass(frozen=True, slots=True)
class Subject:
    """What a dispute of a type that names one thing is about, as its window needs it: the
    moment the seller refused it (a rejected cancellation, a declined return or one with a
    problem on receipt), or for a refund the last day it was expected and whether it arrived."""

    id: int
    refused_at: datetime | None = None
    expected_latest: date | None = None
    succeeded: bool = False


@dataclass(frozen=True, slots=True)
class Window:
    """D1: when a dispute of a type may be opened (`closes_at` None: while the cause lasts)."""

    type: DisputeType
    opens_at: datetime
    closes_at: datetime | None

    def facts(self) -> dict[str, str | None]:
        return {
            "type": str(self.type),
            "opens_at": self.opens_at.isoformat(),
            "closes_at": self.closes_at.isoformat() if self.closes_at else None,
        }

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now and (self.closes_at is None or now < self.closes_at)


def undelivered_units(order: Order) -> int:
    """D1: shipped units neither delivered nor back with the seller."""
    return sum(max(0, q.shipped - q.delivered - q.returned) for q in (x.qty for x in order.lines))


def completion_of(order: Order) -> datetime | None:
    """D1: an order completes when the buyer confirms receipt or protection ends."""
    return order.receipt_confirmed_at or order.deadlines.protection_ends_at


def window_of(
    type_: DisputeType,
    order: Order,
    platform: PlatformPolicy,
    *,
    delivered_at: datetime | None,
    subject: Subject | None,
) -> Window:
    """D1: the type's opening window on this order, or the conflict that there is none
    (nothing shipped, nothing delivered, the named case was not refused, …)."""
    ends = order.deadlines.protection_ends_at
    match type_:
        case DisputeType.not_received:
            if order.first_shipped_at is None:
                raise RuleConflict("dispute_nothing_shipped")
            if undelivered_units(order) == 0:
                raise RuleConflict("dispute_all_delivered")
            opens = order.first_shipped_at + timedelta(days=platform.not_received_after_days)
            return Window(type_, opens, ends)
        case DisputeType.not_as_described:
            if delivered_at is None or not any(x.qty.delivered for x in order.lines):
                raise RuleConflict("dispute_nothing_delivered")
            done = completion_of(order)
            closes = done + timedelta(days=platform.dispute_after_completion_days) if done else None
            return Window(type_, delivered_at, closes)
        case DisputeType.cancellation_refused:
            refused = _refused(subject, "dispute_cancellation_not_rejected")
            if order.first_shipped_at is not None and ends is not None:
                return Window(type_, refused, ends)
            return Window(type_, refused, refused + timedelta(days=platform.escalation_window_days))
        case DisputeType.return_refused:
            refused = _refused(subject, "dispute_return_not_refused")
            closes = (
                ends + timedelta(days=platform.dispute_after_completion_days)
                if ends is not None
                else refused + timedelta(days=platform.escalation_window_days)
            )
            return Window(type_, refused, closes)
        case DisputeType.refund_not_received:
            if subject is None:
                raise RuleConflict("dispute_refund_not_late")
            if subject.succeeded:
                raise RuleConflict("dispute_refund_arrived", refund_id=subject.id)
            if subject.expected_latest is None:
                raise RuleConflict("dispute_refund_not_late")
            # the day after the last expected day has begun (UTC, the earliest zone's day)
            opens = datetime.combine(subject.expected_latest + timedelta(days=1), time(), UTC)
            return Window(type_, opens, None)


def _refused(subject: Subject | None, key: str) -> datetime:
    if subject is None or subject.refused_at is None:
        raise RuleConflict(key)
    return subject.refused_at


def check_window(window: Window, now: datetime) -> None:
    """D1: outside its window a type cannot be opened; the refusal carries the dates."""
    if now < window.opens_at:
        raise RuleConflict("dispute_window_not_open", **window.facts())
    if window.closes_at is not None and now >= window.closes_at:
        raise RuleConflict("dispute_window_closed", **window.facts())


def check_subject_named(type_: DisputeType, **ids: int | None) -> int | None:
    """D1: the types about one case name it, the others name none."""
    wanted = SUBJECT_FIELD.get(type_)
    for name, value in ids.items():
        if value is not None and name != wanted:
            raise InvalidInput(name, "dispute.subject_not_for_type", type=str(type_))
    if wanted is None:
        return None
    value = ids.get(wanted)
    if value is None:
        raise InvalidInput(wanted, "dispute.subject_needed", type=str(type_))
    return value


def check_none_open(disputes: Iterable[Dispute]) -> None:
    """D2: one open dispute per order at a time."""
    for d in disputes:
        if d.open:
            raise RuleConflict("dispute_already_open", dispute_id=d.id, status=str(d.status))


def check_not_disputed_before(
    disputes: Iterable[Dispute], type_: DisputeType, subject_id: int | None
) -> None:
    """D1: a cause settled by a dispute (agreed, decided) is not disputed again; one that was
    withdrawn may be."""
    for d in disputes:
        if d.status is DisputeStatus.withdrawn or d.type is not type_:
            continue
        if subject_id is None or subject_id in (d.cancellation_id, d.return_id, d.refund_id):
            raise RuleConflict("dispute_already_settled", dispute_id=d.id, type=str(type_))


def asked_on_problem(refund: int, refundable: int) -> tuple[Wanted, int | None] | None:
    """What a dispute opened on a problem with a returned item (R4) asks for the buyer: the
    `refund` the return would pay now, against what is still `refundable` on the order; all of
    it is a full refund, less a partial one of that amount; nothing, no dispute."""
    if refund <= 0 or refundable <= 0:
        return None
    if refund >= refundable:
        return Wanted.full_refund, None
    return Wanted.partial_refund, refund
