"""ISO 4217 facts and formatting from Babel: minor-unit exponent, names, display."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel.numbers import format_currency, get_currency_precision, get_territory_currencies

from recourse.countries import country_codes
from recourse.domain.money import Money


@lru_cache(maxsize=1)
def currency_codes() -> frozenset[str]:
    """ISO 4217 codes of money some country pays with today (CLDR's legal tender): not the
    codes for metals (XAU, XAG, XPT, XPD), units of account and bond units (XDR, XSU, XUA,
    XBA…XBD), testing (XTS) or "no currency" (XXX), not fund codes (BOV, CLF, USN…), and not
    currencies withdrawn (DEM, HRK, SLL…)."""
    today = date.today()
    return frozenset(
        code
        for country in country_codes()
        for code in get_territory_currencies(country, today, tender=True)
    )


class BabelCurrencies:
    def is_known(self, code: str) -> bool:
        return code in currency_codes()

    def format(self, money: Money) -> str:
        return format_money(money)


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
