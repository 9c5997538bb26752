"""Where a refund goes and when it shows up (F5), in the reader's words: one wording for the
cancellation pages, the refund pages and the support forms."""

from __future__ import annotations

from datetime import date

from recourse.domain.roles import Role
from recourse.domain.settlement import ExpectedBy
from recourse.i18n import N_, Words

# Where the money goes back, to follow "goes back to": (the buyer's words, everyone else's).
GOES_BACK_TO: dict[str, tuple[str, str]] = {
    "card": (N_("your card"), N_("the buyer's card")),
    "wallet": (N_("your digital wallet"), N_("the buyer's digital wallet")),
    "bank_transfer": (N_("your bank account"), N_("the buyer's bank account")),
    "store_balance": (N_("your store balance"), N_("the buyer's store balance")),
    "coupon": (N_("a new coupon"), N_("a new coupon")),
}

# Where the money shows up, by method: (the buyer's words, everyone else's words).
LANDS = {
    "store_balance": (N_("in your store balance"), N_("in the buyer's store balance")),
    "coupon": (N_("in your account as a coupon"), N_("in the buyer's account as a coupon")),
}
STATEMENT = (N_("on your statement"), N_("on the buyer's statement"))

# Refunds are promised by day, the day of the month without a leading zero: '5 Mar 2026'.
DAY = "d MMM y"
DAY_OF_YEAR = "d MMM"


def audience_words(
    table: dict[str, tuple[str, str]], key: str, audience: Role, words: Words
) -> str:
    """A phrase of `table` as the buyer (first) or anyone else (second) reads it."""
    pair = table.get(key)
    if pair is None:
        return key.replace("_", " ")
    return words._(pair[0] if audience is Role.buyer else pair[1])


def destination_words(method: str, audience: Role, words: Words) -> str:
    """ "your card", "the buyer's bank account"."""
    return audience_words(GOES_BACK_TO, method, audience, words)


def refund_day(value: date, words: Words) -> str:
    return words.day(value, DAY)


def date_range(earliest: date, latest: date, words: Words) -> str:
    """'between 5 Mar and 30 Mar 2026', or 'on 2 Mar 2026' when it is one day."""
    if earliest == latest:
        return words._(N_("on %(day)s"), day=refund_day(latest, words))
    first = (
        words.day(earliest, DAY_OF_YEAR)
        if earliest.year == latest.year
        else refund_day(earliest, words)
    )
    return words._(
        N_("between %(earliest)s and %(latest)s"),
        earliest=first,
        latest=refund_day(latest, words),
    )


def expected_sentence(
    method: str,
    expected: ExpectedBy,
    audience: Role,
    words: Words,
    *,
    today: date | None = None,
) -> str:
    """F5 in words: where the money shows up and when (or when it should have)."""
    where = audience_words({method: LANDS.get(method, STATEMENT)}, method, audience, words)
    if today is not None and today > expected.latest:
        return words._(
            N_("It should have arrived %(where)s by %(day)s."),
            where=where,
            day=refund_day(expected.latest, words),
        )
    dates = date_range(expected.earliest, expected.latest, words)
    if audience is Role.buyer:
        return words._(N_("Expect it %(where)s %(dates)s."), where=where, dates=dates)
    return words._(N_("Expected %(where)s %(dates)s."), where=where, dates=dates)
