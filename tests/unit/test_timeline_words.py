"""The timeline words what happened in the reader's language, counting days as they count."""

from __future__ import annotations

import pytest

from recourse.i18n import Words
from recourse.web.pages.shared.present_timeline import extension_sentence


@pytest.mark.parametrize(
    ("action", "days", "lang", "sentence"),
    [
        ("protection.extension_requested", 1, "en", "Asked for 1 more day of buyer protection."),
        ("protection.extension_granted", 10, "en", "Buyer protection extended by 10 days."),
        (
            "protection.extension_declined",
            5,
            "en",
            "Declined to extend buyer protection by 5 days.",
        ),
        ("protection.extension_granted", 1, "es", "La protección del comprador se amplió 1 día."),
        (
            "protection.extension_granted",
            10,
            "es",
            "La protección del comprador se amplió 10 días.",
        ),
    ],
)
def test_a_protection_extension_reads_with_its_days(
    action: str, days: int, lang: str, sentence: str
) -> None:
    assert extension_sentence(action, days, Words(lang)) == sentence
