"""F1/F2: a cancellation capped by what is left of the capture still tells a true breakdown."""

from __future__ import annotations

import pytest

from recourse.domain.cancellation import cancel_units
from recourse.domain.refund import RefundedSoFar, cap_parts, quote_cancellation

from .builders import a_line, an_order, paid


@pytest.mark.parametrize(
    ("parts", "left", "expected"),
    [
        ((1000, 190, 500), 5000, [1000, 190, 500]),
        ((1000, 190, 500), 1690, [1000, 190, 500]),
        ((1000, 190, 500), 1689, [999, 190, 500]),
        ((1000, 0, 500), 300, [200, 0, 100]),
        ((1000, 190, 500), 100, [59, 11, 30]),
        ((1000, 190, 500), 1, [1, 0, 0]),
        ((1, 1, 1), 1, [1, 0, 0]),
        ((1000, 190, 500), 0, [0, 0, 0]),
        ((0, 0, 0), 0, [0, 0, 0]),
        ((1000, 190, 500), -5, [0, 0, 0]),
    ],
)
def test_cap_parts_adds_up_to_what_is_left_pro_rata(
    parts: tuple[int, ...], left: int, expected: list[int]
) -> None:
    assert cap_parts(parts, left) == expected


@pytest.mark.parametrize("left", [0, 1, 2, 7, 99, 100, 1689])
def test_capped_parts_are_never_negative_nor_above_their_own_part(left: int) -> None:
    parts = (1000, 190, 500)
    capped = cap_parts(parts, left)
    assert sum(capped) == min(left, sum(parts))
    assert all(0 <= c <= p for c, p in zip(capped, parts, strict=True))


def test_cap_parts_refuses_a_negative_part() -> None:
    with pytest.raises(ValueError):
        cap_parts((100, -1), 50)


@pytest.mark.parametrize("left", [0, 1, 100, 2379])
def test_cancelling_after_an_earlier_refund_splits_what_is_left_without_negative_fees(
    left: int,
) -> None:
    order = paid(an_order(lines=[a_line(id=1, unit_price=1000, quantity=2, tax=380)]))
    so_far = RefundedSoFar(total=order.payment.amount_captured - left)
    units = {1: 2}
    quote = quote_cancellation(order, units, so_far, after=cancel_units(order, units))
    parts = (quote.items, quote.tax, quote.shipping, quote.fees)
    assert quote.total == left
    assert min(parts) >= 0
    assert quote.fees == 0
    assert sum(x.items for x in quote.lines) == quote.items
    assert sum(x.tax for x in quote.lines) == quote.tax


def test_cancelling_with_enough_left_pays_the_full_breakdown() -> None:
    order = paid(an_order(lines=[a_line(id=1, unit_price=1000, quantity=2, tax=380)]))
    units = {1: 2}
    quote = quote_cancellation(order, units, RefundedSoFar(), after=cancel_units(order, units))
    assert (quote.items, quote.tax, quote.shipping, quote.fees) == (2000, 380, 500, 0)
