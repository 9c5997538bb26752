"""D3/D4/D7: the sellers accept the buyer's request (carried out at once) or counter; either
side accepts the other's latest proposal, the buyer may propose again, either side escalates
to support; the buyer withdraws while nothing is decided; both sides add evidence.

Support may take a party's step on its behalf (`on_behalf`), only with an audit note that the
timeline keeps, naming the agent."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from recourse.domain.dispute_rules import (
    ANSWERABLE,
    NEGOTIABLE,
    PROPOSABLE,
    WITHDRAWABLE,
    check_note,
    check_step,
    check_wanted,
    proposal_to_accept,
)
from recourse.domain.disputes import (
    Dispute,
    DisputeStatus,
    Party,
    Resolution,
    Wanted,
    dispute_transition,
)
from recourse.domain.errors import InvalidInput, NotAllowed, RuleConflict
from recourse.domain.order import Order
from recourse.domain.roles import Actor, Role
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
from recourse.services.disputes.execute import carry_out, escalate_now, resolve
from recourse.services.disputes.open import wanted_of
from recourse.services.events import DisputeProposalMade, DisputeResponded, DisputeWithdrawn
from recourse.services.orders import refresh_status
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork


def _proposal(
    uow: UnitOfWork,
    order: Order,
    party: Party,
    wanted: Wanted | str | None,
    amount: int | None,
) -> tuple[Wanted, int | None]:
    if wanted is None:
        raise InvalidInput("wanted", "dispute.wanted_choice", allowed=[str(w) for w in Wanted])
    want = wanted_of(wanted)
    return want, check_wanted(
        want,
        amount,
        party=party,
        refundable=still_refundable(uow, order),
        currency=order.currency,
        returnable_units=sum(units_to_return(uow, order).values()),
    )


def respond(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    dispute_id: int,
    action: str,
    wanted: Wanted | str | None = None,
    amount: int | None = None,
    note: str | None = None,
    file_ids: Sequence[int] = (),
    on_behalf: Party | None = None,
    audit_note: str | None = None,
) -> Dispute:
    """D3: the sellers accept (the buyer's request is carried out: resolved, seller_accepted)
    or counter with a partial refund or a return and refund, a note and evidence
    (negotiating). After `respond_by` silence has answered: 409 with the date."""
    if action not in ("accept", "counter"):
        raise InvalidInput("action", "dispute.respond_choice")
    text = check_note(note)
    now = ctx.clock.now()
    settle.settle_for_dispute(uow, ctx, dispute_id=dispute_id)
    with uow:
        d, order = load(uow, actor, dispute_id, for_update=True)
        party, audit = acting_party(actor, order, on_behalf, audit_note)
        if party is not Party.seller:
            raise NotAllowed("dispute_not_seller")
        check_step(d, ANSWERABLE)
        if action == "accept":
            after = _seller_accepts(uow, ctx, order, d, actor, now, on_behalf, audit)
        else:
            want, value = _proposal(uow, order, Party.seller, wanted, amount)
            after = _seller_counters(
                uow, ctx, order, d, actor, now, want, value, text, file_ids, on_behalf, audit
            )
        uow.commit()
    return after


def _seller_accepts(
    uow: UnitOfWork,
    ctx: Context,
    order: Order,
    d: Dispute,
    actor: Actor,
    now: datetime,
    on_behalf: Party | None,
    audit: str | None,
) -> Dispute:
    """D3: the buyer's request is carried out and the dispute resolved (seller_accepted)."""
    carried = carry_out(uow, ctx, order, d, actor, d.wanted, d.amount, now)
    subscribers.record(
        uow,
        ctx,
        DisputeResponded(order=order, dispute=d, accepted=True, proposal=None, at=now),
    )
    return resolve(
        uow,
        ctx,
        order,
        d,
        actor,
        Resolution.seller_accepted,
        carried,
        now,
        on_behalf=on_behalf,
        audit_note=audit,
    )


def _seller_counters(
    uow: UnitOfWork,
    ctx: Context,
    order: Order,
    d: Dispute,
    actor: Actor,
    now: datetime,
    want: Wanted,
    value: int | None,
    text: str | None,
    file_ids: Sequence[int],
    on_behalf: Party | None,
    audit: str | None,
) -> Dispute:
    """D3: the sellers' counter-proposal, with its note and evidence, starts the negotiation."""
    dispute_transition(d.status, DisputeStatus.negotiating)
    uow.disputes.add_proposal(
        d.id, party=Party.seller, wanted=want, amount=value, note=text, at=now
    )
    attach_files(uow, actor, order.id, d.id, file_ids, now)
    after = save(uow, reload(uow, d.id), status=DisputeStatus.negotiating)
    proposal = after.latest(Party.seller)
    uow.timeline.add(
        entry(
            order,
            after,
            actor,
            now,
            "dispute.countered",
            note=text,
            wanted=str(want),
            amount=value,
            currency=order.currency,
            on_behalf=on_behalf,
            audit_note=audit,
        )
    )
    subscribers.record(
        uow,
        ctx,
        DisputeResponded(order=order, dispute=after, accepted=False, proposal=proposal, at=now),
    )
    return after


def accept_proposal(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    dispute_id: int,
    on_behalf: Party | None = None,
    audit_note: str | None = None,
) -> Dispute:
    """D4: a side accepts the OTHER side's latest proposal; it is carried out at once and the
    dispute is resolved (agreed; the sellers accepting the opening request: seller_accepted)."""
    now = ctx.clock.now()
    settle.settle_for_dispute(uow, ctx, dispute_id=dispute_id)
    with uow:
        d, order = load(uow, actor, dispute_id, for_update=True)
        party, audit = acting_party(actor, order, on_behalf, audit_note)
        check_step(d, NEGOTIABLE)
        proposal = proposal_to_accept(d, party)
        carried = carry_out(uow, ctx, order, d, actor, proposal.wanted, proposal.amount, now)
        resolution = (
            Resolution.seller_accepted
            if d.status is DisputeStatus.awaiting_seller
            else Resolution.agreed
        )
        if d.status is DisputeStatus.awaiting_seller:
            subscribers.record(
                uow,
                ctx,
                DisputeResponded(order=order, dispute=d, accepted=True, proposal=None, at=now),
            )
        after = resolve(
            uow,
            ctx,
            order,
            d,
            actor,
            resolution,
            carried,
            now,
            on_behalf=on_behalf,
            audit_note=audit,
            accepted_proposal_id=proposal.id,
            accepted_by=str(party),
        )
        uow.commit()
    return after


def propose(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    dispute_id: int,
    wanted: Wanted | str | None,
    amount: int | None = None,
    note: str | None = None,
    file_ids: Sequence[int] = (),
    on_behalf: Party | None = None,
    audit_note: str | None = None,
) -> Dispute:
    """D4: while negotiating, a side makes a new proposal (the sellers a partial refund or a
    return and refund); it becomes that side's latest, the one the other may accept."""
    text = check_note(note)
    now = ctx.clock.now()
    settle.settle_for_dispute(uow, ctx, dispute_id=dispute_id)
    with uow:
        d, order = load(uow, actor, dispute_id, for_update=True)
        party, audit = acting_party(actor, order, on_behalf, audit_note)
        check_step(d, PROPOSABLE)
        want, value = _proposal(uow, order, party, wanted, amount)
        uow.disputes.add_proposal(d.id, party=party, wanted=want, amount=value, note=text, at=now)
        attach_files(uow, actor, order.id, d.id, file_ids, now)
        after = reload(uow, d.id)
        proposal = after.latest(party)
        assert proposal is not None
        uow.timeline.add(
            entry(
                order,
                after,
                actor,
                now,
                "dispute.proposed",
                note=text,
                on_behalf=on_behalf,
                audit_note=audit,
                by=str(party),
                wanted=str(want),
                amount=value,
                currency=order.currency,
            )
        )
        subscribers.record(
            uow, ctx, DisputeProposalMade(order=order, dispute=after, proposal=proposal, at=now)
        )
        uow.commit()
    return after


def escalate(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    dispute_id: int,
    on_behalf: Party | None = None,
    audit_note: str | None = None,
) -> Dispute:
    """D4: either side asks support to decide, at any time before a decision."""
    now = ctx.clock.now()
    settle.settle_for_dispute(uow, ctx, dispute_id=dispute_id)
    with uow:
        d, order = load(uow, actor, dispute_id, for_update=True)
        party, audit = acting_party(actor, order, on_behalf, audit_note)
        check_step(d, NEGOTIABLE)
        after = escalate_now(
            uow,
            ctx,
            order,
            d,
            actor,
            str(party),
            now,
            now,
            on_behalf=on_behalf,
            audit_note=audit,
        )
        uow.commit()
    return after


def withdraw(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    dispute_id: int,
    on_behalf: Party | None = None,
    audit_note: str | None = None,
) -> Dispute:
    """D7: the buyer withdraws while the dispute is not decided."""
    now = ctx.clock.now()
    settle.settle_for_dispute(uow, ctx, dispute_id=dispute_id)
    with uow:
        d, order = load(uow, actor, dispute_id, for_update=True)
        party, audit = acting_party(actor, order, on_behalf, audit_note)
        if party is not Party.buyer:
            raise NotAllowed("dispute_not_buyer")
        check_step(d, WITHDRAWABLE)
        dispute_transition(d.status, DisputeStatus.withdrawn)
        after = save(uow, d, status=DisputeStatus.withdrawn, withdrawn_at=now)
        refresh_status(uow, order, now)
        uow.timeline.add(
            entry(
                order, after, actor, now, "dispute.withdrawn", on_behalf=on_behalf, audit_note=audit
            )
        )
        subscribers.record(uow, ctx, DisputeWithdrawn(order=order, dispute=after, at=now))
        uow.commit()
    return after


FINAL = frozenset({DisputeStatus.resolved, DisputeStatus.withdrawn})


def add_evidence(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    dispute_id: int,
    file_ids: Sequence[int],
) -> Dispute:
    """D2-D6: a side (or support) adds photos or PDFs to the dispute while it is not over."""
    if not file_ids:
        raise InvalidInput("files", "dispute.files_needed")
    now = ctx.clock.now()
    settle.settle_for_dispute(uow, ctx, dispute_id=dispute_id)
    with uow:
        d, order = load(uow, actor, dispute_id, for_update=True)
        if actor.role is not Role.support:
            acting_party(actor, order, None, None)
        if d.status in FINAL:
            raise RuleConflict("dispute_not_at_step", status=str(d.status))
        attach_files(uow, actor, order.id, d.id, file_ids, now)
        uow.timeline.add(
            entry(order, d, actor, now, "dispute.evidence_added", files=len(set(file_ids)))
        )
        uow.commit()
    return d
