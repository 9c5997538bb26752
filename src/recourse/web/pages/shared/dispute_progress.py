"""Where a dispute stands (§5: D1-D7): its steps with the one it waits on, the deadlines
still ahead in the reader's zone, and the sentence that says who acts next and by when, or
how it ended. Nothing here decides; it only words what the dispute says."""

from __future__ import annotations

from datetime import datetime

from recourse.domain.disputes import (
    Dispute,
    DisputeStatus,
    Party,
    Resolution,
)
from recourse.i18n import N_, Words
from recourse.texts import label
from recourse.texts.disputes import STATUS_LABELS
from recourse.web.pages.shared.return_progress import Step
from recourse.web.templating import local_time

RESOLUTION_SENTENCES: dict[str, str] = {
    Resolution.seller_accepted: N_("The seller accepted the buyer's request; it was carried out."),
    Resolution.seller_silent: N_(
        "The seller did not answer in time, so the buyer's request was carried out."
    ),
    Resolution.agreed: N_("Both sides agreed; the agreement was carried out."),
    Resolution.decided: N_("Support's decision is final and was carried out."),
    Resolution.appeal_decided: N_("The appeal was decided; that decision is final."),
}


def dispute_steps(d: Dispute, words: Words) -> tuple[list[Step], int]:
    """The dispute's steps and the index of the one it waits on: opened → the seller's answer
    → negotiation → support's decision → resolved; a dispute settled earlier ends the list
    where it was settled, a withdrawn one with the withdrawal."""
    _ = words._
    status = d.status
    seller = [p for p in d.proposals if p.by is Party.seller]
    answered_at = seller[0].created_at if seller else None
    done: list[Step] = [Step(_(N_("Opened")), "done", d.opened_at)]
    resolved = Step(_(N_("Resolved")), "done", d.resolved_at)
    if d.resolution in (Resolution.seller_accepted, Resolution.seller_silent):
        what = (
            N_("Seller accepted")
            if d.resolution is Resolution.seller_accepted
            else N_("No answer in time")
        )
        return [*done, Step(_(what), "done", d.resolved_at), resolved], 2
    if status is DisputeStatus.awaiting_seller:
        todo = [
            Step(_(N_("Seller's answer")), "current"),
            Step(_(N_("Support decides")), "todo"),
            Step(_(N_("Resolved")), "todo"),
        ]
        return [*done, *todo], 1
    if answered_at is not None:
        done.append(Step(_(N_("Seller's answer")), "done", answered_at))
    if status is DisputeStatus.negotiating:
        todo = [
            Step(_(N_("Negotiating")), "current"),
            Step(_(N_("Support decides")), "todo"),
            Step(_(N_("Resolved")), "todo"),
        ]
        return [*done, *todo], len(done)
    if d.resolution is Resolution.agreed:
        done.append(Step(_(N_("Agreed")), "done", d.resolved_at))
        return done, len(done) - 1
    if d.escalated_at is not None:
        done.append(Step(_(N_("Escalated to support")), "done", d.escalated_at))
    if status is DisputeStatus.withdrawn:
        done.append(Step(_(N_("Withdrawn")), "failed", d.withdrawn_at))
        return done, len(done) - 1
    if status is DisputeStatus.escalated:
        todo = [Step(_(N_("Support decides")), "current"), Step(_(N_("Resolved")), "todo")]
        return [*done, *todo], len(done)
    if d.decision is not None:
        done.append(Step(_(N_("Decided")), "done", d.decision.decided_at))
    if status is DisputeStatus.decided:
        done.append(Step(_(N_("Appeal window")), "current"))
        return done, len(done) - 1
    if status is DisputeStatus.appealed:
        done.append(Step(_(N_("Appeal decided")), "current"))
        return done, len(done) - 1
    done.append(resolved)
    return done, len(done) - 1


# The deadlines a reader sees, by the status they apply in: (field, buyer's words, seller's).
DEADLINE_LABELS: tuple[tuple[str, frozenset[DisputeStatus], str, str], ...] = (
    (
        "respond_by",
        frozenset({DisputeStatus.awaiting_seller}),
        N_("The seller answers by"),
        N_("Answer by"),
    ),
    (
        "escalate_at",
        frozenset({DisputeStatus.awaiting_seller, DisputeStatus.negotiating}),
        N_("Goes to support if not settled by"),
        N_("Goes to support if not settled by"),
    ),
    (
        "sla_due_at",
        frozenset({DisputeStatus.escalated, DisputeStatus.appealed}),
        N_("Support decides by"),
        N_("Support decides by"),
    ),
    (
        "appeal_by",
        frozenset({DisputeStatus.decided}),
        N_("Appeal until"),
        N_("Appeal until"),
    ),
)


def deadlines(
    d: Dispute, audience: str, words: Words, now: datetime | None
) -> list[tuple[str, datetime]]:
    """The deadlines still ahead of the dispute's current step (a passed one has decided)."""
    found = []
    for field, statuses, buyer, seller in DEADLINE_LABELS:
        at = getattr(d, field)
        if d.status in statuses and at is not None and (now is None or at > now):
            found.append((words._(seller if audience == "seller" else buyer), at))
    return found


def next_sentence(d: Dispute, audience: str, words: Words, tz: str | None = None) -> str:
    """Who acts next and by when, in the reader's zone; or how the dispute ended."""
    _ = words._
    seller = audience == "seller"

    def at(value: datetime | None) -> str:
        return local_time(words, value, tz)

    match d.status:
        case DisputeStatus.awaiting_seller:
            if seller:
                return _(
                    N_(
                        "Answer by %(time)s: accept the buyer's request or make a "
                        "counter-proposal. Without an answer, the buyer's request is carried out."
                    ),
                    time=at(d.respond_by),
                )
            return _(
                N_(
                    "The seller answers by %(time)s. Without an answer, your request is "
                    "carried out."
                ),
                time=at(d.respond_by),
            )
        case DisputeStatus.negotiating:
            return _(
                N_(
                    "Either side may accept the other's latest proposal or ask support to "
                    "decide. Not settled by %(time)s, the dispute goes to support."
                ),
                time=at(d.escalate_at),
            )
        case DisputeStatus.escalated:
            return _(
                N_("Support looks at both sides and decides by %(time)s."), time=at(d.sla_due_at)
            )
        case DisputeStatus.decided:
            return _(
                N_(
                    "Support decided and the decision was carried out. Either side may appeal "
                    "once until %(time)s; after that the decision is final."
                ),
                time=at(d.appeal_by),
            )
        case DisputeStatus.appealed:
            return _(
                N_("A different support agent looks at the appeal and decides by %(time)s."),
                time=at(d.sla_due_at),
            )
        case DisputeStatus.withdrawn:
            return _(N_("The buyer withdrew the dispute."))
    if d.resolution is not None:
        return label(RESOLUTION_SENTENCES, str(d.resolution), words)
    return label(STATUS_LABELS, str(d.status), words)
