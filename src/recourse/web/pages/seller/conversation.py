"""M1/S1, the seller's side: the order's conversation (`/seller/orders/{id}/messages`),
writing in it, and answering the buyer's request to stop a parcel
(`/seller/orders/{id}/messages/intercept/{request_id}/answer`)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from recourse.web.deps import ContainerDep
from recourse.web.pages.common import FormFields, SellerUser
from recourse.web.pages.shared.present_conversation import (
    answer_from_page,
    conversation_page,
    post_from_page,
)
from recourse.web.routers import page_router

router = page_router()


@router.get("/seller/orders/{order_id}/messages")
def messages_page(request: Request, order_id: int, user: SellerUser, c: ContainerDep) -> Response:
    response: Response = conversation_page(request, c, user, order_id, "seller")
    return response


@router.post("/seller/orders/{order_id}/messages")
async def send_message(
    request: Request, order_id: int, user: SellerUser, c: ContainerDep
) -> Response:
    response: Response = await post_from_page(request, c, user, order_id, "seller")
    return response


@router.post("/seller/orders/{order_id}/messages/intercept/{request_id}/answer")
def answer_intercept(
    request: Request,
    order_id: int,
    request_id: int,
    user: SellerUser,
    c: ContainerDep,
    form: FormFields,
) -> Response:
    response: Response = answer_from_page(request, c, user, order_id, request_id, form)
    return response
