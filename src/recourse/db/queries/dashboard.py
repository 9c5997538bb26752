"""Read side of support's dashboard: one query per chart, each over a period. Rows come out
as moments (UTC); the page buckets them by day in the viewer's time zone, which SQLite and
PostgreSQL would each spell differently in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from recourse.db import models as m
from recourse.domain.order import PaymentMethod
from recourse.domain.settlement import DEFAULT_PROFILES


@dataclass(frozen=True, slots=True)
class DisputeMoments:
    opened_at: datetime
    decided_at: datetime | None


@dataclass(frozen=True, slots=True)
class OutcomeCount:
    """How many disputes of a type ended one way: withdrawn, resolved between the parties
    (`resolution`), or by support's last word (`outcome`, the appeal's when there was one)."""

    type: str
    status: str
    resolution: str | None
    outcome: str | None
    count: int


@dataclass(frozen=True, slots=True)
class SlaCase:
    """An escalated dispute whose answer was due in the period: when, and when support
    answered (None while it still waits)."""

    due_at: datetime
    answered_at: datetime | None


@dataclass(frozen=True, slots=True)
class ReasonCount:
    reason: str
    label: str | None
    fault: str
    count: int


@dataclass(frozen=True, slots=True)
class RefundTime:
    method: str
    created_at: datetime
    succeeded_at: datetime
    expected_latest: date
    max_business_days: int | None


def dispute_moments(session: Session, since: datetime) -> list[DisputeMoments]:
    """Disputes opened or first decided since `since`."""
    d = m.DisputeRow
    rows = session.execute(
        select(d.opened_at, d.decided_at).where(or_(d.opened_at >= since, d.decided_at >= since))
    )
    return [DisputeMoments(r.opened_at, r.decided_at) for r in rows]


def dispute_outcomes(session: Session, since: datetime) -> list[OutcomeCount]:
    """Disputes that ended since `since` (resolved, or withdrawn), counted by type and how."""
    d = m.DisputeRow
    final = func.coalesce(d.appeal_outcome, d.outcome)
    ended = func.coalesce(d.resolved_at, d.withdrawn_at)
    rows = session.execute(
        select(d.type, d.status, d.resolution, final.label("outcome"), func.count().label("n"))
        .where(d.status.in_(("resolved", "withdrawn")), ended >= since)
        .group_by(d.type, d.status, d.resolution, final)
    )
    return [OutcomeCount(r.type, r.status, r.resolution, r.outcome, int(r.n)) for r in rows]


def sla_cases(session: Session, since: datetime, now: datetime) -> list[SlaCase]:
    """Escalated or appealed disputes whose support answer fell due between `since` and now.
    The answer is the appeal decision once appealed (the SLA then runs from the appeal), else
    the decision, else the buyer's withdrawal."""
    d = m.DisputeRow
    rows = session.execute(
        select(
            d.sla_due_at, d.decided_at, d.withdrawn_at, d.appealed_at, d.appeal_decided_at
        ).where(d.sla_due_at.is_not(None), d.sla_due_at >= since, d.sla_due_at <= now)
    )
    out: list[SlaCase] = []
    for r in rows:
        on_appeal = r.appealed_at is not None and r.appealed_at <= r.sla_due_at
        answer = r.appeal_decided_at if on_appeal else (r.decided_at or r.withdrawn_at)
        out.append(SlaCase(r.sla_due_at, answer))
    return out


def cancellation_reasons(session: Session, since: datetime) -> list[ReasonCount]:
    """Cancellations asked for or made since `since`, by reason, with the reason's fault."""
    c, r = m.CancellationRow, m.CancellationReasonRow
    rows = session.execute(
        select(c.reason, r.label, c.fault, func.count().label("n"))
        .join(r, r.code == c.reason, isouter=True)
        .where(c.created_at >= since)
        .group_by(c.reason, r.label, c.fault)
    )
    return [ReasonCount(x.reason, x.label, x.fault, int(x.n)) for x in rows]


def refund_times(session: Session, since: datetime) -> list[RefundTime]:
    """Refunds that reached the buyer since `since`, with the most business days their
    method's settlement profile allows."""
    f, p = m.RefundRow, m.SettlementProfileRow
    rows = session.execute(
        select(f.method, f.created_at, f.succeeded_at, f.expected_latest, p.max_business_days)
        .join(p, p.method == f.method, isouter=True)
        .where(f.status == "succeeded", f.succeeded_at >= since)
    )
    return [
        RefundTime(
            x.method,
            x.created_at,
            x.succeeded_at,
            x.expected_latest,
            x.max_business_days if x.max_business_days is not None else _default_max(x.method),
        )
        for x in rows
    ]


def _default_max(method: str) -> int | None:
    """F5: a method without a stored profile settles within the built-in one."""
    try:
        return DEFAULT_PROFILES[PaymentMethod(method)].max_business_days
    except (KeyError, ValueError):
        return None
