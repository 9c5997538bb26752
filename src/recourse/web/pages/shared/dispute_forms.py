"""What the buyer's and the sellers' dispute pages share (§5): which dispute paths the guide
opens for the reader (the open form's types, a dispute's actions), the posted forms read (files
kept first through `services.evidence`, then handed to the use case as ids; amounts parsed in
the order's currency without floats), and the use case each action calls."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from recourse.container import Container
from recourse.db.queries import refunds as refund_queries
from recourse.db.queries.disputes import DisputeView
from recourse.db.queries.orders import OrderDetail
from recourse.domain.accounts import User
from recourse.domain.errors import DomainError, InvalidInput, NotFound
from recourse.domain.roles import Role
from recourse.i18n import N_, Words
from recourse.services import disputes, evidence
from recourse.services.evidence import LIMITS
from recourse.services.options import OrderOption, order_options
from recourse.texts import blocker_message
from recourse.web import language
from recourse.web.deps import check_csrf, flash
from recourse.web.errors import status_for
from recourse.web.pages.common import form_fields, see_other
from recourse.web.pages.shared.present_disputes import (
    dispute_form_error,
    dispute_url,
    dispute_words,
    read_dispute,
    type_label,
)
from recourse.web.pages.shared.present_refunds import amount_example, refund_card
from recourse.web.pages.shared.return_forms import on_the_form
from recourse.web.pages.support.refunds import parse_amount
from recourse.web.templating import local_time, render
from recourse.web.uploads import read_files, upload_form

# The guide's paths a dispute page takes as forms (the dispute's id is among their facts).
DISPUTE_PATHS = frozenset(
    {"accept_proposal", "escalate", "withdraw_dispute", "appeal", "respond_dispute"}
)

SUBJECTS = ("cancellation_id", "return_id", "refund_id")

DONE = {
    "accept": N_("You accepted the other side's proposal. It is being carried out."),
    "respond-accept": N_("You accepted the buyer's request. It is being carried out."),
    "respond-counter": N_("Your counter-proposal was sent. The buyer has been told."),
    "propose": N_("Your new proposal was sent. The seller has been told."),
    "escalate": N_("The dispute is with support now. Both sides have been told."),
    "withdraw": N_("You withdrew the dispute."),
    "appeal": N_("Your appeal was sent. A different support agent decides it."),
    "answer-info": N_("Thank you. Support has your answer."),
    "evidence": N_("The files were added to the dispute."),
}


def guide(c: Container, user: User, order_id: int) -> list[OrderOption]:
    return list(order_options(c.uow(), c.ctx, user.actor(), order_id).options)


def dispute_actions(found: list[OrderOption], dispute_id: int) -> frozenset[str]:
    """The dispute paths the guide opens to the reader on this dispute."""
    return frozenset(
        str(o.option.path)
        for o in found
        if o.option.open
        and str(o.option.path) in DISPUTE_PATHS
        and o.option.facts.get("dispute_id") in (None, dispute_id)
    )


@dataclass(frozen=True, slots=True)
class TypeChoice:
    """One kind of dispute on the open form: a radio button when its window is open, else
    why not and from or until when."""

    value: str
    type: str
    label: str
    open: bool
    closes: str | None
    blocker: str | None
    opens: str | None


def _choice_value(option: Any) -> str:
    type_ = str(option.facts.get("type", ""))
    subject = next((option.facts[k] for k in SUBJECTS if option.facts.get(k) is not None), None)
    return f"{type_}:{subject}" if subject is not None else type_


def type_choices(found: list[OrderOption], words: Words, tz: str) -> list[TypeChoice]:
    """The guide's `open_dispute` paths: the open ones first, then the closed ones."""
    choices = []
    for o in found:
        option = o.option
        if str(option.path) != "open_dispute" or not option.facts.get("type"):
            continue
        choices.append(
            TypeChoice(
                value=_choice_value(option),
                type=str(option.facts["type"]),
                label=type_label(str(option.facts["type"]), words),
                open=option.open,
                closes=local_time(words, option.closes_at, tz) if option.closes_at else None,
                blocker=blocker_message(option.blocker, option.facts, words)
                if option.blocker
                else None,
                opens=local_time(words, option.opens_at, tz) if option.opens_at else None,
            )
        )
    return sorted(choices, key=lambda x: not x.open)


def parse_choice(value: str) -> tuple[str, dict[str, int | None]]:
    """A type radio's value (`type` or `type:case id`) as the type and the case it names."""
    type_, _, subject = value.partition(":")
    if not type_:
        raise InvalidInput("type", "dispute.type_choice")
    named: dict[str, int | None] = dict.fromkeys(SUBJECTS)
    if subject:
        if not subject.isdigit():
            raise InvalidInput("type", "dispute.type_choice")
        key = {
            "cancellation_refused": "cancellation_id",
            "return_refused": "return_id",
            "refund_not_received": "refund_id",
        }.get(type_)
        if key is not None:
            named[key] = int(subject)
    return type_, named


def amount_of(fields: dict[str, str], wanted: str | None, currency: str) -> int | None:
    """The amount typed for a partial refund, in minor units (none for other wants)."""
    if wanted != "partial_refund":
        return None
    return parse_amount(fields.get("amount", ""), currency)


def text_of(fields: dict[str, str], name: str) -> str | None:
    return fields.get(name, "").strip() or None


def keep_files(
    c: Container, user: User, order_id: int, files: list[tuple[str, bytes]]
) -> list[int]:
    """T6: the photos or PDFs kept first (checked by their content, all or nothing)."""
    if not files:
        return []
    stored = evidence.upload(c.uow(), c.ctx, actor=user.actor(), order_id=order_id, files=files)
    return [f.id for f in stored]


def perform(
    c: Container,
    user: User,
    order_id: int,
    dispute_id: int,
    action: str,
    fields: dict[str, str],
    files: list[tuple[str, bytes]],
) -> str:
    """Run the action's use case; the message to flash."""
    detail, _ = read_dispute(c, user, order_id, dispute_id)
    currency = detail.order.currency
    common: dict[str, Any] = {"actor": user.actor(), "dispute_id": dispute_id}
    done = action
    match action:
        case "accept":
            disputes.accept_proposal(c.uow(), c.ctx, **common)
        case "respond":
            answer = fields.get("answer", "")
            if answer not in ("accept", "counter"):
                raise InvalidInput("answer", "dispute.respond_choice")
            wanted = fields.get("wanted") or None if answer == "counter" else None
            if answer == "counter" and wanted is None:
                raise InvalidInput("wanted", "dispute.counter_choice")
            amount = amount_of(fields, wanted, currency)
            disputes.respond(
                c.uow(),
                c.ctx,
                **common,
                action=answer,
                wanted=wanted,
                amount=amount,
                note=text_of(fields, "note"),
                file_ids=keep_files(c, user, order_id, files) if answer == "counter" else (),
            )
            done = f"respond-{answer}"
        case "propose":
            wanted = fields.get("wanted", "")
            if not wanted:
                raise InvalidInput("wanted", "dispute.wanted_choice")
            amount = amount_of(fields, wanted, currency)
            disputes.propose(
                c.uow(),
                c.ctx,
                **common,
                wanted=wanted,
                amount=amount,
                note=text_of(fields, "note"),
                file_ids=keep_files(c, user, order_id, files),
            )
        case "escalate":
            disputes.escalate(c.uow(), c.ctx, **common)
        case "withdraw":
            disputes.withdraw(c.uow(), c.ctx, **common)
        case "appeal":
            disputes.appeal(c.uow(), c.ctx, **common, reason=text_of(fields, "reason"))
        case "answer-info":
            request_id = fields.get("request_id", "")
            if not request_id.isdigit():
                raise NotFound("dispute.info_request_not_found", field="answer")
            disputes.answer_info(
                c.uow(),
                c.ctx,
                **common,
                request_id=int(request_id),
                answer=text_of(fields, "answer"),
                file_ids=keep_files(c, user, order_id, files),
            )
        case "evidence":
            file_ids = keep_files(c, user, order_id, files)
            if not file_ids:
                raise InvalidInput("files", "dispute.files_needed")
            disputes.add_evidence(c.uow(), c.ctx, **common, file_ids=file_ids)
        case _:
            raise NotFound("page.not_found")
    return DONE[done]


async def post_action(
    request: Request,
    c: Container,
    user: User,
    order_id: int,
    dispute_id: int,
    action: str,
    *,
    audience: str,
) -> Response:
    """A dispute form posted (with or without files): the action, then back to the dispute's
    page with a flash; an error comes back on the page next to its field."""
    fields: dict[str, str] = {}
    try:
        form = await upload_form(request)
        fields = await form_fields(request)
        check_csrf(request, fields.get("csrf_token"))
        files = await read_files(form)
        message = await run_in_threadpool(
            perform, c, user, order_id, dispute_id, action, fields, files
        )
    except DomainError as error:
        if not on_the_form(error):
            raise
        return await run_in_threadpool(
            show_dispute,
            request,
            c,
            user,
            order_id,
            dispute_id,
            audience=audience,
            form=fields,
            error=error,
            action=action,
        )
    flash(request, language.words(request)._(message))
    return see_other(dispute_url(audience, order_id, dispute_id))


def show_dispute(
    request: Request,
    c: Container,
    user: User,
    order_id: int,
    dispute_id: int,
    *,
    audience: str,
    form: dict[str, str] | None = None,
    error: DomainError | None = None,
    action: str | None = None,
) -> Response:
    """One dispute's page for the buyer or a seller (`disputes/<audience>_dispute.html`), with
    the form sent back and its error when there is one."""
    detail, d = read_dispute(c, user, order_id, dispute_id)
    context = page_context(
        request, c, user, detail, d, audience=audience, form=form, error=error, action=action
    )
    return render(
        request,
        f"disputes/{audience}_dispute.html",
        context,
        status_code=status_for(error) if error is not None else 200,
    )


def page_context(
    request: Request,
    c: Container,
    user: User,
    detail: OrderDetail,
    view: DisputeView,
    *,
    audience: str,
    form: dict[str, str] | None = None,
    error: DomainError | None = None,
    action: str | None = None,
) -> dict[str, Any]:
    """Everything one dispute's page shows for a party: the dispute worded, its files, the
    refunds it made, the forms the guide opens, and the form sent back with an error."""
    words = language.words(request)
    tz = user.timezone or words.tz
    order = detail.order
    now = c.clock.now()
    d = view.dispute
    x = dispute_words(d, audience=audience, currency=order.currency, words=words, tz=tz, now=now)
    with c.read_session() as session:
        made = [
            r for r in refund_queries.refunds_of_order(session, order.id) if r.id in view.refund_ids
        ]
    today = now.astimezone(ZoneInfo(tz)).date()
    role = Role.seller if audience == "seller" else Role.buyer
    sentence, field = dispute_form_error(error, words)
    return {
        "user": user,
        "detail": detail,
        "x": x,
        "files": view.files,
        "refunds": [refund_card(r, role, today, words) for r in made],
        "actions": dispute_actions(guide(c, user, order.id), d.id),
        "form": dict(form or {}),
        "action": action,
        "error": sentence,
        "field": field,
        "order_url": f"/seller/orders/{order.id}"
        if audience == "seller"
        else f"/orders/{order.id}",
        "amount_example": amount_example(order.currency),
        "limits": LIMITS,
        "currency": order.currency,
    }
