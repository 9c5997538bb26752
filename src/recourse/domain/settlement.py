"""F5: when refunded money should be on the buyer's statement, by payment method."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from recourse.domain.errors import InvalidInput
from recourse.domain.order import PaymentMethod


@dataclass(frozen=True, slots=True)
class SettlementProfile:
    """Business days from the refund being issued to the money on the statement."""

    method: PaymentMethod
    min_business_days: int
    max_business_days: int


DEFAULT_PROFILES: dict[PaymentMethod, SettlementProfile] = {
    PaymentMethod.card: SettlementProfile(PaymentMethod.card, 3, 20),
    PaymentMethod.wallet: SettlementProfile(PaymentMethod.wallet, 0, 3),
    PaymentMethod.bank_transfer: SettlementProfile(PaymentMethod.bank_transfer, 7, 10),
    PaymentMethod.store_balance: SettlementProfile(PaymentMethod.store_balance, 0, 0),
    PaymentMethod.coupon: SettlementProfile(PaymentMethod.coupon, 0, 0),
}


@dataclass(frozen=True, slots=True)
class ExpectedBy:
    earliest: date
    latest: date


def expected_by(
    issued_on: date, profile: SettlementProfile, business_days_after: Callable[[date, int], date]
) -> ExpectedBy:
    """F5: counted in business days of the buyer's country (weekends and holidays skipped):
    `business_days_after(start, n)` is `add_business_days` in that country's calendar."""

    def after(days: int) -> date:
        return issued_on if days == 0 else business_days_after(issued_on, days)

    return ExpectedBy(
        earliest=after(profile.min_business_days), latest=after(profile.max_business_days)
    )


def make_profile(method: str, min_business_days: int, max_business_days: int) -> SettlementProfile:
    """Validate an operator's settlement profile: 0 ≤ min ≤ max ≤ 60 business days."""
    try:
        payment_method = PaymentMethod(method)
    except ValueError:
        raise InvalidInput(
            "method",
            "settlement.unknown_method",
            method=method,
            allowed=[str(m) for m in PaymentMethod],
        ) from None
    if not 0 <= min_business_days <= 60:
        raise InvalidInput("min_business_days", "settlement.min_days_range")
    if not min_business_days <= max_business_days <= 60:
        raise InvalidInput("max_business_days", "settlement.max_days_range")
    return SettlementProfile(payment_method, min_business_days, max_business_days)
