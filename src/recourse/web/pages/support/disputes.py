"""D5/D6 support's dispute case (`/support/disputes/{id}`): everything that happened on the
order in one timeline, both sides' proposals and files, and the forms — assign, request
information, decide, force a refused cancellation, and act for a party with an audit note.
The use cases decide; a passed deadline is applied before any read. The queue is in
`dispute_queue`."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import Response

from recourse.container import Container
from recourse.db.queries.disputes import dispute_view
from recourse.db.queries.orders import order_detail
from recourse.domain.accounts import User
from recourse.domain.disputes import DisputeStatus, DisputeType, Outcome, Party
from recourse.domain.errors import DomainError, InvalidInput, NotFound
from recourse.i18n import Words
from recourse.services import disputes, settle
from recourse.services.disputes.force import force_cancellation
from recourse.texts import label
from recourse.texts.disputes import OUTCOME_LABELS
from recourse.web import language
from recourse.web.deps import ContainerDep, check_csrf, flash
from recourse.web.errors import status_for
from recourse.web.pages.common import FormFields, SupportUser, optional_int, safe_next, see_other
from recourse.web.pages.shared import present_disputes as shown
from recourse.web.pages.shared import present_support_disputes as console
from recourse.web.pages.shared.present_case_facts import case_facts
from recourse.web.pages.shared.present_refunds import amount_example
from recourse.web.pages.support.refunds import parse_amount
from recourse.web.routers import page_router
from recourse.web.templating import render

router = page_router("/support")

# What an agent may do for a party (D5: only with an audit note).
ON_BEHALF_STEPS = ("accept_proposal", "escalate", "withdraw", "appeal")


def _case(
    request: Request,
    c: Container,
    user: User,
    dispute_id: int,
    *,
    form: dict[str, str] | None = None,
    error: DomainError | None = None,
    action: str | None = None,
    status_code: int = 200,
) -> Response:
    """The case page, or it again with a form's error next to its field."""
    settle.settle_for_dispute(c.uow(), c.ctx, dispute_id=dispute_id)
    words = language.words(request)
    now = c.clock.now()
    with c.read_session() as session:
        view = dispute_view(session, dispute_id)
        if view is None:
            raise NotFound("dispute.not_found", dispute_id=dispute_id)
        detail = order_detail(session, user.actor(), view.dispute.order_id, now)
        assert detail is not None  # support sees every order
        case = console.case_context(session, view, detail, user, words, now)
        facts = case_facts(session, view.dispute.order_id, now)  # C10/F5: no scan, gateway
    sentence, field = shown.dispute_form_error(error, words)
    return render(
        request,
        "disputes/support_case.html",
        {
            "user": user,
            "detail": detail,
            **case,
            "form": dict(form or {}),
            "action": action,
            "error": sentence,
            "field": field,
            "amount_example": amount_example(detail.order.currency),
            "currency": detail.order.currency,
            "outcomes": {str(o): label(OUTCOME_LABELS, str(o), words) for o in Outcome},
            "now": now,
            "facts": facts,
            "may_force": view.dispute.type is DisputeType.cancellation_refused
            and view.dispute.status is DisputeStatus.escalated,
        },
        status_code=status_code,
    )


@router.get("/disputes/{dispute_id}")
def case_page(request: Request, dispute_id: int, user: SupportUser, c: ContainerDep) -> Response:
    return _case(request, c, user, dispute_id)


def _due_at(text: str, tz: ZoneInfo) -> datetime:
    """The due date typed (a date, or a date and time) in the agent's zone; a date alone is
    due at the end of that day."""
    raw = text.strip()
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("due_at", "page.date", typed=raw[:40]) from None
    if "T" not in raw and " " not in raw:
        parsed = datetime.combine(parsed.date(), time(23, 59))
    return parsed.replace(tzinfo=tz) if parsed.tzinfo is None else parsed


def _party(value: str | None) -> Party:
    try:
        return Party(value or "")
    except ValueError:
        raise InvalidInput("party", "dispute.party_choice") from None


def _text(fields: dict[str, str], name: str) -> str | None:
    return fields.get(name, "").strip() or None


def _act(c: Container, user: User, dispute_id: int, action: str, fields: dict[str, str]) -> str:
    """Run the form's use case; the sentence to flash (msgid and facts)."""
    actor = user.actor()
    common: dict[str, Any] = {"actor": actor, "dispute_id": dispute_id}
    match action:
        case "assign":
            chosen = fields.get("assignee_id", "me").strip()
            agent = user.id if chosen in ("", "me") else optional_int(chosen, "assignee_id")
            disputes.assign(c.uow(), c.ctx, **common, assignee_id=agent)
            return "assigned-me" if agent == user.id else "assigned"
        case "request-info":
            disputes.request_info(
                c.uow(),
                c.ctx,
                **common,
                party=fields.get("party", ""),
                question=_text(fields, "question"),
                due_at=_due_at(fields.get("due_at", ""), ZoneInfo(user.timezone)),
            )
            return "request-info"
        case "decide":
            outcome = fields.get("outcome", "")
            amount = None
            if outcome == Outcome.partial_refund:
                currency = _currency(c, dispute_id)
                amount = parse_amount(fields.get("amount", ""), currency)
            disputes.decide(
                c.uow(),
                c.ctx,
                **common,
                outcome=outcome,
                amount=amount,
                rationale=_text(fields, "rationale"),
                charged_to_store=fields.get("charged_to_store") == "1",
            )
            return "decide"
        case "force-cancellation":
            force_cancellation(c.uow(), c.ctx, **common, rationale=_text(fields, "force_rationale"))
            return "force-cancellation"
        case "answer-info":
            request_id = fields.get("request_id", "")
            if not request_id.isdigit():
                raise NotFound("dispute.info_request_not_found", field="answer")
            disputes.answer_info(
                c.uow(),
                c.ctx,
                **common,
                request_id=int(request_id),
                answer=_text(fields, "answer"),
                on_behalf=_party(fields.get("party")),
                audit_note=_text(fields, "audit_note"),
            )
            return "on-behalf"
        case "on-behalf":
            party = _party(fields.get("party"))
            step = fields.get("step", "")
            if step not in ON_BEHALF_STEPS:
                raise InvalidInput("step", "page.choose_one")
            behalf: dict[str, Any] = {"on_behalf": party, "audit_note": _text(fields, "audit_note")}
            if step == "accept_proposal":
                disputes.accept_proposal(c.uow(), c.ctx, **common, **behalf)
            elif step == "escalate":
                disputes.escalate(c.uow(), c.ctx, **common, **behalf)
            elif step == "withdraw":
                disputes.withdraw(c.uow(), c.ctx, **common, **behalf)
            else:
                disputes.appeal(c.uow(), c.ctx, **common, reason=_text(fields, "reason"), **behalf)
            return "on-behalf"
    raise NotFound("page.not_found")


def _currency(c: Container, dispute_id: int) -> str:
    with c.read_session() as session:
        view = dispute_view(session, dispute_id)
    if view is None:
        raise NotFound("dispute.not_found", dispute_id=dispute_id)
    return view.currency


def _done(key: str, dispute_id: int, words: Words) -> str:
    _ = words._
    match key:
        case "assigned-me":
            return _("Dispute #%(id)s is yours now.", id=dispute_id)
        case "assigned":
            return _("Dispute #%(id)s was given to the agent.", id=dispute_id)
        case "request-info":
            return _("The question was sent. The side asked has been told, with the due date.")
        case "decide":
            return _(
                "The decision was recorded and carried out. Both sides have been told, "
                "with the rationale."
            )
        case "force-cancellation":
            return _(
                "The cancellation was forced and the refund is on its way. Both sides have "
                "been told, with the rationale."
            )
    return _("Done for the party, with your audit note on the timeline.")


def _post(
    request: Request, c: Container, user: User, dispute_id: int, action: str, fields: dict[str, str]
) -> Response:
    try:
        check_csrf(request, fields.get("csrf_token"))
        done = _act(c, user, dispute_id, action, fields)
    except NotFound as error:
        if error.facts.get("field"):
            return _case(
                request,
                c,
                user,
                dispute_id,
                form=fields,
                error=error,
                action=action,
                status_code=status_for(error),
            )
        raise
    except DomainError as error:
        if action == "assign" and safe_next(fields.get("next")):
            raise  # from the queue: the error page says why
        return _case(
            request,
            c,
            user,
            dispute_id,
            form=fields,
            error=error,
            action=action,
            status_code=status_for(error),
        )
    flash(request, _done(done, dispute_id, language.words(request)))
    return see_other(safe_next(fields.get("next")) or f"/support/disputes/{dispute_id}")


@router.post("/disputes/{dispute_id}/assign")
def assign(
    request: Request, dispute_id: int, user: SupportUser, c: ContainerDep, form: FormFields
) -> Response:
    return _post(request, c, user, dispute_id, "assign", form)


@router.post("/disputes/{dispute_id}/request-info")
def request_info(
    request: Request, dispute_id: int, user: SupportUser, c: ContainerDep, form: FormFields
) -> Response:
    return _post(request, c, user, dispute_id, "request-info", form)


@router.post("/disputes/{dispute_id}/decide")
def decide(
    request: Request, dispute_id: int, user: SupportUser, c: ContainerDep, form: FormFields
) -> Response:
    return _post(request, c, user, dispute_id, "decide", form)


@router.post("/disputes/{dispute_id}/force-cancellation")
def force(
    request: Request, dispute_id: int, user: SupportUser, c: ContainerDep, form: FormFields
) -> Response:
    """C10: on an escalated `cancellation_refused` dispute, support cancels what the seller
    refused to (parcels never scanned are voided) with a full refund, at the store's cost."""
    return _post(request, c, user, dispute_id, "force-cancellation", form)


@router.post("/disputes/{dispute_id}/answer-info")
def answer_info(
    request: Request, dispute_id: int, user: SupportUser, c: ContainerDep, form: FormFields
) -> Response:
    """D5: a side's answer to support's question, given by an agent with an audit note (the
    side told support by phone or email)."""
    return _post(request, c, user, dispute_id, "answer-info", form)


@router.post("/disputes/{dispute_id}/on-behalf")
def on_behalf(
    request: Request, dispute_id: int, user: SupportUser, c: ContainerDep, form: FormFields
) -> Response:
    return _post(request, c, user, dispute_id, "on-behalf", form)
