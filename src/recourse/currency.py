"""ISO 4217 facts and formatting from Babel: minor-unit exponent, names, display."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import format_currency, get_currency_precision

from recourse.domain.money import Money


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(Locale("en").currencies.keys())


class BabelCurrencies:
    def is_known(self, code: str) -> bool:
        return code in _known()


def exponent(code: str) -> int:
    """Digits after the decimal point: JPY 0, EUR 2, KWD 3."""
    return int(get_currency_precision(code))


def to_decimal(money: Money) -> Decimal:
    return Decimal(money.minor).scaleb(-exponent(money.currency))


def format_money(money: Money, locale: str = "en") -> str:
    """'€19.99', '¥1,200', 'KWD1.250': exact to the currency's minor unit, never rounded."""
    return str(format_currency(to_decimal(money), money.currency, locale=locale))


def money_json(money: Money, locale: str = "en") -> dict[str, object]:
    """§12: money in responses is {"amount", "currency", "formatted"}."""
    return {
        "amount": money.minor,
        "currency": money.currency,
        "formatted": format_money(money, locale),
    }
