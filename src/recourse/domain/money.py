"""Money as integer minor units plus an ISO 4217 currency code; never floats."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# The largest amount taken anywhere, in minor units: a price, fee, payment or refund, and an
# order's total. 10^12 is ten billion euros or a trillion yen; any sum of such amounts on an
# order stays far inside the signed 64-bit columns both databases store money in.
MAX_AMOUNT = 10**12


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies were combined."""


@dataclass(frozen=True, slots=True, order=False)
class Money:
    minor: int
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.minor, bool) or not isinstance(self.minor, int):
            raise TypeError("Money.minor must be an int of minor units")
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise ValueError(f"not an ISO 4217 code: {self.currency!r}")

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(f"{self.currency} vs {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.minor < other.minor

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.minor <= other.minor

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.minor > other.minor

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.minor >= other.minor

    def times(self, factor: int) -> Money:
        return Money(self.minor * factor, self.currency)

    def allocate(self, weights: Sequence[int]) -> list[Money]:
        """Split by integer weights; the parts always add up exactly to the whole."""
        return [Money(part, self.currency) for part in allocate(self.minor, weights)]

    def share(self, part: int, whole: int) -> Money:
        """The `part`/`whole` share, rounded down; pair with the complement to stay exact."""
        return Money(prorate(self.minor, part, whole), self.currency)


def total(amounts: Sequence[Money], currency: str) -> Money:
    result = Money.zero(currency)
    for amount in amounts:
        result = result + amount
    return result


def allocate(amount: int, weights: Sequence[int]) -> list[int]:
    """Largest-remainder split of `amount` by non-negative integer `weights`.

    The parts add up exactly to `amount`; ties go to the earliest weight, so the split is
    deterministic. A negative amount is split as the negation of its absolute value.
    """
    if not weights:
        raise ValueError("allocate needs at least one weight")
    if any(w < 0 for w in weights):
        raise ValueError("weights must be non-negative")
    whole = sum(weights)
    if whole == 0:
        raise ValueError("weights must not all be zero")
    if amount < 0:
        return [-p for p in allocate(-amount, weights)]
    floors = [amount * w // whole for w in weights]
    remainders = [amount * w % whole for w in weights]
    left = amount - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        floors[i] += 1
    return floors


def prorate(amount: int, part: int, whole: int) -> int:
    """Cumulative share: the amount owed for the first `part` of `whole` units.

    Taking units in several steps and summing `prorate(a, done+n, w) - prorate(a, done, w)`
    gives exactly what one step would, and all `whole` units give back `amount`.
    """
    if whole <= 0 or not 0 <= part <= whole:
        raise ValueError("need 0 <= part <= whole and whole > 0")
    return amount * part // whole
