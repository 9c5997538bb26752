"""H1 for disputes (D1-D7): the buyer's `open_dispute`, one option per type (open within its
window, or closed with the blocker and the window's dates), and while a dispute is going —
open, or decided with its appeal window running — each side's steps: the buyer's `escalate`,
`accept_proposal`, `withdraw_dispute` and `appeal`; the sellers' `respond_dispute` (until
`respond_by`), `accept_proposal`, `escalate` and `appeal`; support's `decide_dispute`. Each is
asked of the same rules the actions apply, so a path is open exactly when the action would
pass."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from recourse.domain.dispute_opening import (
    SUBJECT_FIELD,
    Subject,
    check_none_open,
    check_not_disputed_before,
    check_window,
    window_of,
)
from recourse.domain.dispute_rules import (
    ANSWERABLE,
    APPEALABLE,
    NEGOTIABLE,
    WITH_SUPPORT,
    WITHDRAWABLE,
    check_appeal,
    check_step,
    other,
    party_of,
)
from recourse.domain.disputes import Dispute, DisputeStatus, DisputeType, Party
from recourse.domain.errors import RuleConflict
from recourse.domain.options import Option, PathName, Situation
from recourse.domain.roles import Role

OPENING = "opening-a-dispute"
ESCALATION = "dispute-escalation-and-decision"
APPEALS = "appealing-a-decision"

PATH_HELP: Mapping[PathName, str] = {
    PathName.open_dispute: OPENING,
    PathName.respond_dispute: OPENING,
    PathName.accept_proposal: OPENING,
    PathName.withdraw_dispute: OPENING,
    PathName.escalate: ESCALATION,
    PathName.decide_dispute: ESCALATION,
    PathName.appeal: APPEALS,
}


def current_dispute(situation: Situation) -> Dispute | None:
    """The order's dispute still going: the open one, else the latest decided one (its appeal
    window runs)."""
    going = [d for d in situation.disputes if d.open or d.status is DisputeStatus.decided]
    return going[-1] if going else None


def _open(path: PathName, closes_at: datetime | None, facts: Mapping[str, object]) -> Option:
    return Option(
        path=path, open=True, closes_at=closes_at, facts=dict(facts), help=PATH_HELP[path]
    )


def _closed(path: PathName, refusal: RuleConflict, **facts: object) -> Option:
    opens = refusal.facts.get("opens_at") if refusal.code == "dispute_window_not_open" else None
    return Option(
        path=path,
        open=False,
        blocker=refusal.code,
        facts={**refusal.facts, **facts},
        opens_at=datetime.fromisoformat(opens) if isinstance(opens, str) else None,
        help=PATH_HELP[path],
    )


def _open_dispute(situation: Situation, type_: DisputeType) -> Option:
    """D1/D2: this type's window on the order, for the case it would name."""
    path, now = PathName.open_dispute, situation.now
    subject: Subject | None = situation.dispute_subjects.get(type_)
    subject_facts: dict[str, object] = {"type": str(type_)}
    if type_ in SUBJECT_FIELD:
        subject_facts[SUBJECT_FIELD[type_]] = subject.id if subject is not None else None
    try:
        check_none_open(situation.disputes)
        check_not_disputed_before(situation.disputes, type_, subject.id if subject else None)
        window = window_of(
            type_,
            situation.order,
            situation.platform,
            delivered_at=situation.delivered_at,
            subject=subject,
        )
        check_window(window, now)
    except RuleConflict as refusal:
        return _closed(path, refusal, **subject_facts)
    return _open(path, window.closes_at, {**window.facts(), **subject_facts})


def _step(
    path: PathName, d: Dispute, expected: frozenset[DisputeStatus], closes_at: datetime | None
) -> Option:
    try:
        check_step(d, expected)
    except RuleConflict as refusal:
        return _closed(path, refusal, dispute_id=d.id)
    return _open(path, closes_at, {"dispute_id": d.id, "status": str(d.status)})


def _accept(d: Dispute, party: Party) -> Option:
    path = PathName.accept_proposal
    try:
        check_step(d, NEGOTIABLE)
        theirs = d.latest(other(party))
        if theirs is None:
            raise RuleConflict("dispute_no_proposal", party=str(other(party)))
    except RuleConflict as refusal:
        return _closed(path, refusal, dispute_id=d.id)
    return _open(
        path,
        d.due_at,
        {
            "dispute_id": d.id,
            "proposal_id": theirs.id,
            "wanted": str(theirs.wanted),
            "amount": theirs.amount,
        },
    )


def _appeal(d: Dispute, now: datetime) -> Option:
    path = PathName.appeal
    try:
        check_appeal(d, now)
    except RuleConflict as refusal:
        return _closed(path, refusal, dispute_id=d.id)
    return _open(path, d.appeal_by, {"dispute_id": d.id})


def _party_steps(situation: Situation, d: Dispute, party: Party) -> list[Option]:
    steps: list[Option] = []
    if party is Party.seller:
        steps.append(_step(PathName.respond_dispute, d, ANSWERABLE, d.respond_by))
    steps.append(_accept(d, party))
    steps.append(_step(PathName.escalate, d, NEGOTIABLE, d.escalate_at))
    if party is Party.buyer:
        steps.append(_step(PathName.withdraw_dispute, d, WITHDRAWABLE, None))
    if d.status in APPEALABLE or d.status is DisputeStatus.appealed:
        steps.append(_appeal(d, situation.now))
    return steps


def dispute_paths(situation: Situation) -> list[Option]:
    viewer = situation.viewer
    d = current_dispute(situation)
    if viewer.role is Role.support:
        if d is None:
            return []
        return [_step(PathName.decide_dispute, d, WITH_SUPPORT, d.sla_due_at)]
    party = party_of(viewer, situation.order)
    if party is None:
        return []
    found: list[Option] = []
    if party is Party.buyer:
        found.extend(_open_dispute(situation, t) for t in DisputeType)
    if d is not None:
        found.extend(_party_steps(situation, d, party))
    return found
