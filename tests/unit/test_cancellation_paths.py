"""H1: the cancellation paths for buyer, seller and support in every status of §2, and with a
request waiting for the seller — open or closed, why, and when each opens or closes."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from recourse.domain.cancellation_paths import cancellation_paths
from recourse.domain.guide import PATHS, guide
from recourse.domain.options import Option, PendingRequest, Situation
from recourse.domain.order import Deadlines, Order, PaymentStatus
from recourse.domain.policy import BuyerCancel, PlatformPolicy, StorePolicy
from recourse.domain.roles import Actor, Role
from tests.unit.builders import T0, a_line, an_order, paid

NOW = T0 + timedelta(hours=5)
PAY_BY = T0 + timedelta(hours=72)
REVIEW_UNTIL = T0 + timedelta(hours=24)
SHIP_BY = T0 + timedelta(days=7)
AUTOCANCEL = SHIP_BY + timedelta(days=3)
PROTECTION = T0 + timedelta(days=60)
RESPOND_BY = NOW + timedelta(hours=48)

BUYER = Actor(Role.buyer, user_id=10)
SELLER = Actor(Role.seller, user_id=30, store_ids=frozenset({20}))
SUPPORT = Actor(Role.support, user_id=40)
OPERATOR = Actor(Role.operator)

STATUSES = (
    "awaiting_payment",
    "payment_review",
    "awaiting_shipment",
    "shipped",
    "delivered",
    "completed",
    "cancelled",
    "closed",
    "pending_request",
)

SHIPPED_ALTERNATIVES = ("ask_seller", "refuse_delivery", "return_after_delivery")


def order_in(status: str) -> Order:
    """An order of one line of two units in `status` at NOW."""
    unpaid = Deadlines(pay_by=PAY_BY)
    shipping = Deadlines(ship_by=SHIP_BY)
    travelling = Deadlines(ship_by=SHIP_BY, protection_ends_at=PROTECTION)
    match status:
        case "awaiting_payment":
            return an_order(deadlines=unpaid)
        case "payment_review":
            return an_order(
                payment_status=PaymentStatus.review,
                deadlines=Deadlines(pay_by=PAY_BY, review_until=REVIEW_UNTIL),
            )
        case "awaiting_shipment" | "pending_request":
            return paid(an_order(deadlines=shipping))
        case "shipped":
            return paid(an_order(lines=[a_line(shipped=2)], deadlines=travelling))
        case "delivered":
            return paid(an_order(lines=[a_line(shipped=2, delivered=2)], deadlines=travelling))
        case "completed":
            return paid(
                an_order(
                    lines=[a_line(shipped=2, delivered=2)],
                    deadlines=travelling,
                    receipt_confirmed_at=NOW,
                )
            )
        case "cancelled":
            return an_order(lines=[a_line(cancelled=2)], deadlines=unpaid)
        case "closed":
            # cancelled after payment and refunded in full: settled, nothing left to refund
            return paid(an_order(lines=[a_line(cancelled=2, refunded=2)], deadlines=shipping))
    raise AssertionError(status)


def situation(
    status: str,
    viewer: Actor,
    *,
    policy: StorePolicy | None = None,
    now: datetime = NOW,
) -> Situation:
    order = order_in(status)
    pending = None
    if status == "pending_request":
        pending = PendingRequest(id=7, respond_by=RESPOND_BY, line_ids=frozenset({1}))
    refundable = 0
    if order.payment.status is PaymentStatus.captured and status != "closed":
        refundable = order.payment.amount_captured
    return Situation(
        order=order,
        viewer=viewer,
        now=now,
        policy=policy or StorePolicy(),
        platform=PlatformPolicy(),
        pending=pending,
        refundable=refundable,
    )


def summary(options: list[Option]) -> dict[str, tuple[object, ...]]:
    """path → (open, blocker, opens_at, closes_at)."""
    return {str(o.path): (o.open, o.blocker, o.opens_at, o.closes_at) for o in options}


OPEN_UNTIL_PAY_BY = (True, None, None, PAY_BY)
OPEN_UNTIL_AUTOCANCEL = (True, None, None, AUTOCANCEL)
NO_REQUEST = (False, "no_request_pending", None, None)
SHIPPED = (False, "already_shipped", None, None)
CANCELLED = (False, "order_cancelled", None, None)
REVIEW = (False, "payment_under_review", REVIEW_UNTIL, None)
NOT_PARTIAL = (False, "partial_cancel_not_allowed", None, None)
PENDING = (False, "request_pending", None, None)

BUYER_PATHS = {
    "awaiting_payment": (OPEN_UNTIL_PAY_BY, NOT_PARTIAL, NO_REQUEST),
    "payment_review": (REVIEW, REVIEW, NO_REQUEST),
    "awaiting_shipment": (OPEN_UNTIL_AUTOCANCEL, NOT_PARTIAL, NO_REQUEST),
    "shipped": (SHIPPED, SHIPPED, NO_REQUEST),
    "delivered": (SHIPPED, SHIPPED, NO_REQUEST),
    "completed": (SHIPPED, SHIPPED, NO_REQUEST),
    "cancelled": (CANCELLED, CANCELLED, NO_REQUEST),
    "closed": (CANCELLED, CANCELLED, NO_REQUEST),
    "pending_request": (PENDING, PENDING, (True, None, None, RESPOND_BY)),
}

NOTHING_TO_SHIP = (False, "nothing_to_ship", None, None)
ANSWER_OPEN = (True, None, None, RESPOND_BY)
SELLER_PATHS = {
    "awaiting_payment": (
        NO_REQUEST,
        NO_REQUEST,
        (False, "payment_not_captured", None, None),
        OPEN_UNTIL_PAY_BY,
    ),
    "payment_review": (
        NO_REQUEST,
        NO_REQUEST,
        (False, "payment_not_captured", REVIEW_UNTIL, None),
        (True, None, None, None),
    ),
    "awaiting_shipment": (NO_REQUEST, NO_REQUEST, OPEN_UNTIL_AUTOCANCEL, OPEN_UNTIL_AUTOCANCEL),
    "shipped": (NO_REQUEST, NO_REQUEST, NOTHING_TO_SHIP, SHIPPED),
    "delivered": (NO_REQUEST, NO_REQUEST, NOTHING_TO_SHIP, SHIPPED),
    "completed": (NO_REQUEST, NO_REQUEST, NOTHING_TO_SHIP, SHIPPED),
    "cancelled": (NO_REQUEST, NO_REQUEST, CANCELLED, CANCELLED),
    "closed": (NO_REQUEST, NO_REQUEST, CANCELLED, CANCELLED),
    "pending_request": (
        ANSWER_OPEN,
        ANSWER_OPEN,
        (False, "cancellation_pending", None, None),
        PENDING,
    ),
}

NOTHING_TO_REFUND = (False, "nothing_to_refund", None, None)
REFUND_OPEN = (True, None, None, None)
SUPPORT_PATHS = {
    "awaiting_payment": NOTHING_TO_REFUND,
    "payment_review": NOTHING_TO_REFUND,
    "awaiting_shipment": REFUND_OPEN,
    "shipped": REFUND_OPEN,
    "delivered": REFUND_OPEN,
    "completed": REFUND_OPEN,
    "cancelled": NOTHING_TO_REFUND,
    "closed": NOTHING_TO_REFUND,
    "pending_request": REFUND_OPEN,
}


def test_every_status_of_the_spec_is_pinned() -> None:
    assert set(BUYER_PATHS) == set(SELLER_PATHS) == set(SUPPORT_PATHS) == set(STATUSES)


@pytest.mark.parametrize("status", STATUSES)
def test_the_buyer_s_paths(status: str) -> None:
    got = summary(cancellation_paths(situation(status, BUYER)))
    names = ("cancel", "cancel_items", "withdraw_request")
    assert got == dict(zip(names, BUYER_PATHS[status], strict=True))


@pytest.mark.parametrize("status", STATUSES)
def test_the_seller_s_paths(status: str) -> None:
    got = summary(cancellation_paths(situation(status, SELLER)))
    names = ("approve_request", "reject_request", "ship", "cancel_as_seller")
    assert got == dict(zip(names, SELLER_PATHS[status], strict=True))


@pytest.mark.parametrize("status", STATUSES)
def test_support_s_paths(status: str) -> None:
    got = summary(cancellation_paths(situation(status, SUPPORT)))
    assert got == {"refund": SUPPORT_PATHS[status]}


@pytest.mark.parametrize("status", STATUSES)
def test_the_operator_has_no_cancellation_paths(status: str) -> None:
    assert cancellation_paths(situation(status, OPERATOR)) == []


@pytest.mark.parametrize("viewer", [BUYER, SELLER, SUPPORT])
@pytest.mark.parametrize("status", STATUSES)
def test_every_option_names_its_help_article(status: str, viewer: Actor) -> None:
    slugs = {
        "cancel-before-shipping",
        "cancel-some-items",
        "seller-does-not-answer",
        "seller-cancels",
        "refund-timing",
        "store-policies",
        "confirm-receipt-and-protection",
        "common-mistakes",
    }
    assert all(o.help in slugs for o in cancellation_paths(situation(status, viewer)))


def test_a_shipped_order_says_what_to_do_instead_of_cancelling() -> None:
    cancel = cancellation_paths(situation("shipped", BUYER))[0]
    assert cancel.alternatives == SHIPPED_ALTERNATIVES
    assert cancel.help == "cancel-before-shipping"
    delivered = cancellation_paths(situation("delivered", BUYER))[0]
    assert delivered.alternatives == ("return_after_delivery",)


def test_the_open_cancel_says_whether_it_asks_the_seller() -> None:
    asks = cancellation_paths(situation("awaiting_shipment", BUYER))[0]
    assert asks.facts == {"mode": "request", "respond_by": RESPOND_BY.isoformat()}
    instant = StorePolicy(buyer_cancel=BuyerCancel.instant)
    at_once = cancellation_paths(situation("awaiting_shipment", BUYER, policy=instant))[0]
    assert at_once.facts == {"mode": "instant"}


def test_cancel_items_opens_where_the_store_allows_partial_cancels() -> None:
    partial = StorePolicy(allow_partial_cancel=True)
    items = cancellation_paths(situation("awaiting_shipment", BUYER, policy=partial))[1]
    assert (items.open, items.closes_at, items.help) == (True, AUTOCANCEL, "cancel-some-items")
    refused = cancellation_paths(situation("awaiting_shipment", BUYER))[1]
    assert refused.facts == {"shipped_some": False}
    assert refused.alternatives == ("cancel_whole_order",)


def test_one_unit_left_is_cancelled_as_the_order() -> None:
    s = situation("awaiting_shipment", BUYER, policy=StorePolicy(allow_partial_cancel=True))
    one = replace(s, order=replace(s.order, lines=(a_line(quantity=1),)))
    items = cancellation_paths(one)[1]
    assert (items.open, items.blocker) == (False, "single_item_left")
    assert items.alternatives == ("cancel_whole_order",)


def test_once_respond_by_passes_the_answer_paths_close() -> None:
    late = situation("pending_request", SELLER, now=RESPOND_BY)
    approve, reject = cancellation_paths(late)[:2]
    assert (approve.open, approve.blocker) == (False, "respond_by_passed")
    assert (reject.open, reject.blocker) == (False, "respond_by_passed")
    withdraw = cancellation_paths(replace(late, viewer=BUYER))[2]
    assert (withdraw.open, withdraw.blocker) == (False, "respond_by_passed")


def test_past_the_overdue_auto_cancel_the_seller_no_longer_ships() -> None:
    ship = cancellation_paths(situation("awaiting_shipment", SELLER, now=AUTOCANCEL))[2]
    assert (ship.open, ship.blocker) == (False, "overdue_autocancelled")
    assert ship.facts == {"at": AUTOCANCEL.isoformat()}
    before = cancellation_paths(
        situation("awaiting_shipment", SELLER, now=AUTOCANCEL - timedelta(seconds=1))
    )[2]
    assert before.open


def test_lines_the_buyer_did_not_ask_to_cancel_still_ship() -> None:
    s = situation("pending_request", SELLER)
    two = replace(s, order=paid(replace(s.order, lines=(a_line(id=1), a_line(id=2)))))
    ship = cancellation_paths(two)[2]
    assert (ship.open, ship.closes_at) == (True, AUTOCANCEL)


def test_the_guide_lists_the_cancellation_paths() -> None:
    assert cancellation_paths in PATHS
    s = situation("shipped", BUYER)
    paths = cancellation_paths(s)
    assert guide(s)[: len(paths)] == paths
