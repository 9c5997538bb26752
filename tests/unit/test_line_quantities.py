"""§2: every unit of a line is accounted for; impossible combinations are refused."""

from __future__ import annotations

from typing import Any

import pytest

from recourse.domain.order import LineQuantities


@pytest.mark.parametrize(
    ("counts", "problem"),
    [
        ({"ordered": -1}, "negative quantity"),
        ({"ordered": 2, "cancelled": -1}, "negative quantity"),
        ({"ordered": 2, "shipped": -1}, "negative quantity"),
        ({"ordered": 2, "returned": -1}, "negative quantity"),
        ({"ordered": 2, "refunded": -1}, "negative quantity"),
        ({"ordered": 2, "cancelled": 3}, "cancelled \\+ shipped exceeds ordered"),
        ({"ordered": 2, "shipped": 3}, "cancelled \\+ shipped exceeds ordered"),
        ({"ordered": 2, "cancelled": 1, "shipped": 2}, "cancelled \\+ shipped exceeds ordered"),
        ({"ordered": 2, "shipped": 1, "delivered": 2}, "delivered exceeds shipped"),
        ({"ordered": 2, "shipped": 1, "returned": 2}, "returned exceeds shipped"),
        ({"ordered": 2, "refunded": 3}, "refunded exceeds ordered"),
    ],
    ids=[
        "negative_ordered",
        "negative_cancelled",
        "negative_shipped",
        "negative_returned",
        "negative_refunded",
        "cancelled_more_than_ordered",
        "shipped_more_than_ordered",
        "a_unit_both_cancelled_and_shipped",
        "delivered_more_than_shipped",
        "returned_more_than_shipped",
        "refunded_more_than_ordered",
    ],
)
def test_impossible_quantities_are_refused(counts: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        LineQuantities(**counts)


@pytest.mark.parametrize(
    ("counts", "unshipped", "active"),
    [
        ({"ordered": 3}, 3, 3),
        ({"ordered": 3, "cancelled": 1}, 2, 2),
        ({"ordered": 3, "cancelled": 1, "shipped": 2}, 0, 2),
        ({"ordered": 3, "shipped": 3, "delivered": 3, "returned": 3, "refunded": 3}, 0, 3),
        ({"ordered": 3, "cancelled": 3, "refunded": 3}, 0, 0),
        # S2: a refused parcel comes back without ever being delivered
        ({"ordered": 3, "shipped": 3, "returned": 3, "refunded": 3}, 0, 3),
        ({"ordered": 3, "shipped": 3, "delivered": 1, "returned": 3, "refunded": 3}, 0, 3),
    ],
    ids=[
        "fresh",
        "part_cancelled",
        "rest_shipped",
        "all_returned",
        "all_cancelled",
        "refused_parcel_back_undelivered",
        "one_delivered_and_returned_two_refused",
    ],
)
def test_possible_quantities_tell_what_is_left_to_ship(
    counts: dict[str, Any], unshipped: int, active: int
) -> None:
    qty = LineQuantities(**counts)

    assert (qty.unshipped, qty.active) == (unshipped, active)


@pytest.mark.parametrize(
    ("counts", "all_back"),
    [
        ({"ordered": 2}, True),
        ({"ordered": 2, "shipped": 2}, False),
        ({"ordered": 2, "shipped": 2, "returned": 1}, False),
        ({"ordered": 2, "shipped": 2, "returned": 2}, True),
        ({"ordered": 2, "shipped": 2, "delivered": 2, "returned": 2}, True),
    ],
    ids=["never_shipped", "out", "half_back", "refused_all_back", "returned_all_back"],
)
def test_all_back_when_every_shipped_unit_came_back(counts: dict[str, Any], all_back: bool) -> None:
    assert LineQuantities(**counts).all_back is all_back
