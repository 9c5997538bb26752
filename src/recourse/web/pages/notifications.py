"""Notifications (M2): the unread count in every page's header, the list, and reading them."""

from __future__ import annotations

from dataclasses import replace

from fastapi import Request
from fastapi.responses import Response
from jinja2 import pass_context
from jinja2.runtime import Context as TemplateContext

from recourse.container import Container
from recourse.db.queries import notifications as notification_queries
from recourse.domain.errors import NotFound
from recourse.i18n import Words
from recourse.services import notifications
from recourse.texts.notifications import notice
from recourse.web import language
from recourse.web.deps import ContainerDep, PageUser, ReadSession, check_csrf, flash
from recourse.web.pages.common import FormFields, optional_int, query_string, safe_next, see_other
from recourse.web.routers import page_router
from recourse.web.templating import render, templates

router = page_router("/notifications")

PER_PAGE = 20
HOME = "/notifications"


@pass_context
def unread_notifications(context: TemplateContext) -> int:
    """The header's badge: counted only when a page for a signed-in user is rendered, so
    redirects and API calls never pay for it."""
    user = context.get("user")
    request = context.get("request")
    if user is None or request is None:
        return 0
    c: Container = request.app.state.container
    with c.read_session() as session:
        return notification_queries.unread_count(session, int(user.id))


templates.env.globals["unread_notifications"] = unread_notifications


def worded(
    items: list[notification_queries.NotificationView], words: Words
) -> list[notification_queries.NotificationView]:
    """Each notification's title and body in the reader's words, from its kind and facts; a row
    stored with its text reads as stored."""
    shown = []
    for item in items:
        title, body = notice(item.kind, item.params, words, title=item.title, body=item.body)
        shown.append(replace(item, title=title, body=body))
    return shown


@router.get("")
def my_notifications(
    request: Request,
    user: PageUser,
    session: ReadSession,
    cursor: str | None = None,
) -> Response:
    items, next_cursor = notification_queries.notifications_of(
        session, user.id, cursor=optional_int(cursor, "cursor"), limit=PER_PAGE
    )
    return render(
        request,
        "notifications/list.html",
        {
            "user": user,
            "items": worded(items, language.words(request)),
            # "Mark all as read" covers what this page shows and older, never what arrived since.
            "up_to": items[0].id if items and not cursor else None,
            "older": query_string(cursor=next_cursor) if next_cursor else None,
            "newest": "" if cursor else None,
        },
    )


@router.post("/read-all")
def read_all(request: Request, user: PageUser, c: ContainerDep, form: FormFields) -> Response:
    check_csrf(request, form.get("csrf_token"))
    marked = notifications.mark_all_read(
        c.uow(), c.ctx, actor=user.actor(), up_to_id=optional_int(form.get("up_to"), "up_to")
    )
    flash(
        request,
        language.words(request).ngettext(
            "Marked %(num)d notification as read.",
            "Marked %(num)d notifications as read.",
            marked,
        ),
    )
    return see_other(HOME)


@router.post("/{notification_id}/read")
def read_one(
    request: Request,
    notification_id: int,
    user: PageUser,
    c: ContainerDep,
    session: ReadSession,
    form: FormFields,
) -> Response:
    """Mark it read and open what it is about, so one click does both."""
    check_csrf(request, form.get("csrf_token"))
    found = notification_queries.notification(session, user.id, notification_id)
    if found is None:
        raise NotFound("notification_not_found", notification_id=notification_id)
    notifications.mark_read(c.uow(), c.ctx, actor=user.actor(), notification_id=notification_id)
    return see_other(safe_next(found.link) or HOME)
