"""What every step of a dispute shares: loading it with its order, who acts (a party, or
support on a party's behalf with an audit note), writing a step with the deadline it now waits
for, its timeline entry, its evidence, and what the order still has to refund or send back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields, replace
from datetime import datetime
from typing import Any

from recourse.domain.dispute_rules import NOTE_MAX, check_party, check_text
from recourse.domain.disputes import Dispute, Party, due_at_of
from recourse.domain.errors import InvalidInput, NotFound
from recourse.domain.order import Order
from recourse.domain.refund import refundable
from recourse.domain.return_rules import returnable_units
from recourse.domain.roles import Actor, Role
from recourse.domain.timeline import TimelineEntry
from recourse.services import evidence
from recourse.services.orders import load_order
from recourse.services.ports.unit_of_work import UnitOfWork


def load(
    uow: UnitOfWork, actor: Actor, dispute_id: int, *, for_update: bool = False
) -> tuple[Dispute, Order]:
    """The dispute and its order if the actor may see the order; else 404 (§1: another
    party's dispute and a missing one read the same)."""
    d = uow.disputes.get(dispute_id)
    if d is None:
        raise NotFound("dispute.not_found", dispute_id=dispute_id)
    try:
        order = load_order(uow, actor, d.order_id, for_update=for_update)
    except NotFound:
        raise NotFound("dispute.not_found", dispute_id=dispute_id) from None
    if for_update:
        d = uow.disputes.get(dispute_id, for_update=True)
        assert d is not None
    return d, order


def acting_party(
    actor: Actor, order: Order, on_behalf: Party | None, audit_note: str | None
) -> tuple[Party, str | None]:
    """D5: a party acts for itself; a support agent acts for a party only with an audit note
    (kept on the timeline, naming the agent)."""
    if actor.role is Role.support and on_behalf is not None:
        note = check_text(
            "audit_note", audit_note, needed="dispute.audit_note_needed", maximum=NOTE_MAX
        )
        return on_behalf, note
    if on_behalf is not None:
        raise InvalidInput("on_behalf", "dispute.on_behalf_support_only")
    return check_party(actor, order), None


# The dispute's values that are not columns of its row (a decision is written as columns).
_NOT_COLUMNS = frozenset({"decision", "appeal_decision", "proposals", "info_requests"})
_FIELDS = frozenset(f.name for f in fields(Dispute))


def save(uow: UnitOfWork, d: Dispute, **values: Any) -> Dispute:
    """Write a step: the changed columns and `due_at`, the deadline the new step waits for.
    `values` name the dispute's fields and its row's columns (a decision comes as both)."""
    after = replace(d, **{k: v for k, v in values.items() if k in _FIELDS})
    after = replace(after, due_at=due_at_of(after))
    columns = {k: v for k, v in values.items() if k not in _NOT_COLUMNS}
    uow.disputes.update(d.id, **columns, due_at=after.due_at)
    return after


def reload(uow: UnitOfWork, dispute_id: int) -> Dispute:
    d = uow.disputes.get(dispute_id)
    assert d is not None
    return d


def attach_files(
    uow: UnitOfWork,
    actor: Actor,
    order_id: int,
    dispute_id: int,
    file_ids: Sequence[int],
    now: datetime,
) -> None:
    """D2/D3/D5: the actor's uploaded photos or PDFs become the dispute's evidence (T6)."""
    if not file_ids:
        return
    assert actor.user_id is not None
    evidence.attach(
        uow,
        order_id=order_id,
        uploader_id=actor.user_id,
        file_ids=file_ids,
        subject="dispute",
        subject_id=dispute_id,
        now=now,
    )


def still_refundable(uow: UnitOfWork, order: Order) -> int:
    """F2: what is left of the capture."""
    return refundable(order, uow.refunds.so_far(order.id))


def units_to_return(uow: UnitOfWork, order: Order) -> dict[int, int]:
    """R1: delivered units not already in an open or settled buyer return."""
    return returnable_units(order, uow.returns.for_order(order.id))


def entry(
    order: Order,
    d: Dispute,
    actor: Actor,
    now: datetime,
    action: str,
    *,
    note: str | None = None,
    on_behalf: Party | None = None,
    audit_note: str | None = None,
    **data: Any,
) -> TimelineEntry:
    """A timeline entry of a dispute step ("dispute.<step>"), naming the dispute; an action
    support took for a party names the party and carries the agent's audit note."""
    extra: dict[str, Any] = {}
    if on_behalf is not None:
        extra = {"on_behalf_of": str(on_behalf), "audit_note": audit_note}
    return TimelineEntry(
        order_id=order.id,
        at=now,
        actor=actor,
        action=action,
        from_state=None,
        to_state=str(d.status),
        note=note,
        data={"dispute_id": d.id, "type": str(d.type), **extra, **data},
    )
