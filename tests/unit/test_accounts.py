"""§1 accounts: the checks on a person's name (T3) and on a client's address (T5)."""

from __future__ import annotations

import pytest

from recourse.domain.accounts import check_name
from recourse.domain.errors import InvalidInput


@pytest.mark.parametrize(
    "name",
    [
        "Eve\r\nBcc: x@evil.test",
        "Eve\n",
        "\tEve",
        "Eve\x00",
        "Eve\x7f",
        "Eve\x85",
        "A\u2028B",
        "A\u2029B",
    ],
)
def test_names_with_control_characters_or_line_separators_are_refused(name: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_name(name)

    assert refused.value.field == "name"


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ('Eve <x@evil.test> "', 'Eve <x@evil.test> "'),
        ("  Zoë Müller-Łukasiewicz ", "Zoë Müller-Łukasiewicz"),
        ("O'Brien, Seán (Support)", "O'Brien, Seán (Support)"),
        ("李小龍", "李小龍"),
    ],
)
def test_names_people_are_called_are_kept(name: str, kept: str) -> None:
    assert check_name(name) == kept


def test_an_empty_name_is_refused() -> None:
    with pytest.raises(InvalidInput, match="Enter a name"):
        check_name("   ")
