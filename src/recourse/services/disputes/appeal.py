"""D6: either side appeals a decision once, before `appeal_by`; a different agent decides
(services/disputes/support.py `decide`)."""

from __future__ import annotations

from recourse.domain.dispute_rules import NOTE_MAX, check_appeal, check_text, sla_due_from
from recourse.domain.disputes import Dispute, DisputeStatus, Party, dispute_transition
from recourse.domain.roles import Actor
from recourse.services import settle, subscribers
from recourse.services.disputes.common import acting_party, entry, load, save
from recourse.services.events import DisputeAppealed
from recourse.services.orders import refresh_status
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork


def appeal(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    dispute_id: int,
    reason: str | None,
    on_behalf: Party | None = None,
    audit_note: str | None = None,
) -> Dispute:
    """D6: a side appeals the decision (saying why) while the appeal window runs; support
    decides again by `sla_due_at`, a different agent. After `appeal_by`: 409 with the date."""
    text = check_text("reason", reason, needed="dispute.appeal_reason_needed", maximum=NOTE_MAX)
    now = ctx.clock.now()
    settle.settle_for_dispute(uow, ctx, dispute_id=dispute_id)
    with uow:
        d, order = load(uow, actor, dispute_id, for_update=True)
        party, audit = acting_party(actor, order, on_behalf, audit_note)
        check_appeal(d, now)
        dispute_transition(d.status, DisputeStatus.appealed)
        sla_due_at = sla_due_from(now, uow.platform.policy())
        after = save(
            uow,
            d,
            status=DisputeStatus.appealed,
            appealed_by=party,
            appealed_at=now,
            sla_due_at=sla_due_at,
        )
        refresh_status(uow, order, now)
        uow.timeline.add(
            entry(
                order,
                after,
                actor,
                now,
                "dispute.appealed",
                note=text,
                on_behalf=on_behalf,
                audit_note=audit,
                by=str(party),
                sla_due_at=sla_due_at.isoformat(),
            )
        )
        subscribers.record(
            uow,
            ctx,
            DisputeAppealed(order=order, dispute=after, party=party, reason=text, at=now),
        )
        uow.commit()
    return after
