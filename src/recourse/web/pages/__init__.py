"""Server-rendered pages: buyer/, seller/ and support/ hold one module per capability each;
shared/ what several audiences use; auth, mail and notifications serve every audience."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from recourse.web.deps import MaybeUser
from recourse.web.pages import auth, buyer, files, mail, notifications, seller, support
from recourse.web.pages import help as help_pages
from recourse.web.pages.shared import tickets as ticket_forms
from recourse.web.pages.support import tickets as ticket_queue


def remember_user(request: Request, user: MaybeUser) -> None:
    """Error pages rendered after a handler gave up still show who is signed in."""
    request.state.user = user


router = APIRouter(include_in_schema=False, dependencies=[Depends(remember_user)])
router.include_router(auth.router)
router.include_router(buyer.router)
router.include_router(seller.router)
router.include_router(support.router)
router.include_router(mail.router)
router.include_router(notifications.router)
router.include_router(files.router)
router.include_router(help_pages.router)
router.include_router(ticket_forms.router)
router.include_router(ticket_queue.router)
