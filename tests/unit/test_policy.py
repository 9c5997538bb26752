"""§9 seller policy: validated values, the version in force at payment, and plain words."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from recourse.domain.errors import InvalidInput
from recourse.domain.policy import (
    BuyerCancel,
    PlatformPolicy,
    PolicyVersion,
    StorePolicy,
    make_policy,
    policy_in_force,
)
from recourse.i18n import ENGLISH, Words
from recourse.texts.web import policy_sentences
from tests.unit.builders import T0


def test_no_values_give_the_documented_defaults() -> None:
    policy = make_policy({})

    assert policy == StorePolicy(
        buyer_cancel=BuyerCancel.approval,
        cancel_response_hours=48,
        allow_partial_cancel=False,
        processing_days=7,
        accepts_remorse_returns=True,
        return_window_days=30,
        restocking_fee_percent=0,
        buyer_pays_remorse_return_shipping=True,
        return_response_business_days=3,
    )


def test_partial_values_change_only_those_fields_of_the_base() -> None:
    base = StorePolicy(allow_partial_cancel=True, return_window_days=14)

    policy = make_policy({"processing_days": 3, "buyer_cancel": "instant"}, base=base)

    assert policy == StorePolicy(
        buyer_cancel=BuyerCancel.instant,
        allow_partial_cancel=True,
        return_window_days=14,
        processing_days=3,
    )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"processing_dayz": 3}, "policy.processing_dayz"),
        ({"buyer_cancel": "sometimes"}, "policy.buyer_cancel"),
        ({"buyer_cancel": None}, "policy.buyer_cancel"),
        ({"allow_partial_cancel": 1}, "policy.allow_partial_cancel"),
        ({"accepts_remorse_returns": "yes"}, "policy.accepts_remorse_returns"),
        ({"processing_days": "7"}, "policy.processing_days"),
        ({"processing_days": 7.0}, "policy.processing_days"),
        ({"processing_days": True}, "policy.processing_days"),
        ({"restocking_fee_percent": None}, "policy.restocking_fee_percent"),
    ],
    ids=[
        "unknown_field",
        "unknown_cancel_mode",
        "missing_cancel_mode",
        "number_for_a_yes_no",
        "text_for_a_yes_no",
        "text_for_a_number",
        "float_for_a_number",
        "bool_for_a_number",
        "null_for_a_number",
    ],
)
def test_invalid_policy_values_name_the_field(values: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        make_policy(values)

    assert caught.value.field == field


BOUNDS = {
    "cancel_response_hours": (1, 720),
    "processing_days": (1, 60),
    "return_window_days": (0, 365),
    "restocking_fee_percent": (0, 100),
    "return_response_business_days": (1, 30),
}


@pytest.mark.parametrize(
    ("name", "value"),
    [(name, v) for name, (low, high) in BOUNDS.items() for v in (low, high)],
    ids=str,
)
def test_numbers_at_their_bounds_are_accepted(name: str, value: int) -> None:
    assert getattr(make_policy({name: value}), name) == value


@pytest.mark.parametrize(
    ("name", "value"),
    [(name, v) for name, (low, high) in BOUNDS.items() for v in (low - 1, high + 1)],
    ids=str,
)
def test_numbers_just_outside_their_bounds_are_refused(name: str, value: int) -> None:
    low, high = BOUNDS[name]

    with pytest.raises(InvalidInput) as caught:
        make_policy({name: value})

    assert caught.value.field == f"policy.{name}"
    assert (caught.value.facts["min"], caught.value.facts["max"]) == (low, high)


def version(n: int, hours_after_t0: int) -> PolicyVersion:
    return PolicyVersion(
        id=100 + n,
        store_id=1,
        version=n,
        effective_from=T0 + timedelta(hours=hours_after_t0),
        policy=StorePolicy(processing_days=n),
    )


VERSIONS = [version(1, 0), version(2, 24), version(3, 48)]
SECOND = timedelta(seconds=1)


@pytest.mark.parametrize(
    ("paid_at", "expected"),
    [
        (T0 - timedelta(days=1), 1),
        (T0, 1),
        (T0 + timedelta(hours=24) - SECOND, 1),
        (T0 + timedelta(hours=24), 2),
        (T0 + timedelta(hours=48) - SECOND, 2),
        (T0 + timedelta(hours=48), 3),
        (T0 + timedelta(days=365), 3),
    ],
    ids=[
        "before_the_first_version",
        "exactly_at_the_first",
        "last_second_of_v1",
        "exactly_when_v2_takes_effect",
        "last_second_of_v2",
        "exactly_when_v3_takes_effect",
        "long_after",
    ],
)
def test_the_version_in_force_at_payment_governs(paid_at: datetime, expected: int) -> None:
    assert policy_in_force(VERSIONS, paid_at).version == expected


def test_the_version_order_of_the_list_does_not_matter() -> None:
    at = T0 + timedelta(hours=30)

    assert policy_in_force(list(reversed(VERSIONS)), at).version == 2


def test_two_versions_from_the_same_moment_resolve_to_the_later_one() -> None:
    same = [version(1, 0), version(2, 0)]

    assert policy_in_force(same, T0).version == 2


def test_platform_overrides_ignore_unknown_keys() -> None:
    platform = PlatformPolicy.from_overrides({"payment_window_hours": 24, "nonsense": 5})

    assert (platform.payment_window_hours, platform.protection_days) == (24, 60)


def test_the_default_policy_in_plain_words() -> None:
    assert policy_sentences(StorePolicy(), ENGLISH) == [
        "Cancelling a paid order asks the seller, who has 2 days to answer; "
        "no answer means it is approved.",
        "Cancellations cover the whole order; single items cannot be cancelled.",
        "The seller ships within 7 business days.",
        "Changed your mind? Return within 30 days of delivery; you pay the return shipping.",
        "Items that are damaged, faulty or not as described can be returned at the seller's "
        "cost while buyer protection lasts; the seller answers within 3 business days.",
    ]


def test_a_generous_policy_in_plain_words() -> None:
    policy = StorePolicy(
        buyer_cancel=BuyerCancel.instant,
        allow_partial_cancel=True,
        processing_days=1,
        return_window_days=1,
        restocking_fee_percent=15,
        buyer_pays_remorse_return_shipping=False,
        return_response_business_days=1,
    )

    assert policy_sentences(policy, ENGLISH) == [
        "You can cancel an unshipped order at once, without asking the seller.",
        "You may cancel some items of an order and keep the rest.",
        "The seller ships within 1 business day.",
        "Changed your mind? Return within 1 day of delivery; the seller pays the return "
        "shipping. A restocking fee of 15% applies.",
        "Items that are damaged, faulty or not as described can be returned at the seller's "
        "cost while buyer protection lasts; the seller answers within 1 business day.",
    ]


def test_a_store_without_remorse_returns_says_so() -> None:
    sentences = policy_sentences(StorePolicy(accepts_remorse_returns=False), ENGLISH)

    assert "This store does not take back items you simply no longer want." in sentences


@pytest.mark.parametrize(
    ("hours", "words"),
    [(1, "1 hour"), (24, "24 hours"), (36, "36 hours"), (48, "2 days"), (72, "3 days")],
)
def test_the_seller_answer_time_reads_naturally(hours: int, words: str) -> None:
    first = policy_sentences(StorePolicy(cancel_response_hours=hours), ENGLISH)[0]

    assert f"who has {words} to answer" in first


def test_the_policy_reads_in_spanish_for_a_spanish_reader() -> None:
    sentences = policy_sentences(StorePolicy(), Words("es"))

    assert sentences[2] == "El vendedor envía en un plazo de 7 días hábiles."
    assert all(english not in sentences for english in policy_sentences(StorePolicy(), ENGLISH))
