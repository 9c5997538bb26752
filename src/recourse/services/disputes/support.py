"""D5/D6: support's side of a dispute — taking it from the queue (or giving it to an agent),
asking either side for information with a due date (the side answers), and deciding with a
rationale both sides see. A decision is carried out at once through the refund ledger (or an
approved return); the appeal's decision (a different agent) carries out the difference only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from recourse.domain.dispute_rules import (
    NOTE_MAX,
    WITH_SUPPORT,
    appeal_by_from,
    check_agent,
    check_decision,
    check_info_answer,
    check_info_request,
    check_step,
    check_support,
    check_text,
    info_request,
)
from recourse.domain.disputes import (
    APPEAL_BY,
    APPEAL_REMINDER,
    INFO_DUE,
    INFO_REMINDER,
    Decision,
    Dispute,
    DisputeStatus,
    Outcome,
    Party,
    Resolution,
    dispute_transition,
)
from recourse.domain.errors import InvalidInput
from recourse.domain.order import Order
from recourse.domain.roles import Actor
from recourse.domain.timeline import TimelineEntry
from recourse.services import settle, subscribers
from recourse.services.disputes.common import (
    acting_party,
    attach_files,
    entry,
    load,
    reload,
    save,
    still_refundable,
    units_to_return,
)
from recourse.services.disputes.execute import Carried, carry_out, carry_out_appeal, resolve
from recourse.services.events import (
    DisputeAssigned,
    DisputeDecided,
    DisputeInfoAnswered,
    DisputeInfoRequested,
)
from recourse.services.notify import schedule_deadline, schedule_reminder
from recourse.services.orders import refresh_status
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork

RATIONALE_MAX = 8000


def assign(
    uow: UnitOfWork, ctx: Context, *, actor: Actor, dispute_id: int, assignee_id: int | None = None
) -> Dispute:
    """D5: an agent takes an escalated dispute (or gives it to another agent); an appealed one
    goes to an agent other than the one who decided (D6)."""
    check_support(actor)
    agent = assignee_id if assignee_id is not None else actor.user_id
    assert agent is not None
    now = ctx.clock.now()
    settle.settle_for_dispute(uow, ctx, dispute_id=dispute_id)
    with uow:
        d, order = load(uow, actor, dispute_id, for_update=True)
        check_step(d, WITH_SUPPORT)
        if not uow.disputes.is_support(agent):
            raise InvalidInput("assignee_id", "dispute.assignee_not_support")
        check_agent(d, agent)
        column = "appeal_assignee_id" if d.status is DisputeStatus.appealed else "assignee_id"
        after = save(uow, d, **{column: agent})
        uow.timeline.add(entry(order, after, actor, now, "dispute.assigned", assignee_id=agent))
        subscribers.record(
            uow, ctx, DisputeAssigned(order=order, dispute=after, assignee_id=agent, at=now)
        )
        uow.commit()
    return after


def request_info(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    dispute_id: int,
    party: Party | str,
    question: str | None,
    due_at: datetime,
) -> Dispute:
    """D5: support asks one side for more, due at `due_at` (in the future); the side is
    reminded before, and support is told when the date passes unanswered."""
    check_support(actor)
    assert actor.user_id is not None
    now = ctx.clock.now()
    side = check_info_request(str(party), due_at, now)
    text = check_text("question", question, needed="dispute.question_needed", maximum=NOTE_MAX)
    settle.settle_for_dispute(uow, ctx, dispute_id=dispute_id)
    with uow:
        d, order = load(uow, actor, dispute_id, for_update=True)
        check_step(d, WITH_SUPPORT)
        request_id = uow.disputes.add_info_request(
            d.id, party=side, question=text, due_at=due_at, asked_by_id=actor.user_id, at=now
        )
        schedule_deadline(uow, name=INFO_DUE, subject_id=request_id, due_at=due_at)
        schedule_reminder(
            uow,
            name=INFO_REMINDER,
            subject_id=request_id,
            due_at=due_at,
            remind_before_hours=uow.platform.policy().remind_before_hours,
            now=now,
        )
        after = reload(uow, d.id)
        request = next(r for r in after.info_requests if r.id == request_id)
        uow.timeline.add(
            entry(
                order,
                after,
                actor,
                now,
                "dispute.info_requested",
                note=text,
                request_id=request_id,
                party=str(side),
                due_at=due_at.isoformat(),
            )
        )
        subscribers.record(
            uow, ctx, DisputeInfoRequested(order=order, dispute=after, request=request, at=now)
        )
        uow.commit()
    return after


def answer_info(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    dispute_id: int,
    request_id: int,
    answer: str | None,
    file_ids: Sequence[int] = (),
    on_behalf: Party | None = None,
    audit_note: str | None = None,
) -> Dispute:
    """D5: the side asked answers support's question once, by its due date, with files."""
    text = check_text("answer", answer, needed="dispute.answer_needed", maximum=NOTE_MAX)
    now = ctx.clock.now()
    settle.settle_for_dispute(uow, ctx, dispute_id=dispute_id)
    with uow:
        d, order = load(uow, actor, dispute_id, for_update=True)
        party, audit = acting_party(actor, order, on_behalf, audit_note)
        request = info_request(d, request_id)
        check_step(d, WITH_SUPPORT)
        check_info_answer(request, party, now)
        uow.disputes.answer_info(request_id, answer=text, at=now)
        attach_files(uow, actor, order.id, d.id, file_ids, now)
        after = reload(uow, d.id)
        answered = next(r for r in after.info_requests if r.id == request_id)
        uow.timeline.add(
            entry(
                order,
                after,
                actor,
                now,
                "dispute.info_answered",
                note=text,
                on_behalf=on_behalf,
                audit_note=audit,
                request_id=request_id,
                party=str(party),
            )
        )
        subscribers.record(
            uow, ctx, DisputeInfoAnswered(order=order, dispute=after, request=answered, at=now)
        )
        uow.commit()
    return after


def _outcome(value: Outcome | str) -> Outcome:
    try:
        return Outcome(value)
    except ValueError:
        raise InvalidInput(
            "outcome", "dispute.outcome_choice", allowed=[str(o) for o in Outcome]
        ) from None


def decide(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    dispute_id: int,
    outcome: Outcome | str,
    amount: int | None = None,
    rationale: str | None,
    charged_to_store: bool = False,
) -> Dispute:
    """D5: support decides an escalated dispute — full refund, partial refund (amount), refund
    after return, no refund — with a rationale both sides see, optionally charged to the store;
    carried out at once; either side may appeal until `appeal_by` (`appeal_days`).
    D6: an appealed dispute is decided by a different agent; its decision carries out the
    difference only, and the dispute is resolved."""
    check_support(actor)
    assert actor.user_id is not None
    chosen = _outcome(outcome)
    text = check_text(
        "rationale", rationale, needed="dispute.rationale_needed", maximum=RATIONALE_MAX
    )
    now = ctx.clock.now()
    settle.settle_for_dispute(uow, ctx, dispute_id=dispute_id)
    with uow:
        d, order = load(uow, actor, dispute_id, for_update=True)
        check_step(d, WITH_SUPPORT)
        decision = _decision(
            uow, order, d, actor.user_id, chosen, amount, text, charged_to_store, now
        )
        value = decision.amount
        appeal = d.status is DisputeStatus.appealed
        if appeal:
            carried = carry_out_appeal(uow, ctx, order, d, actor, chosen, value, now)
            after = _save_appeal_decision(uow, d, decision)
        else:
            carried = carry_out(uow, ctx, order, d, actor, chosen, value, now)
            after = save_decision(uow, d, decision)
        uow.timeline.add(_decision_entry(order, after, actor, decision, appeal, carried))
        subscribers.record(
            uow,
            ctx,
            DisputeDecided(
                order=order,
                dispute=after,
                decision=decision,
                appeal=appeal,
                refund_id=carried.refund_id,
                return_id=carried.return_id,
                at=now,
            ),
        )
        if appeal:
            after = resolve(
                uow, ctx, order, after, actor, Resolution.appeal_decided, Carried(), now
            )
        else:
            refresh_status(uow, order, now)
        uow.commit()
    return after


def _decision(
    uow: UnitOfWork,
    order: Order,
    d: Dispute,
    agent_id: int,
    outcome: Outcome,
    amount: int | None,
    rationale: str,
    charged_to_store: bool,
    now: datetime,
) -> Decision:
    """D5/D6: this agent may decide, and the decision names what it must (an amount within
    what is refundable, units to return, a charge only with a refund)."""
    check_agent(d, agent_id)
    value = check_decision(
        outcome,
        amount,
        charged_to_store=charged_to_store,
        refundable=still_refundable(uow, order),
        currency=order.currency,
        returnable_units=sum(units_to_return(uow, order).values()),
    )
    return Decision(
        outcome=outcome,
        amount=value,
        rationale=rationale,
        decided_by_id=agent_id,
        decided_at=now,
        charged_to_store=charged_to_store,
    )


def save_decision(uow: UnitOfWork, d: Dispute, decision: Decision) -> Dispute:
    """D5: the dispute is decided (by `decide`, or by a forced cancellation, C10); either side
    may appeal until `appeal_by` (`appeal_days`)."""
    dispute_transition(d.status, DisputeStatus.decided)
    appeal_by = appeal_by_from(decision.decided_at, uow.platform.policy())
    after = save(
        uow,
        d,
        status=DisputeStatus.decided,
        outcome=decision.outcome,
        decided_amount=decision.amount,
        rationale=decision.rationale,
        decided_by_id=decision.decided_by_id,
        decided_at=decision.decided_at,
        charged_to_store=decision.charged_to_store,
        assignee_id=d.assignee_id or decision.decided_by_id,
        appeal_by=appeal_by,
        decision=decision,
    )
    schedule_deadline(uow, name=APPEAL_BY, subject_id=d.id, due_at=appeal_by)
    schedule_reminder(
        uow,
        name=APPEAL_REMINDER,
        subject_id=d.id,
        due_at=appeal_by,
        remind_before_hours=uow.platform.policy().remind_before_hours,
        now=decision.decided_at,
    )
    return after


def _save_appeal_decision(uow: UnitOfWork, d: Dispute, decision: Decision) -> Dispute:
    """D6: the appeal's decision is kept beside the first one."""
    return save(
        uow,
        d,
        appeal_outcome=decision.outcome,
        appeal_decided_amount=decision.amount,
        appeal_rationale=decision.rationale,
        appeal_decided_by_id=decision.decided_by_id,
        appeal_decided_at=decision.decided_at,
        appeal_charged_to_store=decision.charged_to_store,
        appeal_assignee_id=d.appeal_assignee_id or decision.decided_by_id,
        appeal_decision=decision,
    )


def _decision_entry(
    order: Order, d: Dispute, actor: Actor, decision: Decision, appeal: bool, carried: Carried
) -> TimelineEntry:
    return entry(
        order,
        d,
        actor,
        decision.decided_at,
        "dispute.appeal_decided" if appeal else "dispute.decided",
        note=decision.rationale,
        outcome=str(decision.outcome),
        amount=decision.amount,
        currency=order.currency,
        charged_to_store=decision.charged_to_store,
        refund_id=carried.refund_id,
        return_id=carried.return_id,
    )
