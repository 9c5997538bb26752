"""M1/S1, the buyer's side: the order's conversation (`/orders/{id}/messages`), writing in it
with photos attached, and asking the seller to stop a parcel still going out
(`/orders/{id}/messages/intercept`)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from recourse.web.deps import ContainerDep
from recourse.web.pages.buyer.cancellations import BuyerUser
from recourse.web.pages.common import FormFields
from recourse.web.pages.shared.present_conversation import (
    ask_from_page,
    conversation_page,
    post_from_page,
)
from recourse.web.routers import page_router

router = page_router()


@router.get("/orders/{order_id}/messages")
def messages_page(request: Request, order_id: int, user: BuyerUser, c: ContainerDep) -> Response:
    response: Response = conversation_page(request, c, user, order_id, "buyer")
    return response


@router.post("/orders/{order_id}/messages")
async def send_message(
    request: Request, order_id: int, user: BuyerUser, c: ContainerDep
) -> Response:
    response: Response = await post_from_page(request, c, user, order_id, "buyer")
    return response


@router.post("/orders/{order_id}/messages/intercept")
def ask_intercept(
    request: Request, order_id: int, user: BuyerUser, c: ContainerDep, form: FormFields
) -> Response:
    response: Response = ask_from_page(request, c, user, order_id, form)
    return response
