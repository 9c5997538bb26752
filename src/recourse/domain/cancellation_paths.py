"""H1 for cancellations (§3): the buyer's cancel, cancel items and withdraw; the seller's
approve, reject, ship and cancel; support's refund — each open or closed for this viewer now.

Nothing here is a new rule: every path asks the rule the action itself asks
(`buyer_eligibility`, `seller_eligibility`, `check_shipping_allowed`, `request_expired`,
`overdue_autocancel_due`, `refundable`), so a path is open exactly when the action would be
accepted, and a closed path carries the same blocker code and facts the action refuses with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from recourse.domain.cancellation import (
    Alternative,
    Blocker,
    CancellationStatus,
    Eligibility,
    buyer_eligibility,
    every_unshipped_unit,
    overdue_autocancel_at,
    overdue_autocancel_due,
    seller_eligibility,
)
from recourse.domain.cancellation_request import check_shipping_allowed, request_expired
from recourse.domain.errors import RuleConflict
from recourse.domain.options import Option, PathName, Situation
from recourse.domain.order import Order, PaymentStatus
from recourse.domain.policy import PlatformPolicy
from recourse.domain.roles import Role

# The help article (H2) that explains each path.
HELP: Mapping[PathName, str] = {
    PathName.cancel: "cancel-before-shipping",
    PathName.cancel_items: "cancel-some-items",
    PathName.withdraw_request: "seller-does-not-answer",
    PathName.approve_request: "seller-does-not-answer",
    PathName.reject_request: "seller-does-not-answer",
    PathName.ship: "store-policies",
    PathName.cancel_as_seller: "seller-cancels",
    PathName.refund: "refund-timing",
}

# A blocker explained better by another article than its path's.
BLOCKER_HELP: Mapping[str, str] = {
    "request_pending": "seller-does-not-answer",
}

# What an alternative (a blocker's "do this instead") links to when it is no path of its own.
ALTERNATIVE_HELP: Mapping[str, str] = {
    "ask_seller": "messages-and-stopping-a-parcel",
    "refuse_delivery": "refusing-a-delivery",
    "return_after_delivery": "returning-an-item",
}


def _help(path: PathName, blocker: str | None = None) -> str:
    return BLOCKER_HELP.get(blocker or "", HELP[path])


def _closed(path: PathName, blocker: Blocker) -> Option:
    return Option(
        path=path,
        open=False,
        blocker=blocker.code,
        facts=dict(blocker.facts),
        opens_at=blocker.unblocks_at,
        alternatives=tuple(str(a) for a in blocker.alternatives),
        help=_help(path, blocker.code),
    )


def _open(path: PathName, closes_at: datetime | None, **facts: object) -> Option:
    return Option(path=path, open=True, closes_at=closes_at, facts=facts, help=HELP[path])


def cancel_closes_at(order: Order, platform: PlatformPolicy) -> datetime | None:
    """The deadline that ends cancelling an order still to ship: the payment window for an
    unpaid order (C2), the overdue auto-cancel for a paid one (C4)."""
    if order.payment.status is PaymentStatus.captured:
        return overdue_autocancel_at(order, platform)
    if order.payment.status is PaymentStatus.review:
        return None
    return order.deadlines.pay_by


def _eligibility_option(path: PathName, eligibility: Eligibility, s: Situation) -> Option:
    if eligibility.blocker is not None:
        return _closed(path, eligibility.blocker)
    facts: dict[str, object] = {"mode": str(eligibility.mode)}
    if eligibility.respond_by is not None:
        facts["respond_by"] = eligibility.respond_by.isoformat()
    if eligibility.seller_overdue:
        facts["seller_overdue"] = True
    return _open(path, cancel_closes_at(s.order, s.platform), **facts)


def _buyer_eligibility(s: Situation, lines: Mapping[int, int] | None) -> Eligibility:
    return buyer_eligibility(
        s.order,
        now=s.now,
        policy=s.policy,
        platform=s.platform,
        lines=lines,
        pending_request=s.pending is not None,
    )


def _some_units(order: Order) -> dict[int, int] | None:
    """A choice of some, not all, of the units still to ship (one unit fewer than all), or
    None when only one unit is left."""
    units = every_unshipped_unit(order)
    if sum(units.values()) <= 1:
        return None
    last = max(units)
    if units[last] == 1:
        del units[last]
    else:
        units[last] -= 1
    return units


def buyer_paths(s: Situation) -> list[Option]:
    whole = _buyer_eligibility(s, None)
    cancel = _eligibility_option(PathName.cancel, whole, s)
    some = _some_units(s.order)
    if whole.blocker is not None:
        items = _closed(PathName.cancel_items, whole.blocker)
    elif some is None:
        # One unit left: choosing some of it is cancelling the order.
        items = _closed(
            PathName.cancel_items,
            Blocker("single_item_left", alternatives=(Alternative.cancel_whole_order,)),
        )
    else:
        items = _eligibility_option(PathName.cancel_items, _buyer_eligibility(s, some), s)
    return [cancel, items, _withdraw(s)]


def _no_request(path: PathName, audience: str) -> Option:
    return Option(
        path=path,
        open=False,
        blocker="no_request_pending",
        facts={"audience": audience},
        help=HELP[path],
    )


def _request_expired(s: Situation) -> bool:
    assert s.pending is not None
    return request_expired(CancellationStatus.pending_seller, s.pending.respond_by, s.now)


def _answer_closed(path: PathName, s: Situation) -> Option:
    assert s.pending is not None
    respond_by = s.pending.respond_by
    return Option(
        path=path,
        open=False,
        blocker="respond_by_passed",
        facts={"respond_by": respond_by.isoformat() if respond_by else None},
        help=HELP[path],
    )


def _withdraw(s: Situation) -> Option:
    path = PathName.withdraw_request
    if s.pending is None:
        return _no_request(path, "buyer")
    if _request_expired(s):
        return _answer_closed(path, s)
    return _open(path, s.pending.respond_by, request_id=s.pending.id)


def _answer(path: PathName, s: Situation) -> Option:
    if s.pending is None:
        return _no_request(path, "seller")
    if _request_expired(s):
        return _answer_closed(path, s)
    return _open(path, s.pending.respond_by, request_id=s.pending.id)


@dataclass(frozen=True, slots=True)
class _Asked:
    """The pending request as `check_shipping_allowed` reads it."""

    id: int
    respond_by: datetime | None
    units: Mapping[int, int] = field(default_factory=dict)


def _ship(s: Situation) -> Option:
    """C9/C4: something paid is still to ship, before the overdue auto-cancel decides, and not
    only lines the buyer asked to cancel."""
    order = s.order
    path = PathName.ship
    unshipped = every_unshipped_unit(order)
    if not unshipped:
        state = seller_eligibility(order, now=s.now, lines=None, pending_request=False).blocker
        if state is not None and state.code in ("order_cancelled", "order_closed"):
            return _closed(path, state)
        return _closed(path, Blocker("nothing_to_ship"))
    if order.payment.status is not PaymentStatus.captured:
        return _closed(
            path,
            Blocker("payment_not_captured", unblocks_at=order.deadlines.review_until),
        )
    if overdue_autocancel_due(order, s.now, s.platform):
        at = overdue_autocancel_at(order, s.platform)
        return _closed(
            path, Blocker("overdue_autocancelled", {"at": at.isoformat() if at else None})
        )
    if s.pending is not None:
        asked = _Asked(s.pending.id, s.pending.respond_by, dict.fromkeys(s.pending.line_ids, 1))
        free = [line_id for line_id in unshipped if line_id not in s.pending.line_ids]
        try:
            check_shipping_allowed(asked, unshipped)
        except RuleConflict as conflict:
            if not free:
                return Option(
                    path=path,
                    open=False,
                    blocker=conflict.code,
                    facts=dict(conflict.facts),
                    alternatives=(str(Alternative.approve_request),),
                    help=HELP[path],
                )
    return _open(path, overdue_autocancel_at(order, s.platform))


# What a seller can do instead; the rest of a shared blocker's alternatives are the buyer's.
SELLER_ALTERNATIVES = frozenset(
    {str(Alternative.approve_request), str(Alternative.contact_support)}
)


def seller_paths(s: Situation) -> list[Option]:
    cancel = seller_eligibility(
        s.order, now=s.now, lines=None, pending_request=s.pending is not None
    )
    as_seller = _eligibility_option(PathName.cancel_as_seller, cancel, s)
    return [
        _answer(PathName.approve_request, s),
        _answer(PathName.reject_request, s),
        _ship(s),
        replace(
            as_seller,
            alternatives=tuple(a for a in as_seller.alternatives if a in SELLER_ALTERNATIVES),
        ),
    ]


def support_paths(s: Situation) -> list[Option]:
    """F2: support refunds by hand what is still refundable."""
    path = PathName.refund
    if s.refundable > 0:
        return [_open(path, None, refundable=s.refundable, currency=s.order.currency)]
    captured = s.order.payment.status is PaymentStatus.captured
    return [
        Option(
            path=path,
            open=False,
            blocker="nothing_to_refund",
            facts={"captured": captured},
            help=HELP[path],
        )
    ]


def cancellation_paths(situation: Situation) -> list[Option]:
    """The cancellation capability's paths for whoever looks (the operator has none)."""
    role = situation.viewer.role
    if role is Role.buyer:
        return buyer_paths(situation)
    if role is Role.seller:
        return seller_paths(situation)
    if role is Role.support:
        return support_paths(situation)
    return []
