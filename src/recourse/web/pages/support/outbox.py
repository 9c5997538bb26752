"""Support's dead letters: messages the worker gave up on, and sending one again."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from recourse.db import outbox
from recourse.domain.errors import NotFound
from recourse.web.deps import ContainerDep, check_csrf, flash
from recourse.web.language import words
from recourse.web.pages.common import FormFields, SupportUser, see_other
from recourse.web.routers import page_router
from recourse.web.templating import render

router = page_router("/support")


@router.get("/outbox")
def dead_letters(request: Request, user: SupportUser, c: ContainerDep) -> Response:
    return render(
        request,
        "outbox/support_dead_letters.html",
        {"user": user, "messages": outbox.dead_letters(c.engine)},
    )


@router.post("/outbox/{message_id}/retry")
def retry(
    request: Request, message_id: int, user: SupportUser, c: ContainerDep, form: FormFields
) -> Response:
    check_csrf(request, form.get("csrf_token"))
    if not outbox.retry_dead_letter(c.engine, message_id, c.clock.now()):
        raise NotFound("page.no_dead_letter", message_id=message_id)
    flash(request, words(request)._("Message %(id)s will be delivered again.", id=message_id))
    return see_other("/support/outbox")
