"""H1: "what can I do now?" on an order (§8, §12)."""

from __future__ import annotations

from fastapi import Request

from recourse.services.options import order_options
from recourse.web import language
from recourse.web.api.fields import Id
from recourse.web.api.responses.options import OrderOptionsOut
from recourse.web.deps import ApiActor, ContainerDep
from recourse.web.routers import api_router

router = api_router("options")


@router.get("/orders/{order_id}/options")
def get_options(
    order_id: Id, actor: ApiActor, c: ContainerDep, request: Request
) -> OrderOptionsOut:
    """Every path for the caller on this order now — open or closed, why (a code, a sentence in
    the reader's language and its facts), when it opens or closes, what to do instead and the
    help article; for the buyer's open cancel paths the refund and when it should arrive. Read
    after what a passed deadline decided (§10); someone else's order is not found."""
    found = order_options(c.uow(), c.ctx, actor, order_id)
    return OrderOptionsOut.of(found, language.words(request))
