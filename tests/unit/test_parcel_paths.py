"""H1 for parcels coming back (S1/S2): the buyer's `refuse_delivery` while a parcel is on its
way, `give_reason` once one is coming back (until it is refunded, once); the seller's
`confirm_parcel_back` while the return waits for them, closing when `refund_by` passes;
nobody else sees any of them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from recourse.domain.guide import PATHS, guide
from recourse.domain.options import Situation
from recourse.domain.parcel_paths import HELP, parcel_paths
from recourse.domain.policy import PlatformPolicy, StorePolicy
from recourse.domain.returns import Return, ReturnKind, ReturnLine, ReturnStatus
from recourse.domain.roles import Actor, Role
from recourse.domain.shipment import ShipmentStatus
from tests.unit.test_cancellation_paths import (
    BUYER,
    NOW,
    OPERATOR,
    SELLER,
    SUPPORT,
    order_in,
    summary,
)

OTHER_BUYER = Actor(Role.buyer, user_id=11)
OTHER_SELLER = Actor(Role.seller, user_id=31, store_ids=frozenset({21}))
REFUND_BY = NOW + timedelta(days=5)


def parcel_return(
    status: ReturnStatus = ReturnStatus.parcel_returning,
    *,
    return_id: int = 7,
    reason: str | None = None,
    kind: ReturnKind = ReturnKind.refused_delivery,
) -> Return:
    order = order_in("shipped")
    return Return(
        id=return_id,
        order_id=order.id,
        store_id=order.store_id,
        kind=kind,
        status=status,
        lines=(ReturnLine(line_id=order.lines[0].id, quantity=2),),
        created_at=NOW,
        requested_by_role="system",
        reason=reason,
        outbound_shipment_id=3,
        refund_by=REFUND_BY if status is ReturnStatus.delivered else None,
    )


def situation(
    viewer: Actor,
    *parcels: ShipmentStatus,
    returns: tuple[Return, ...] = (),
    in_returns: tuple[ShipmentStatus, ...] = (),
    status: str = "shipped",
) -> Situation:
    return Situation(
        order=order_in(status),
        viewer=viewer,
        now=NOW,
        policy=StorePolicy(),
        platform=PlatformPolicy(),
        parcels=parcels,
        parcel_returns=returns,
        parcels_in_returns=in_returns,
    )


@pytest.mark.parametrize(
    ("parcels", "expected"),
    [
        ((), (False, "parcel.nothing_going_out", None, None)),
        ((ShipmentStatus.shipped,), (True, None, None, None)),
        ((ShipmentStatus.delivered, ShipmentStatus.in_transit), (True, None, None, None)),
        ((ShipmentStatus.delivered,), (False, "parcel.delivered", None, None)),
        ((ShipmentStatus.refused,), (False, "parcel.nothing_going_out", None, None)),
        (
            (ShipmentStatus.delivered, ShipmentStatus.delivered_to_sender),
            (False, "parcel.nothing_going_out", None, None),
        ),
    ],
)
def test_the_buyer_may_refuse_while_a_parcel_is_on_its_way(
    parcels: tuple[ShipmentStatus, ...], expected: tuple[object, ...]
) -> None:
    found = summary(list(parcel_paths(situation(BUYER, *parcels))))

    assert found == {"refuse_delivery": expected}


@pytest.mark.parametrize(
    ("parcels", "in_returns", "expected"),
    [
        # intercepted: the carrier still says in transit, but the parcel is coming back
        ((ShipmentStatus.in_transit,), (ShipmentStatus.in_transit,), "parcel.nothing_going_out"),
        ((ShipmentStatus.in_transit, ShipmentStatus.shipped), (ShipmentStatus.in_transit,), None),
        (
            (ShipmentStatus.delivered, ShipmentStatus.refused),
            (ShipmentStatus.refused,),
            "parcel.delivered",
        ),
    ],
)
def test_a_parcel_already_coming_back_is_not_one_to_refuse(
    parcels: tuple[ShipmentStatus, ...],
    in_returns: tuple[ShipmentStatus, ...],
    expected: str | None,
) -> None:
    [refuse, _] = parcel_paths(
        situation(BUYER, *parcels, returns=(parcel_return(),), in_returns=in_returns)
    )

    assert (refuse.open, refuse.blocker) == (expected is None, expected)


def test_once_delivered_the_buyer_is_pointed_to_a_return() -> None:
    [refuse] = parcel_paths(situation(BUYER, ShipmentStatus.delivered, status="delivered"))

    assert refuse.alternatives == ("return_after_delivery",)


def test_give_reason_opens_for_a_parcel_coming_back_with_its_return() -> None:
    [refuse, give] = parcel_paths(
        situation(BUYER, ShipmentStatus.refused, returns=(parcel_return(),))
    )

    assert (give.open, give.facts, give.help) == (True, {"return_id": 7}, HELP)
    assert refuse.help == HELP


@pytest.mark.parametrize("status", [ReturnStatus.parcel_returning, ReturnStatus.delivered])
def test_give_reason_stays_open_until_the_refund(status: ReturnStatus) -> None:
    options = parcel_paths(situation(BUYER, returns=(parcel_return(status),)))

    assert summary(list(options))["give_reason"] == (True, None, None, None)


def test_give_reason_closes_once_a_reason_was_given_with_the_actions_code() -> None:
    options = parcel_paths(situation(BUYER, returns=(parcel_return(reason="damaged"),)))

    give = next(o for o in options if o.path == "give_reason")
    assert (give.open, give.blocker, dict(give.facts)) == (
        False,
        "parcel_return.reason_given",
        {"reason": "damaged"},
    )


def test_give_reason_closes_once_refunded() -> None:
    options = parcel_paths(situation(BUYER, returns=(parcel_return(ReturnStatus.refunded),)))

    give = next(o for o in options if o.path == "give_reason")
    assert (give.open, give.blocker, dict(give.facts)) == (
        False,
        "parcel_return.already_refunded",
        {"status": "refunded"},
    )


def test_give_reason_names_the_parcel_return_still_to_explain() -> None:
    returns = (
        parcel_return(ReturnStatus.refunded, return_id=7),
        parcel_return(return_id=8, kind=ReturnKind.intercepted),
    )

    options = parcel_paths(situation(BUYER, returns=returns))

    give = next(o for o in options if o.path == "give_reason")
    assert (give.open, dict(give.facts)) == (True, {"return_id": 8})


def test_without_a_parcel_coming_back_there_is_nothing_to_explain_or_confirm() -> None:
    assert [str(o.path) for o in parcel_paths(situation(BUYER, ShipmentStatus.shipped))] == [
        "refuse_delivery"
    ]
    assert list(parcel_paths(situation(SELLER, ShipmentStatus.shipped))) == []


def test_the_seller_confirms_a_returning_parcel_at_any_time() -> None:
    found = summary(list(parcel_paths(situation(SELLER, returns=(parcel_return(),)))))

    assert found == {"confirm_parcel_back": (True, None, None, None)}


def test_back_with_the_seller_confirming_closes_when_the_refund_comes_by_itself() -> None:
    [confirm] = parcel_paths(situation(SELLER, returns=(parcel_return(ReturnStatus.delivered),)))

    assert (confirm.open, confirm.closes_at, dict(confirm.facts), confirm.help) == (
        True,
        REFUND_BY,
        {"return_id": 7},
        HELP,
    )


def test_a_settled_parcel_return_asks_nothing_more_of_the_seller() -> None:
    returns = (parcel_return(ReturnStatus.refunded),)

    assert list(parcel_paths(situation(SELLER, returns=returns))) == []


@pytest.mark.parametrize("viewer", [OTHER_BUYER, OTHER_SELLER, SUPPORT, OPERATOR])
def test_nobody_else_has_parcel_paths(viewer: Actor) -> None:
    full = situation(viewer, ShipmentStatus.shipped, returns=(parcel_return(),))

    assert list(parcel_paths(full)) == []


def test_the_guide_lists_the_parcel_paths() -> None:
    assert parcel_paths in PATHS
    full = situation(BUYER, ShipmentStatus.refused, returns=(parcel_return(),))

    paths = [str(o.path) for o in guide(full)]

    assert "refuse_delivery" in paths and "give_reason" in paths
