"""H1 for buyer returns (R1-R4): the buyer's `return_items` (open on a delivered order with
units that can still go back, until the remorse window's end or, for not-as-described
reasons, the end of protection), and while a return is open `withdraw_return`, `ship_return`
(until `ship_by`) and `answer_offer` (until `offer_answer_by`); the store's sellers'
`answer_return` (until `respond_by`) and `receive_return` (until `refund_by`). Each is asked
of the same rules the actions apply, so a path is open exactly when the action would pass."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from recourse.domain.options import Option, PathName, Situation
from recourse.domain.order import OrderStatus, derive_status
from recourse.domain.refund import RefundedSoFar, RefundQuote
from recourse.domain.return_rules import quote_buyer_return, returnable_units, window_ends_at
from recourse.domain.returns import ReasonCategory, Return, ReturnKind, ReturnStatus
from recourse.domain.roles import Role

HELP = "returning-an-item"
COSTS = "what-a-return-costs"

PATH_HELP: Mapping[PathName, str] = {
    PathName.return_items: HELP,
    PathName.withdraw_return: HELP,
    PathName.ship_return: HELP,
    PathName.answer_offer: COSTS,
    PathName.answer_return: HELP,
    PathName.receive_return: HELP,
}

BLOCKER_HELP: Mapping[str, str] = {
    "remorse_not_accepted": COSTS,
}

WITHDRAWABLE = frozenset({ReturnStatus.requested, ReturnStatus.offered, ReturnStatus.approved})


def open_return(situation: Situation) -> Return | None:
    """The order's buyer return still going, if any (one at a time, R1)."""
    return next(
        (r for r in situation.buyer_returns if r.kind is ReturnKind.buyer_return and r.open),
        None,
    )


def _open(path: PathName, closes_at: datetime | None, **facts: object) -> Option:
    return Option(path=path, open=True, closes_at=closes_at, facts=facts, help=PATH_HELP[path])


def _closed(path: PathName, blocker: str, **facts: object) -> Option:
    return Option(
        path=path,
        open=False,
        blocker=blocker,
        facts=facts,
        help=BLOCKER_HELP.get(blocker, PATH_HELP[path]),
    )


def best_category(situation: Situation) -> ReasonCategory | None:
    """R1: the category a return asked now may have — remorse while the store takes it back and
    its window runs, else not-as-described while protection runs, else none."""
    order, now, policy = situation.order, situation.now, situation.policy
    delivered = situation.delivered_at
    if delivered is None:
        return None
    if policy.accepts_remorse_returns and now < window_ends_at(delivered, policy):
        return ReasonCategory.remorse
    ends = order.deadlines.protection_ends_at
    if order.receipt_confirmed_at is None and ends is not None and now < ends:
        return ReasonCategory.not_as_described
    return None


def return_items_quote(situation: Situation, so_far: RefundedSoFar) -> RefundQuote | None:
    """R5/C6: what returning every unit that can still go back would refund, with the category
    the path is open for (remorse first, as the buyer's most likely reason)."""
    category = best_category(situation)
    units = returnable_units(situation.order, situation.buyer_returns)
    if category is None or not units:
        return None
    return quote_buyer_return(
        situation.order, units, so_far, category=category, policy=situation.policy
    )


def _return_items(situation: Situation) -> Option:
    path, order, now = PathName.return_items, situation.order, situation.now
    delivered = situation.delivered_at
    if delivered is None or not any(line.qty.delivered for line in order.lines):
        return _closed(path, "return_nothing_delivered", status=str(derive_status(order, now)))
    current = open_return(situation)
    if current is not None:
        return _closed(
            path, "return_already_open", return_id=current.id, status=str(current.status)
        )
    if not returnable_units(order, situation.buyer_returns):
        return _closed(path, "return_nothing_left")
    category = best_category(situation)
    ends = order.deadlines.protection_ends_at
    if category is None:
        if not situation.policy.accepts_remorse_returns and (
            derive_status(order, now) is not OrderStatus.completed
        ):
            return _closed(path, "remorse_not_accepted")
        closed_at = order.receipt_confirmed_at or ends or now
        return _closed(path, "return_protection_ended", protection_ends_at=closed_at.isoformat())
    window = window_ends_at(delivered, situation.policy)
    remorse = category is ReasonCategory.remorse
    return _open(
        path,
        window if remorse else ends,
        category=str(category),
        window_ends_at=window.isoformat() if situation.policy.accepts_remorse_returns else None,
        protection_ends_at=ends.isoformat() if ends else None,
    )


def _buyer_steps(situation: Situation, r: Return) -> list[Option]:
    options = []
    if r.status in WITHDRAWABLE:
        options.append(_open(PathName.withdraw_return, r.ship_by, return_id=r.id))
    else:
        options.append(_closed(PathName.withdraw_return, "return_on_its_way", return_id=r.id))
    if r.status is ReturnStatus.approved:
        options.append(
            _open(
                PathName.ship_return,
                r.ship_by,
                return_id=r.id,
                return_address=r.return_address,
            )
        )
    else:
        options.append(
            _closed(
                PathName.ship_return,
                "return_not_approved",
                return_id=r.id,
                status=str(r.status),
            )
        )
    if r.status is ReturnStatus.offered and r.offer_amount is not None:
        options.append(
            _open(
                PathName.answer_offer,
                r.offer_answer_by,
                return_id=r.id,
                amount=r.offer_amount,
                currency=situation.order.currency,
            )
        )
    return options


def _seller_steps(r: Return) -> list[Option]:
    if r.status is ReturnStatus.requested:
        answer = _open(PathName.answer_return, r.respond_by, return_id=r.id)
    else:
        answer = _closed(
            PathName.answer_return, "return_answered", return_id=r.id, status=str(r.status)
        )
    if r.status in (ReturnStatus.shipped, ReturnStatus.delivered):
        receive = _open(PathName.receive_return, r.refund_by, return_id=r.id)
    else:
        receive = _closed(
            PathName.receive_return, "return_not_sent", return_id=r.id, status=str(r.status)
        )
    return [answer, receive]


def return_paths(situation: Situation) -> Sequence[Option]:
    """The buyer's return paths on their own order; the store's sellers' while a buyer return
    is open; nobody else has any."""
    viewer, order = situation.viewer, situation.order
    current = open_return(situation)
    if viewer.role is Role.buyer and viewer.user_id == order.buyer_id:
        found = [_return_items(situation)]
        if current is not None:
            found.extend(_buyer_steps(situation, current))
        return found
    if viewer.role is Role.seller and order.store_id in viewer.store_ids and current is not None:
        return _seller_steps(current)
    return ()
