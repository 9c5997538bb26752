"""Disputes worded for whoever looks (§5: D1-D7): the type, status, want and outcome labels,
the steps of a dispute with the one it waits on, the deadlines still ahead in the reader's
zone, both sides' proposals, support's requests for information and the decisions with their
rationale. Nothing here decides; what a reader may do is what the guide's dispute paths say."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from fastapi import Request
from jinja2 import pass_context
from jinja2.runtime import Context as TemplateContext

from recourse.container import Container
from recourse.db.queries import disputes as dispute_queries
from recourse.db.queries import seller_disputes as seller_queries
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
    Resolution,
)
from recourse.domain.errors import DomainError, NotFound
from recourse.domain.roles import Role
from recourse.i18n import N_, Words
from recourse.texts import error_message, label
from recourse.texts.disputes import OUTCOME_LABELS, STATUS_LABELS, TYPE_LABELS, WANTED_LABELS
from recourse.web.pages.common import error_field
from recourse.web.pages.shared.cancellation_forms import read_order
from recourse.web.pages.shared.return_progress import Step
from recourse.web.settled import settle_listed, settle_order
from recourse.web.templating import local_time, templates

# What a status means to the sellers, where it differs from the buyer's words.
SELLER_STATUS_LABELS: dict[str, str] = {
    DisputeStatus.awaiting_seller: N_("Waiting for your answer"),
}

RESOLUTION_SENTENCES: dict[str, str] = {
    Resolution.seller_accepted: N_("The seller accepted the buyer's request; it was carried out."),
    Resolution.seller_silent: N_(
        "The seller did not answer in time, so the buyer's request was carried out."
    ),
    Resolution.agreed: N_("Both sides agreed; the agreement was carried out."),
    Resolution.decided: N_("Support's decision is final and was carried out."),
    Resolution.appeal_decided: N_("The appeal was decided; that decision is final."),
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


@dataclass(frozen=True, slots=True)
class SellerRow:
    """One dispute in the sellers' list."""

    id: int
    order_id: int
    url: str
    type: str
    status: str
    status_label: str
    wanted: str
    due_at: datetime | None
    waits_for_you: bool


def seller_disputes(c: Container, store_ids: Iterable[int], words: Words) -> list[SellerRow]:
    """The disputes of the sellers' stores still going (open, or decided with the appeal
    window running), the soonest deadline first, after the passed deadlines of their orders
    are applied (§10)."""
    with c.read_session() as session:
        settle_listed(c, session, seller_queries.going_order_ids(session, store_ids))
        found = seller_queries.going_disputes(session, store_ids)
    return [
        SellerRow(
            id=d.id,
            order_id=d.order_id,
            url=dispute_url("seller", d.order_id, d.id),
            type=type_label(str(d.type), words),
            status=str(d.status),
            status_label=dispute_status_label(str(d.status), words, "seller"),
            wanted=label(WANTED_LABELS, str(d.wanted), words),
            due_at=d.due_at,
            waits_for_you=d.status is DisputeStatus.awaiting_seller,
        )
        for d in found
    ]


@pass_context
def waiting_disputes(context: TemplateContext) -> int:
    """The number next to "Disputes" in a seller's header: disputes waiting for their answer."""
    user = context.get("user")
    request = context.get("request")
    if user is None or request is None or user.role is not Role.seller:
        return 0
    c: Container = request.app.state.container
    with c.read_session() as session:
        return seller_queries.awaiting_answer(session, user.store_ids)


templates.env.globals["waiting_disputes"] = waiting_disputes
