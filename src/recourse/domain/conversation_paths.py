"""H1 for the order's conversation (M1) and intercept requests (S1): the buyer's
`message_seller` and the seller's `message_buyer`, always open to the order's parties; the
buyer's `ask_intercept` — open while a parcel is still going out and no request waits, closed
with why otherwise — and the seller's `answer_intercept`, open while a request waits."""

from __future__ import annotations

from collections.abc import Sequence

from recourse.domain.conversation import intercept_blocker, is_buyer, is_seller
from recourse.domain.options import Option, PathName, Situation

HELP = "messages-and-stopping-a-parcel"


def _ask_intercept(situation: Situation) -> Option:
    blocker = intercept_blocker(situation.parcels, waiting_request=situation.intercept_request)
    if blocker is None:
        return Option(PathName.ask_intercept, open=True, help=HELP)
    code, facts = blocker
    return Option(PathName.ask_intercept, open=False, blocker=code, facts=facts, help=HELP)


def _answer_intercept(situation: Situation) -> Option:
    request_id = situation.intercept_request
    if request_id is None:
        return Option(
            PathName.answer_intercept, open=False, blocker="no_intercept_request", help=HELP
        )
    return Option(PathName.answer_intercept, open=True, facts={"request_id": request_id}, help=HELP)


def conversation_paths(situation: Situation) -> Sequence[Option]:
    """The order's buyer: `message_seller`, `ask_intercept`; the store's sellers:
    `message_buyer`, `answer_intercept`; nobody else has any."""
    viewer, order = situation.viewer, situation.order
    if is_buyer(viewer, buyer_id=order.buyer_id):
        return (Option(PathName.message_seller, open=True, help=HELP), _ask_intercept(situation))
    if is_seller(viewer, store_id=order.store_id):
        return (Option(PathName.message_buyer, open=True, help=HELP), _answer_intercept(situation))
    return ()
