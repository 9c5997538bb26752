"""F1: a manual refund's reason comes from a catalogue; `other` needs a note."""

from __future__ import annotations

import pytest

from recourse.domain.errors import InvalidInput
from recourse.domain.refund import RefundReason, check_refund_reason


@pytest.mark.parametrize("code", list(RefundReason))
def test_every_reason_of_the_catalogue_is_accepted_with_a_note(code: RefundReason) -> None:
    assert check_refund_reason(str(code), "Agreed with the buyer.") is code


@pytest.mark.parametrize(
    "code", [reason for reason in RefundReason if reason is not RefundReason.other]
)
def test_reasons_other_than_other_need_no_note(code: RefundReason) -> None:
    assert check_refund_reason(str(code), None) is code


@pytest.mark.parametrize("reason", ["please", "Goodwill", " goodwill", "", "damaged_in_transit"])
def test_a_reason_outside_the_catalogue_names_reason(reason: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_refund_reason(reason, "note")

    assert caught.value.field == "reason"
    assert caught.value.facts["allowed"] == [str(r) for r in RefundReason]


@pytest.mark.parametrize("note", [None, "", " \n\t "])
def test_other_without_a_note_names_note(note: str | None) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_refund_reason("other", note)

    assert caught.value.field == "note"
