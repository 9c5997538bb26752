"""F1: a refund's cause reference names the cancellation that caused it."""

from __future__ import annotations

import pytest

from recourse.domain.refund import cancellation_of, cancellation_ref


def test_a_cancellation_reference_reads_back_as_its_cancellation() -> None:
    assert cancellation_of(cancellation_ref(42)) == 42


@pytest.mark.parametrize(
    "cause_ref", [None, "", "manual:key-1", "cancellation:", "cancellation:x", "cancellation:²"]
)
def test_other_causes_name_no_cancellation(cause_ref: str | None) -> None:
    assert cancellation_of(cause_ref) is None
