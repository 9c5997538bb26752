"""M1/S1 on the pages: the order's conversation for the buyer, the store's sellers and support
(read-only), worded for the viewer — authors, times in their zone, attachments, intercept
requests with their outcome — and the forms each may use now (the guide decides whether the
buyer may ask to stop a parcel; a waiting request gives the seller the answer form). Opening
the page marks the thread read. `order_conversation()` gives the order pages their link with
the unread count."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from jinja2 import pass_context
from jinja2.runtime import Context as TemplateContext
from starlette.concurrency import run_in_threadpool

from recourse.container import Container
from recourse.db.queries import conversation as q
from recourse.db.queries.conversation import InterceptView, MessageView
from recourse.domain.accounts import User
from recourse.domain.conversation import BODY_MAX, NOTE_MAX
from recourse.domain.errors import DomainError, NotFound
from recourse.domain.evidence import EvidenceLimits
from recourse.domain.roles import Role
from recourse.i18n import N_, Words
from recourse.services import conversation, evidence
from recourse.services.options import order_options
from recourse.texts import blocker_message, error_message
from recourse.texts.conversation import PATH_LABELS
from recourse.web.deps import check_csrf, flash
from recourse.web.errors import status_for
from recourse.web.language import words as words_of
from recourse.web.pages.common import see_other
from recourse.web.pages.shared.cancellation_forms import read_order
from recourse.web.templating import local_time, render, templates
from recourse.web.uploads import read_files, upload_form

SENT = N_("Message sent.")
ASKED = N_("Your request to stop the parcel was sent to the seller.")
ANSWERED = N_("Your answer was sent to the buyer.")
HELP = "messages-and-stopping-a-parcel"

_AUTHOR = {
    "buyer": N_("Buyer"),
    "seller": N_("Seller"),
    "support": N_("Support"),
}


@dataclass(frozen=True, slots=True)
class MessageRow:
    id: int
    author: str
    role: str
    mine: bool
    new: bool
    kind: str
    body: str
    at: str
    at_iso: str
    files: list[Any]
    intercept: InterceptView | None
    """For a request: the request as it stands now; for an answer: the request it answers."""


def base_url(audience: str, order_id: int) -> str:
    prefix = {"seller": "/seller", "support": "/support"}.get(audience, "")
    return f"{prefix}/orders/{order_id}"


def _rows(
    messages: list[MessageView],
    intercepts: dict[int, InterceptView],
    *,
    user: User,
    last_read: int,
    words: Words,
    tz: str | None,
) -> list[MessageRow]:
    answered = {i.answer_message_id: i for i in intercepts.values() if i.answer_message_id}
    rows = []
    for m in messages:
        role_word = words._(_AUTHOR.get(m.author_role, m.author_role))
        mine = m.author_id == user.id
        rows.append(
            MessageRow(
                id=m.id,
                author=f"{m.author_name} ({role_word})" if m.author_name else role_word,
                role=m.author_role,
                mine=mine,
                new=m.id > last_read and m.author_role != str(user.role),
                kind=m.kind,
                body=m.body,
                at=local_time(words, m.created_at, tz),
                at_iso=m.created_at.isoformat(),
                files=m.files,
                intercept=intercepts.get(m.id) or answered.get(m.id),
            )
        )
    return rows


def conversation_page(
    request: Request,
    c: Container,
    user: User,
    order_id: int,
    audience: str,
    *,
    form: dict[str, str] | None = None,
    error: DomainError | None = None,
) -> Any:
    """The thread, the forms the viewer may use, and the read mark moved to the last message
    (opening the page reads it)."""
    detail = read_order(c, user, order_id)
    actor = user.actor()
    who = conversation.reader(c.uow(), c.ctx, actor=actor, order_id=order_id)
    words = words_of(request)
    tz = user.timezone or words.tz
    with c.read_session() as session:
        last_read = q.last_read(session, order_id, user.id)
        thread = q.thread(session, order_id)
    last_id = thread.messages[-1].id if thread.messages else 0
    if last_id > last_read:
        conversation.mark_read(c.uow(), c.ctx, actor=actor, order_id=order_id, up_to=last_id)
    ask = answer = None
    if audience in ("buyer", "seller"):
        found = order_options(c.uow(), c.ctx, actor, order_id).options
        by_path = {str(o.option.path): o.option for o in found}
        ask = by_path.get("ask_intercept")
        answer = by_path.get("answer_intercept")
    ask_blocker = (
        blocker_message(ask.blocker, ask.facts, words)
        if ask is not None and ask.blocker and ask.blocker != "intercept_waiting"
        else None
    )
    field = str(error.facts.get("field")) if error is not None and "field" in error.facts else None
    return render(
        request,
        "conversation/thread.html",
        {
            "user": user,
            "detail": detail,
            "audience": audience,
            "order_url": base_url(audience, order_id),
            "action": f"{base_url(audience, order_id)}/messages",
            "rows": _rows(
                thread.messages,
                thread.intercepts,
                user=user,
                last_read=last_read,
                words=words,
                tz=tz,
            ),
            "may_post": who.may_post,
            "waiting": thread.waiting,
            "ask_open": ask is not None and ask.open,
            "ask_blocker": ask_blocker,
            "ask_label": words._(PATH_LABELS["ask_intercept"]),
            "answer_open": answer is not None and answer.open,
            "form": form or {},
            "error": error_message(error, words) if error is not None else None,
            "field": field,
            "body_max": BODY_MAX,
            "note_max": NOTE_MAX,
            "max_files": EvidenceLimits().max_files,
            "help_slug": HELP,
        },
        status_code=status_for(error) if error is not None else 200,
    )


def _send(c: Container, user: User, order_id: int, body: str, files: list[Any]) -> None:
    ids: list[int] = []
    if files:
        stored = evidence.upload(c.uow(), c.ctx, actor=user.actor(), order_id=order_id, files=files)
        ids = [f.id for f in stored]
    conversation.post_message(
        c.uow(), c.ctx, actor=user.actor(), order_id=order_id, body=body, file_ids=ids
    )


async def post_from_page(
    request: Request, c: Container, user: User, order_id: int, audience: str
) -> Any:
    """The message form (multipart: `body`, `files`): files are kept first, then the message
    names them; a refusal shows the page again with the text kept."""
    fields: dict[str, str] = {}
    try:
        form = await upload_form(request)
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        check_csrf(request, fields.get("csrf_token"))
        files = await read_files(form)
        await run_in_threadpool(_send, c, user, order_id, fields.get("body", ""), files)
    except NotFound as error:
        if error.facts.get("field"):
            return await run_in_threadpool(
                conversation_page, request, c, user, order_id, audience, form=fields, error=error
            )
        raise
    except DomainError as error:
        return await run_in_threadpool(
            conversation_page, request, c, user, order_id, audience, form=fields, error=error
        )
    flash(request, words_of(request)._(SENT))
    return see_other(f"{base_url(audience, order_id)}/messages#message-form")


def ask_from_page(
    request: Request, c: Container, user: User, order_id: int, form: dict[str, str]
) -> Any:
    try:
        check_csrf(request, form.get("csrf_token"))
        conversation.request_intercept(
            c.uow(), c.ctx, actor=user.actor(), order_id=order_id, note=form.get("note")
        )
    except NotFound:
        raise
    except DomainError as error:
        return conversation_page(request, c, user, order_id, "buyer", form=form, error=error)
    flash(request, words_of(request)._(ASKED))
    return see_other(f"/orders/{order_id}/messages")


def answer_from_page(
    request: Request,
    c: Container,
    user: User,
    order_id: int,
    request_id: int,
    form: dict[str, str],
) -> Any:
    try:
        check_csrf(request, form.get("csrf_token"))
        conversation.answer_intercept(
            c.uow(),
            c.ctx,
            actor=user.actor(),
            order_id=order_id,
            request_id=request_id,
            outcome=form.get("outcome", ""),
            note=form.get("note"),
        )
    except NotFound:
        raise
    except DomainError as error:
        return conversation_page(request, c, user, order_id, "seller", form=form, error=error)
    flash(request, words_of(request)._(ANSWERED))
    return see_other(f"/seller/orders/{order_id}/messages")


@dataclass(frozen=True, slots=True)
class ConversationLink:
    href: str
    unread: int


@pass_context
def order_conversation(context: TemplateContext) -> ConversationLink | None:
    """The order page's link to its conversation, with the viewer's unread count."""
    user = context.get("user")
    request = context.get("request")
    detail = context.get("detail")
    if user is None or request is None or detail is None:
        return None
    role = user.role
    if role not in (Role.buyer, Role.seller, Role.support):
        return None
    order_id = detail.order.id
    c: Container = request.app.state.container
    with c.read_session() as session:
        unread = q.unread_count(session, order_id, user_id=user.id, role=str(role))
    return ConversationLink(f"{base_url(str(role), order_id)}/messages", unread)


templates.env.globals["order_conversation"] = order_conversation


@pass_context
def order_unread_counts(context: TemplateContext, rows: list[Any]) -> dict[int, int]:
    """For an order list: each listed order's unread messages for the viewer (absent when
    none), in one grouped query. `rows` are the list's rows (`row.order.id`)."""
    user = context.get("user")
    request = context.get("request")
    if user is None or request is None or user.role not in (Role.buyer, Role.seller):
        return {}
    c: Container = request.app.state.container
    with c.read_session() as session:
        return q.unread_counts(
            session, [row.order.id for row in rows], user_id=user.id, role=str(user.role)
        )


templates.env.globals["order_unread_counts"] = order_unread_counts
