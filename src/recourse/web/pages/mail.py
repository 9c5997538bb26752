"""The demo mailbox: the email Recourse would have sent, readable in the browser.

Only there when no SMTP server is configured. Buyers and sellers read their own mail;
support reads everyone's.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from recourse.domain.accounts import User
from recourse.domain.errors import NotFound
from recourse.domain.roles import Role
from recourse.integrations.mail import FileMailbox
from recourse.web.deps import ContainerDep, PageUser
from recourse.web.routers import page_router
from recourse.web.templating import render

router = page_router("/mail")


def _mailbox(c: ContainerDep) -> FileMailbox:
    if c.mailbox is None:
        raise NotFound("page.mailbox_off")
    return c.mailbox


def _addressed_to(message: dict[str, Any], user: User) -> bool:
    """The address it was delivered to, exactly: a@example.com never reads mail for
    aa@example.com, and a name in the To header that looks like an address counts for nothing."""
    if user.role is Role.support:
        return True
    return user.email.lower() in message["delivered_to"]


def _sent_at(message: dict[str, Any]) -> datetime | None:
    try:
        return parsedate_to_datetime(str(message["date"]))
    except (TypeError, ValueError):
        return None


@router.get("")
def inbox(request: Request, user: PageUser, c: ContainerDep) -> Response:
    mailbox = _mailbox(c)
    wanted = None if user.role is Role.support else user.email
    messages = [
        {**m, "sent_at": _sent_at(m)} for m in mailbox.list(to=wanted) if _addressed_to(m, user)
    ]
    return render(request, "mail/inbox.html", {"user": user, "messages": messages})


@router.get("/{key}")
def message(request: Request, key: str, user: PageUser, c: ContainerDep) -> Response:
    found = _mailbox(c).get(key)
    if found is None or not _addressed_to(found, user):
        raise NotFound("page.no_message")
    return render(
        request,
        "mail/message.html",
        {"user": user, "message": {**found, "sent_at": _sent_at(found)}},
    )
