"""H1 for confirming receipt and protection (§2): the buyer's `confirm_receipt` and the seller's
`extend_protection`, for an order in each status of §2 and with a pending request for more
protection; when each closed path opens (never known before shipment) or closes."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from recourse.domain.guide import PATHS, guide
from recourse.domain.options import Situation
from recourse.domain.policy import PlatformPolicy, StorePolicy
from recourse.domain.receipt_paths import HELP, receipt_paths
from recourse.domain.roles import Actor, Role
from tests.unit.test_cancellation_paths import (
    BUYER,
    NOW,
    OPERATOR,
    PROTECTION,
    SELLER,
    STATUSES,
    SUPPORT,
    order_in,
    summary,
)

OTHER_BUYER = Actor(Role.buyer, user_id=11)
OTHER_SELLER = Actor(Role.seller, user_id=31, store_ids=frozenset({21}))


def situation(
    status: str, viewer: Actor, *, extension: int | None = None, now: datetime = NOW
) -> Situation:
    return Situation(
        order=order_in(status),
        viewer=viewer,
        now=now,
        policy=StorePolicy(),
        platform=PlatformPolicy(),
        extension_request=extension,
    )


BUYER_EXPECTED = {
    "awaiting_payment": (False, "not_shipped_yet", None, None),
    "payment_review": (False, "not_shipped_yet", None, None),
    "awaiting_shipment": (False, "not_shipped_yet", None, None),
    "pending_request": (False, "not_shipped_yet", None, None),
    "shipped": (True, None, None, PROTECTION),
    "delivered": (True, None, None, PROTECTION),
    "completed": (False, "order_completed", None, None),
    "cancelled": (False, "order_cancelled", None, None),
    "closed": (False, "order_cancelled", None, None),
}


@pytest.mark.parametrize("status", STATUSES)
def test_the_buyers_confirm_receipt_in_every_status(status: str) -> None:
    [option] = receipt_paths(situation(status, BUYER))
    assert summary([option])["confirm_receipt"] == BUYER_EXPECTED[status]
    assert option.help == HELP


def test_completed_says_how() -> None:
    [confirmed] = receipt_paths(situation("completed", BUYER))
    assert confirmed.facts == {"completed_at": NOW.isoformat(), "receipt_confirmed": True}
    [ran_out] = receipt_paths(situation("delivered", BUYER, now=PROTECTION))
    assert (ran_out.open, ran_out.blocker) == (False, "order_completed")
    assert ran_out.facts == {"completed_at": PROTECTION.isoformat(), "receipt_confirmed": False}


def test_confirm_receipt_closes_when_protection_ends() -> None:
    just_before = PROTECTION - timedelta(seconds=1)
    [option] = receipt_paths(situation("shipped", BUYER, now=just_before))
    assert option.open and option.closes_at == PROTECTION


@pytest.mark.parametrize("status", STATUSES)
def test_the_sellers_extend_protection_without_a_request(status: str) -> None:
    [option] = receipt_paths(situation(status, SELLER))
    assert summary([option])["extend_protection"] == (False, "no_extension_request", None, None)


@pytest.mark.parametrize("status", STATUSES)
def test_the_sellers_extend_protection_with_a_pending_request(status: str) -> None:
    [option] = receipt_paths(situation(status, SELLER, extension=5))
    if status in ("shipped", "delivered"):
        assert (option.open, option.closes_at, option.facts) == (
            True,
            PROTECTION,
            {"request_id": 5},
        )
    else:
        assert (option.open, option.blocker) == (False, "no_extension_request")


@pytest.mark.parametrize("viewer", [OTHER_BUYER, OTHER_SELLER, SUPPORT, OPERATOR])
def test_nobody_else_has_these_paths(viewer: Actor) -> None:
    assert receipt_paths(situation("delivered", viewer, extension=5)) == ()


def test_listed_in_the_guide() -> None:
    assert receipt_paths in PATHS
    paths = [str(o.path) for o in guide(situation("delivered", BUYER))]
    assert "confirm_receipt" in paths
    seller_paths = [str(o.path) for o in guide(situation("delivered", SELLER, extension=5))]
    assert "extend_protection" in seller_paths


def test_a_confirmed_order_is_completed_even_before_protection_would_end() -> None:
    order = replace(order_in("delivered"), receipt_confirmed_at=NOW)
    s = replace(situation("delivered", BUYER), order=order)
    [option] = receipt_paths(s)
    assert (option.open, option.blocker) == (False, "order_completed")
