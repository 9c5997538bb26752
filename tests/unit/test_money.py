"""§2 money: integer minor units, one currency at a time, splits that add up exactly."""

from __future__ import annotations

import operator
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recourse.domain.money import CurrencyMismatch, Money, allocate, prorate, total

# The examples are tiny; a busy machine must not turn a slow one into a failure.
no_deadline = settings(deadline=None)

# One currency per ISO 4217 exponent: JPY 0, EUR 2, KWD 3. Amounts are plain integers of
# minor units in each, so the same property must hold whatever the exponent.
CURRENCIES = st.sampled_from(["JPY", "EUR", "KWD"])
AMOUNTS = st.integers(min_value=-(10**12), max_value=10**12)
POSITIVE_WEIGHTS = st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=12)


@no_deadline
@given(currency=CURRENCIES, amount=AMOUNTS, weights=POSITIVE_WEIGHTS)
def test_allocated_parts_add_up_exactly_to_the_whole(
    currency: str, amount: int, weights: list[int]
) -> None:
    parts = Money(amount, currency).allocate(weights)

    assert len(parts) == len(weights)
    assert total(parts, currency) == Money(amount, currency)


@no_deadline
@given(amount=AMOUNTS, weights=POSITIVE_WEIGHTS)
def test_each_allocated_part_is_within_one_minor_unit_of_its_exact_share(
    amount: int, weights: list[int]
) -> None:
    whole = sum(weights)

    parts = allocate(amount, weights)

    assert all(
        abs(part * whole - amount * w) < whole for part, w in zip(parts, weights, strict=True)
    )


@no_deadline
@given(
    amount=AMOUNTS,
    weights=st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=12).filter(any),
)
def test_zero_weights_get_nothing_and_the_rest_still_adds_up(
    amount: int, weights: list[int]
) -> None:
    parts = allocate(amount, weights)

    assert sum(parts) == amount
    assert all(w > 0 or p == 0 for p, w in zip(parts, weights, strict=True))


def test_allocation_ties_go_to_the_earliest_weight() -> None:
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(-100, [1, 1, 1]) == [-34, -33, -33]
    assert allocate(5, [1, 3]) == [1, 4]


@pytest.mark.parametrize("weights", [[], [1, -1], [0, 0]], ids=["none", "negative", "all_zero"])
def test_allocation_refuses_weights_that_cannot_split(weights: list[int]) -> None:
    with pytest.raises(ValueError):
        allocate(100, weights)


@no_deadline
@given(
    amount=st.integers(min_value=0, max_value=10**12),
    whole=st.integers(min_value=1, max_value=60),
)
def test_cancelling_one_unit_at_a_time_sums_to_cancelling_all_at_once(
    amount: int, whole: int
) -> None:
    steps = [prorate(amount, k + 1, whole) - prorate(amount, k, whole) for k in range(whole)]

    assert sum(steps) == prorate(amount, whole, whole) == amount


@no_deadline
@given(
    currency=CURRENCIES,
    amount=st.integers(min_value=0, max_value=10**12),
    data=st.data(),
)
def test_prorating_in_any_steps_equals_prorating_the_sum(
    currency: str, amount: int, data: st.DataObject
) -> None:
    whole = data.draw(st.integers(min_value=1, max_value=60), label="whole")
    steps = data.draw(
        st.lists(st.integers(min_value=1, max_value=whole), max_size=whole).filter(
            lambda xs: sum(xs) <= whole
        ),
        label="steps",
    )
    money = Money(amount, currency)
    done = 0
    refunded = Money.zero(currency)
    for n in steps:
        refunded = refunded + money.share(done + n, whole) - money.share(done, whole)
        done += n

    assert refunded == money.share(done, whole)
    assert money.share(whole, whole) == money


@pytest.mark.parametrize(
    ("part", "whole"), [(-1, 3), (4, 3), (0, 0), (1, -1)], ids=["negative", "over", "zero", "neg"]
)
def test_prorate_refuses_a_part_outside_the_whole(part: int, whole: int) -> None:
    with pytest.raises(ValueError):
        prorate(100, part, whole)


@pytest.mark.parametrize(
    "combine",
    [operator.add, operator.sub, operator.lt, operator.le, operator.gt, operator.ge],
    ids=["add", "sub", "lt", "le", "gt", "ge"],
)
def test_combining_two_currencies_raises(combine: Callable[[Money, Money], Any]) -> None:
    with pytest.raises(CurrencyMismatch, match="EUR vs JPY"):
        combine(Money(100, "EUR"), Money(100, "JPY"))


def test_a_total_in_another_currency_raises() -> None:
    with pytest.raises(CurrencyMismatch):
        total([Money(1, "EUR"), Money(1, "KWD")], "EUR")


@pytest.mark.parametrize("minor", [1.5, 10.0, Decimal("1.25"), True, "100", None], ids=repr)
def test_money_rejects_anything_but_whole_minor_units(minor: Any) -> None:
    with pytest.raises(TypeError):
        Money(minor, "EUR")


def test_multiplying_money_by_a_float_is_rejected() -> None:
    with pytest.raises(TypeError):
        Money(100, "EUR").times(1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize("code", ["eur", "EURO", "E1R", "", "EU"])
def test_money_rejects_a_malformed_currency_code(code: str) -> None:
    with pytest.raises(ValueError, match="ISO 4217"):
        Money(100, code)


def test_money_arithmetic_and_ordering_within_one_currency() -> None:
    a, b = Money(1250, "KWD"), Money(250, "KWD")

    assert a + b == Money(1500, "KWD")
    assert a - b == Money(1000, "KWD")
    assert -b == Money(-250, "KWD")
    assert b.times(3) == Money(750, "KWD")
    assert b < a and b <= a and a > b and a >= b
