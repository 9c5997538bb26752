"""§5 the sellers' disputes: the list (`/seller/disputes`: open disputes of their stores, the
soonest deadline first) and one dispute's page (`/seller/orders/{id}/disputes/{dispute_id}`)
with the answers as forms: accept the buyer's request or counter (a partial refund with its
amount, or a return and refund; a note and evidence), accept the buyer's latest proposal, ask
support to decide, answer support's questions, appeal a decision (D3-D6)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from recourse.container import Container
from recourse.domain.accounts import User
from recourse.web import language
from recourse.web.deps import ContainerDep
from recourse.web.pages.common import SellerUser
from recourse.web.pages.shared.dispute_forms import post_action, show_dispute
from recourse.web.pages.shared.dispute_rows import seller_disputes
from recourse.web.routers import page_router
from recourse.web.templating import render

router = page_router("/seller")


@router.get("/disputes")
def disputes_list(request: Request, user: SellerUser, c: ContainerDep) -> Response:
    """Every open dispute of the seller's stores, the one whose deadline comes first on top."""
    words = language.words(request)
    return render(
        request,
        "disputes/seller_disputes.html",
        {"user": user, "rows": seller_disputes(c, user.store_ids, words), "now": c.clock.now()},
    )


@router.get("/orders/{order_id}/disputes/{dispute_id}")
def dispute_page(
    request: Request, order_id: int, dispute_id: int, user: SellerUser, c: ContainerDep
) -> Response:
    return show_dispute(request, c, user, order_id, dispute_id, audience="seller")


async def _act(
    request: Request, c: Container, user: User, order_id: int, dispute_id: int, action: str
) -> Response:
    return await post_action(request, c, user, order_id, dispute_id, action, audience="seller")


@router.post("/orders/{order_id}/disputes/{dispute_id}/respond")
async def respond(
    request: Request, order_id: int, dispute_id: int, user: SellerUser, c: ContainerDep
) -> Response:
    return await _act(request, c, user, order_id, dispute_id, "respond")


@router.post("/orders/{order_id}/disputes/{dispute_id}/accept")
async def accept(
    request: Request, order_id: int, dispute_id: int, user: SellerUser, c: ContainerDep
) -> Response:
    return await _act(request, c, user, order_id, dispute_id, "accept")


@router.post("/orders/{order_id}/disputes/{dispute_id}/escalate")
async def escalate(
    request: Request, order_id: int, dispute_id: int, user: SellerUser, c: ContainerDep
) -> Response:
    return await _act(request, c, user, order_id, dispute_id, "escalate")


@router.post("/orders/{order_id}/disputes/{dispute_id}/appeal")
async def appeal(
    request: Request, order_id: int, dispute_id: int, user: SellerUser, c: ContainerDep
) -> Response:
    return await _act(request, c, user, order_id, dispute_id, "appeal")


@router.post("/orders/{order_id}/disputes/{dispute_id}/answer-info")
async def answer_info(
    request: Request, order_id: int, dispute_id: int, user: SellerUser, c: ContainerDep
) -> Response:
    return await _act(request, c, user, order_id, dispute_id, "answer-info")


@router.post("/orders/{order_id}/disputes/{dispute_id}/evidence")
async def add_evidence(
    request: Request, order_id: int, dispute_id: int, user: SellerUser, c: ContainerDep
) -> Response:
    return await _act(request, c, user, order_id, dispute_id, "evidence")
