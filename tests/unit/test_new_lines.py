"""Ingest checks on order lines; each problem names the field it is about."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from recourse.domain.errors import InvalidInput
from recourse.domain.order import NewLine, validate_new_lines

GOOD = NewLine("SKU-1", "Lamp", unit_price=2500, quantity=2, discount=0, tax=475)


def line(sku: str = "SKU-2", **kw: int) -> NewLine:
    values = {"unit_price": 1000, "quantity": 1, "discount": 0, "tax": 0} | kw
    return NewLine(sku, "Shade", **values)


@pytest.mark.parametrize(
    ("lines", "shipping_fee", "field"),
    [
        ([], 0, "lines"),
        ([GOOD], -1, "shipping_fee"),
        ([line(quantity=-1)], 0, "lines[0].quantity"),
        ([line(quantity=0)], 0, "lines[0].quantity"),
        ([GOOD, line(unit_price=-1)], 0, "lines[1].unit_price"),
        ([GOOD, line(discount=-1)], 0, "lines[1].discount"),
        ([GOOD, line(tax=-5)], 0, "lines[1].tax"),
        ([GOOD, line(unit_price=1000, quantity=2, discount=2001)], 0, "lines[1].discount"),
        ([GOOD, line(sku="  ")], 0, "lines[1].sku"),
        ([GOOD, line(), line(sku="SKU-1")], 0, "lines[2].sku"),
    ],
    ids=[
        "no_lines",
        "negative_shipping",
        "negative_quantity",
        "zero_quantity",
        "negative_price",
        "negative_discount",
        "negative_tax",
        "discount_larger_than_the_line",
        "blank_sku",
        "same_sku_twice",
    ],
)
def test_each_problem_names_its_field(
    lines: Sequence[NewLine], shipping_fee: int, field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_new_lines(lines, shipping_fee)

    assert caught.value.field == field


def test_a_discount_larger_than_the_line_tells_both_amounts() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_new_lines([line(unit_price=1000, quantity=2, discount=2001)], 0)

    assert (caught.value.facts["line_amount"], caught.value.facts["discount"]) == (2000, 2001)


@pytest.mark.parametrize(
    "lines",
    [
        [GOOD],
        [GOOD, line(unit_price=1000, quantity=2, discount=2000)],
        [line(unit_price=0)],
    ],
    ids=["one_line", "discount_equal_to_the_line", "free_item"],
)
def test_sound_lines_pass(lines: Sequence[NewLine]) -> None:
    validate_new_lines(lines, 0)


LARGEST = 10**12


@pytest.mark.parametrize(
    ("lines", "shipping_fee", "field"),
    [
        ([line(quantity=10_001)], 0, "lines[0].quantity"),
        ([line(quantity=2**31)], 0, "lines[0].quantity"),
        ([line(unit_price=LARGEST + 1)], 0, "lines[0].unit_price"),
        ([line(unit_price=LARGEST, quantity=2, discount=LARGEST + 1)], 0, "lines[0].discount"),
        ([line(tax=LARGEST + 1)], 0, "lines[0].tax"),
        ([GOOD], LARGEST + 1, "shipping_fee"),
        ([line(unit_price=LARGEST, quantity=2)], 0, "lines"),
        ([line(unit_price=LARGEST)], 1, "lines"),
        ([line(f"S-{i}", unit_price=LARGEST // 2 + 1) for i in range(2)], 0, "lines"),
    ],
    ids=[
        "more_than_10_000_units",
        "quantity_past_32_bits",
        "unit_price_past_the_largest_amount",
        "discount_past_the_largest_amount",
        "tax_past_the_largest_amount",
        "shipping_past_the_largest_amount",
        "one_line_past_the_largest_total",
        "shipping_tips_the_total_over",
        "lines_that_add_up_past_the_largest_total",
    ],
)
def test_numbers_past_what_is_stored_name_their_field(
    lines: Sequence[NewLine], shipping_fee: int, field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_new_lines(lines, shipping_fee)

    assert caught.value.field == field


def test_the_largest_order_passes() -> None:
    validate_new_lines([line(unit_price=LARGEST // 10_000, quantity=10_000)], 0)
