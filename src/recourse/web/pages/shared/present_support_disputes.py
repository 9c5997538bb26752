"""Support's dispute console worded (D5/D6): a row of the queue (SLA due, overdue, who has it)
and one case — the order's whole story in one timeline ordered by time (the order's recorded
events with cancellations, returns and every dispute step, the conversation's messages, and
the refunds with their status, trace number and gateway reference), both sides' proposals,
support's questions and the decisions. Nothing here decides."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from recourse.db.queries.conversation import MessageView, thread
from recourse.db.queries.disputes import DisputeView, disputes_of_order
from recourse.db.queries.evidence import FileView
from recourse.db.queries.orders import OrderDetail
from recourse.db.queries.refunds import RefundView, refunds_of_order
from recourse.db.queries.support_console import support_agents
from recourse.db.queries.timeline import audit_timeline
from recourse.db.queries.users import user_names
from recourse.domain.accounts import User
from recourse.domain.dispute_rules import WITH_SUPPORT
from recourse.domain.disputes import DisputeStatus, Party
from recourse.domain.roles import Role
from recourse.i18n import N_, Words
from recourse.texts import label
from recourse.texts.disputes import OUTCOME_LABELS, TYPE_LABELS, WANTED_LABELS
from recourse.web.pages.shared import present_disputes as shown
from recourse.web.pages.shared import present_timeline
from recourse.web.pages.shared.present_refunds import refund_card


@dataclass(frozen=True, slots=True)
class QueueRow:
    id: int
    url: str
    order_id: int
    type: str
    status: str
    status_label: str
    store: str
    buyer: str
    amount: str
    wanted: str
    opened_at: datetime
    due_at: datetime | None
    """What the current step waits for: support's SLA while escalated or appealed."""
    overdue: bool
    assignee: str | None
    mine: bool
    decided_by_id: int | None
    """On an appeal: the agent who decided first (who may not take the appeal, D6)."""


def queue_row(
    view: DisputeView, now: datetime, words: Words, viewer_id: int, agents: dict[int, str]
) -> QueueRow:
    d = view.dispute
    agent = d.appeal_assignee_id if d.status is DisputeStatus.appealed else d.assignee_id
    return QueueRow(
        id=d.id,
        url=f"/support/disputes/{d.id}",
        order_id=d.order_id,
        type=label(TYPE_LABELS, str(d.type), words),
        status=str(d.status),
        status_label=shown.dispute_status_label(str(d.status), words, "support"),
        store=view.store_name,
        buyer=view.buyer_name,
        amount=words.money(view.amount_captured, view.currency),
        wanted=label(WANTED_LABELS, str(d.wanted), words),
        opened_at=d.opened_at,
        due_at=d.due_at,
        overdue=d.status in WITH_SUPPORT and d.sla_due_at is not None and d.sla_due_at <= now,
        assignee=(agents.get(agent) or view.agents.get(agent) or f"#{agent}") if agent else None,
        mine=agent == viewer_id,
        decided_by_id=d.decision.decided_by_id if d.decision else None,
    )


# The dispute steps on the order's timeline, as support reads them.
DISPUTE_SENTENCES = {
    "dispute.opened": N_("Opened dispute #%(id)s: %(type)s."),
    "dispute.countered": N_("Answered dispute #%(id)s with a counter-proposal."),
    "dispute.responded": N_("Accepted the buyer's request on dispute #%(id)s."),
    "dispute.proposed": N_("Made a new proposal on dispute #%(id)s."),
    "dispute.escalated": N_("Dispute #%(id)s went to support."),
    "dispute.assigned": N_("Dispute #%(id)s was assigned to %(agent)s."),
    "dispute.info_requested": N_("Asked for more information on dispute #%(id)s."),
    "dispute.info_answered": N_("Answered support's question on dispute #%(id)s."),
    "dispute.info_overdue": N_("Support's question on dispute #%(id)s was not answered in time."),
    "dispute.evidence_added": N_("Added files to dispute #%(id)s."),
    "dispute.decided": N_("Decided dispute #%(id)s."),
    "dispute.appealed": N_("Appealed the decision on dispute #%(id)s."),
    "dispute.appeal_decided": N_("Decided the appeal of dispute #%(id)s."),
    "dispute.resolved": N_("Dispute #%(id)s was resolved."),
    "dispute.withdrawn": N_("Withdrew dispute #%(id)s."),
}


@dataclass(frozen=True, slots=True)
class CaseItem:
    """One line of the case's timeline."""

    at: datetime
    kind: str  # event, message or refund
    who: str
    what: str
    details: list[str] = field(default_factory=list)
    note: str | None = None
    code: str | None = None
    hidden: str = ""
    files: list[FileView] = field(default_factory=list)
    refund: Any = None


def _money(data: dict[str, Any], words: Words) -> str | None:
    amount, currency = data.get("amount"), data.get("currency")
    if isinstance(amount, int) and not isinstance(amount, bool) and isinstance(currency, str):
        return words.money(amount, currency)
    return None


def _dispute_details(data: dict[str, Any], words: Words) -> list[str]:
    """What a dispute step's entry carries: the proposal or outcome with its amount, and an
    action support took for a party with the agent's audit note."""
    _ = words._
    found = []
    amount = _money(data, words)
    if data.get("wanted"):
        wanted = label(WANTED_LABELS, str(data["wanted"]), words)
        found.append(f"{wanted}: {amount}" if amount else wanted)
    if data.get("outcome"):
        outcome = label(OUTCOME_LABELS, str(data["outcome"]), words)
        found.append(f"{outcome}: {amount}" if amount else outcome)
        if data.get("charged_to_store"):
            found.append(_("Charged to the store."))
    if data.get("refund_id"):
        found.append(_("Refund #%(id)s", id=data["refund_id"]))
    if data.get("return_id"):
        found.append(_("Return #%(id)s", id=data["return_id"]))
    if data.get("party"):
        found.append(
            _("Asked: the buyer") if data["party"] == Party.buyer else _("Asked: the seller")
        )
    if data.get("on_behalf_of"):
        party = _("the buyer") if data["on_behalf_of"] == Party.buyer else _("the seller")
        found.append(
            _(
                "Support acted on behalf of %(party)s. Audit note: %(note)s",
                party=party,
                note=data.get("audit_note") or "",
            )
        )
    return found


def _event_items(
    session: Session, detail: OrderDetail, viewer: User, words: Words
) -> tuple[list[CaseItem], set[int]]:
    audit = audit_timeline(session, detail.order.id)
    entries = [a.entry for a in audit]
    ids = present_timeline.actor_ids(entries)
    for e in entries:
        if isinstance((e.data or {}).get("assignee_id"), int):
            ids.add(int((e.data or {})["assignee_id"]))
    names = user_names(session, ids)
    rows = present_timeline.timeline_rows(
        entries,
        detail,
        Role.support,
        viewer.id,
        names,
        words,
        hidden=[
            present_timeline.hidden_from(a.visible_to_buyer, a.visible_to_seller, words)
            for a in audit
        ],
    )
    items = []
    for entry, row in zip(entries, rows, strict=True):
        data = entry.data or {}
        what, details = row["what"], []
        if entry.action in DISPUTE_SENTENCES:
            agent = data.get("assignee_id")
            what = words._(
                DISPUTE_SENTENCES[entry.action],
                id=data.get("dispute_id", ""),
                type=label(TYPE_LABELS, str(data.get("type", "")), words),
                agent=names.get(agent, f"#{agent}") if isinstance(agent, int) else "",
            )
            details = _dispute_details(data, words)
        if row["to"]:
            details.insert(0, f"{row['from']} → {row['to']}" if row["from"] else row["to"])
        if row["reason"]:
            details.append(words._("Reason: %(reason)s", reason=row["reason"]))
        items.append(
            CaseItem(
                at=entry.at,
                kind="event",
                who=row["who"],
                what=what,
                details=details,
                note=entry.note,
                code=entry.action,
                hidden=row["hidden"],
            )
        )
    return items, ids


def _message_item(m: MessageView, words: Words) -> CaseItem:
    role = present_timeline.table_label(
        present_timeline.ROLE_TITLES, m.author_role, words, m.author_role.capitalize()
    )
    who = f"{m.author_name} ({role})" if m.author_name else role
    return CaseItem(
        at=m.created_at,
        kind="message",
        who=who,
        what=words._("Message in the order's conversation"),
        note=m.body or None,
        code=f"message.{m.kind}",
        files=m.files,
    )


def _refund_item(r: RefundView, today: Any, words: Words) -> CaseItem:
    card = refund_card(r, Role.support, today, words)
    return CaseItem(
        at=r.created_at,
        kind="refund",
        who=words._("Refund ledger"),
        what=words._(
            "Refund #%(id)s of %(amount)s (%(cause)s): %(status)s.",
            id=r.id,
            amount=card.amount,
            cause=card.cause,
            status=card.status_label,
        ),
        code=f"refund.{r.status}",
        refund=r,
    )


def case_timeline(
    session: Session, detail: OrderDetail, viewer: User, words: Words, now: datetime
) -> list[CaseItem]:
    """Everything on the order in one list, oldest first (ties keep the order of kinds)."""
    events, _ = _event_items(session, detail, viewer, words)
    messages = [_message_item(m, words) for m in thread(session, detail.order.id).messages]
    today = now.astimezone(ZoneInfo(viewer.timezone)).date()
    refunds = [_refund_item(r, today, words) for r in refunds_of_order(session, detail.order.id)]
    merged = [(i.at, n, i) for n, i in enumerate([*events, *messages, *refunds])]
    return [i for _, _, i in sorted(merged, key=lambda x: (x[0], x[1]))]


def case_context(
    session: Session,
    view: DisputeView,
    detail: OrderDetail,
    user: User,
    words: Words,
    now: datetime,
) -> dict[str, Any]:
    """What the case page shows beside the forms."""
    d = view.dispute
    tz = user.timezone or words.tz
    x = shown.dispute_words(
        d, audience="support", currency=view.currency, words=words, tz=tz, now=now
    )
    agents = support_agents(session)
    current = d.appeal_assignee_id if d.status is DisputeStatus.appealed else d.assignee_id
    first_decider = d.decision.decided_by_id if d.decision else None
    with_support = d.status in WITH_SUPPORT
    barred = first_decider if d.status is DisputeStatus.appealed else None
    return {
        "x": x,
        "view": view,
        "timeline": case_timeline(session, detail, user, words, now),
        "files": view.files,
        "buyer_proposals": [p for p in x.proposals if p.by == Party.buyer],
        "seller_proposals": [p for p in x.proposals if p.by == Party.seller],
        "refunded": words.money(view.refunded, view.currency),
        "captured": words.money(view.amount_captured, view.currency),
        "assignee": agents.get(current) if current else None,
        "mine": current == user.id,
        "agents": {
            k: v
            for k, v in agents.items()
            if not (d.status is DisputeStatus.appealed and k == first_decider)
        },
        "with_support": with_support,
        # D6: the agent who decided does not decide the appeal
        "may_decide": with_support and barred != user.id,
        "other_disputes": [
            o for o in disputes_of_order(session, d.order_id) if o.dispute.id != d.id
        ],
        "overdue": with_support and d.sla_due_at is not None and d.sla_due_at <= now,
    }
