"""Disputes worded for whoever looks (§5: D1-D7): the type, status, want and outcome labels,
both sides' proposals, support's requests for information and the decisions with their
rationale. Nothing here decides; what a reader may do is what the guide's dispute paths say.
(Steps, deadlines and who acts next are in `dispute_progress`; list rows in
`dispute_rows`.)"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from fastapi import Request
from jinja2 import pass_context
from jinja2.runtime import Context as TemplateContext

from recourse.container import Container
from recourse.db.queries import disputes as dispute_queries
from recourse.db.queries.disputes import DisputeView
from recourse.db.queries.orders import OrderDetail
from recourse.domain.accounts import User
from recourse.domain.disputes import (
    Decision,
    Dispute,
    DisputeStatus,
    InfoRequest,
    Party,
    Proposal,
)
from recourse.domain.errors import DomainError, NotFound
from recourse.i18n import N_, Words
from recourse.texts import error_message, label
from recourse.texts.disputes import OUTCOME_LABELS, STATUS_LABELS, TYPE_LABELS, WANTED_LABELS
from recourse.web.pages.common import error_field
from recourse.web.pages.shared.cancellation_forms import read_order
from recourse.web.pages.shared.dispute_progress import deadlines, dispute_steps, next_sentence
from recourse.web.pages.shared.return_progress import Step
from recourse.web.settled import settle_order
from recourse.web.templating import templates

# What a status means to the sellers, where it differs from the buyer's words.
SELLER_STATUS_LABELS: dict[str, str] = {
    DisputeStatus.awaiting_seller: N_("Waiting for your answer"),
}


DISPUTE_URLS = {
    "buyer": "/orders/{order_id}/disputes/{dispute_id}",
    "seller": "/seller/orders/{order_id}/disputes/{dispute_id}",
}


def dispute_url(audience: str, order_id: int, dispute_id: int) -> str:
    """A dispute's page for the reader (support's case pages are the console's)."""
    template = DISPUTE_URLS.get(audience)
    if template is None:
        return f"/support/disputes/{dispute_id}"
    return template.format(order_id=order_id, dispute_id=dispute_id)


def open_url(order_id: int, type_: str | None = None, subject_id: object = None) -> str:
    """The buyer's form to open a dispute, with a type (and the case it names) chosen."""
    if type_ is None:
        return f"/orders/{order_id}/dispute"
    choice = f"{type_}:{subject_id}" if subject_id is not None else type_
    return f"/orders/{order_id}/dispute?type={choice}"


def type_label(value: str, words: Words) -> str:
    return label(TYPE_LABELS, value, words)


def dispute_status_label(status: str, words: Words, audience: str = "buyer") -> str:
    if audience == "seller" and status in SELLER_STATUS_LABELS:
        return words._(SELLER_STATUS_LABELS[status])
    return label(STATUS_LABELS, status, words)


def _party_of(audience: str) -> Party | None:
    return {"buyer": Party.buyer, "seller": Party.seller}.get(audience)


@dataclass(frozen=True, slots=True)
class ProposalWords:
    id: int
    by: str
    who: str
    wanted: str
    amount: str | None
    note: str | None
    at: datetime
    mine: bool


def _who(by: Party, reader: Party | None, words: Words) -> str:
    if by is reader:
        return words._(N_("You"))
    return words._(N_("The buyer")) if by is Party.buyer else words._(N_("The seller"))


def proposal_words(
    p: Proposal, *, reader: Party | None, currency: str, words: Words
) -> ProposalWords:
    return ProposalWords(
        id=p.id,
        by=str(p.by),
        who=_who(p.by, reader, words),
        wanted=label(WANTED_LABELS, str(p.wanted), words),
        amount=words.money(p.amount, currency) if p.amount is not None else None,
        note=p.note,
        at=p.created_at,
        mine=p.by is reader,
    )


@dataclass(frozen=True, slots=True)
class InfoWords:
    id: int
    party: str
    asked: str
    question: str
    due_at: datetime
    answer: str | None
    answered_at: datetime | None
    mine: bool
    can_answer: bool


def info_words(i: InfoRequest, *, reader: Party | None, now: datetime, words: Words) -> InfoWords:
    mine = i.party is reader
    asked = (
        words._(N_("Support asked you"))
        if mine
        else (
            words._(N_("Support asked the buyer"))
            if i.party is Party.buyer
            else words._(N_("Support asked the seller"))
        )
    )
    return InfoWords(
        id=i.id,
        party=str(i.party),
        asked=asked,
        question=i.question,
        due_at=i.due_at,
        answer=i.answer,
        answered_at=i.answered_at,
        mine=mine,
        can_answer=mine and i.answer is None and now < i.due_at,
    )


@dataclass(frozen=True, slots=True)
class DecisionWords:
    outcome: str
    amount: str | None
    rationale: str
    at: datetime
    charged_to_store: bool


def decision_words(found: Decision, currency: str, words: Words) -> DecisionWords:
    return DecisionWords(
        outcome=label(OUTCOME_LABELS, str(found.outcome), words),
        amount=words.money(found.amount, currency) if found.amount is not None else None,
        rationale=found.rationale,
        at=found.decided_at,
        charged_to_store=found.charged_to_store,
    )


@dataclass(frozen=True, slots=True)
class DisputeWords:
    """One dispute said for its reader: what its pages and the order panel show."""

    d: Dispute
    id: int
    url: str
    type: str
    status: str
    status_label: str
    wanted: str
    amount: str | None
    next: str
    steps: list[Step]
    current: int
    deadlines: list[tuple[str, datetime]]
    proposals: list[ProposalWords]
    other_latest: ProposalWords | None
    """The other side's latest proposal: the one the reader may accept."""
    info: list[InfoWords]
    decision: DecisionWords | None
    appeal_decision: DecisionWords | None

    @property
    def open(self) -> bool:
        return self.d.open


def dispute_words(
    d: Dispute,
    *,
    audience: str,
    currency: str,
    words: Words,
    tz: str | None = None,
    now: datetime | None = None,
) -> DisputeWords:
    reader = _party_of(audience)
    found_steps, current = dispute_steps(d, words)
    proposals = [
        proposal_words(p, reader=reader, currency=currency, words=words) for p in d.proposals
    ]
    other = None
    if reader is not None:
        latest = d.latest(Party.seller if reader is Party.buyer else Party.buyer)
        if latest is not None:
            other = proposal_words(latest, reader=reader, currency=currency, words=words)
    moment = now or datetime.max.replace(tzinfo=d.opened_at.tzinfo)
    return DisputeWords(
        d=d,
        id=d.id,
        url=dispute_url(audience, d.order_id, d.id),
        type=type_label(str(d.type), words),
        status=str(d.status),
        status_label=dispute_status_label(str(d.status), words, audience),
        wanted=label(WANTED_LABELS, str(d.wanted), words),
        amount=words.money(d.amount, currency) if d.amount is not None else None,
        next=next_sentence(d, audience, words, tz),
        steps=found_steps,
        current=current,
        deadlines=deadlines(d, audience, words, now),
        proposals=proposals,
        other_latest=other,
        info=[info_words(i, reader=reader, now=moment, words=words) for i in d.info_requests],
        decision=decision_words(d.decision, currency, words) if d.decision else None,
        appeal_decision=decision_words(d.appeal_decision, currency, words)
        if d.appeal_decision
        else None,
    )


# ---- reading a dispute for a page, and the forms' errors

# Rule conflicts that one input brought up: the message sits next to it.
CONFLICT_FIELDS = {
    "dispute_window_not_open": "type",
    "dispute_window_closed": "type",
    "dispute_nothing_shipped": "type",
    "dispute_all_delivered": "type",
    "dispute_nothing_delivered": "type",
    "dispute_cancellation_not_rejected": "type",
    "dispute_return_not_refused": "type",
    "dispute_refund_arrived": "type",
    "dispute_refund_not_late": "type",
    "dispute_already_settled": "type",
    "dispute_amount_exceeds_refundable": "amount",
    "dispute_nothing_to_return": "wanted",
}


def dispute_form_error(error: DomainError | None, words: Words) -> tuple[str | None, str | None]:
    """(sentence, field): the message in the reader's words and the input it belongs next to,
    or no field for the form as a whole."""
    if error is None:
        return None, None
    field = error_field(error) or CONFLICT_FIELDS.get(error.code)
    if field in ("cancellation_id", "return_id", "refund_id"):
        field = "type"
    return error_message(error, words), field


def disputes_of_order(c: Container, order_id: int) -> list[DisputeView]:
    with c.read_session() as session:
        return dispute_queries.disputes_of_order(session, order_id)


def read_dispute(
    c: Container, user: User, order_id: int, dispute_id: int
) -> tuple[OrderDetail, DisputeView]:
    """The order (404 unless the reader is a party or support) after its passed deadlines are
    applied, and its dispute `dispute_id` (404 when it is another order's)."""
    settle_order(c, order_id)
    detail = read_order(c, user, order_id)
    with c.read_session() as session:
        view = dispute_queries.dispute_view(session, dispute_id)
    if view is None or view.dispute.order_id != order_id:
        raise NotFound("page.not_found")
    return detail, view


@dataclass(frozen=True, slots=True)
class DisputesPanel:
    order_id: int
    rows: list[DisputeWords]


@pass_context
def order_disputes_panel(context: TemplateContext) -> DisputesPanel:
    """The order page's Disputes panel: the order's disputes for the page's reader, each with
    its status, what happens next and a link to its page."""
    request: Request = context["request"]
    detail: OrderDetail = context["detail"]
    words: Words = context["words"]
    audience = str(context["audience"])
    c: Container = request.app.state.container
    rows = [
        dispute_words(
            d,
            audience=audience,
            currency=detail.order.currency,
            words=words,
            tz=str(context.get("tz") or words.tz),
            now=c.clock.now(),
        )
        for d in (v.dispute for v in disputes_of_order(c, detail.order.id))
    ]
    return DisputesPanel(detail.order.id, rows)


templates.env.globals["order_disputes"] = order_disputes_panel


def first_open(views: Iterable[DisputeView]) -> Dispute | None:
    return next((v.dispute for v in views if v.dispute.open), None)
