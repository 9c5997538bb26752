"""M1, support's side: every order's conversation, to read (`/support/orders/{id}/messages`);
support writes in it once a dispute is escalated."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from recourse.web.deps import ContainerDep
from recourse.web.pages.common import SupportUser
from recourse.web.pages.shared.present_conversation import conversation_page
from recourse.web.routers import page_router

router = page_router()


@router.get("/support/orders/{order_id}/messages")
def messages_page(request: Request, order_id: int, user: SupportUser, c: ContainerDep) -> Response:
    response: Response = conversation_page(request, c, user, order_id, "support")
    return response
