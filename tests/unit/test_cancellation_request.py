"""C4/C9/C10/C11: a buyer's request — the seller's answer, what it blocks, what its deadline
decides."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest

from recourse.domain.cancellation import CancellationStatus
from recourse.domain.cancellation_request import (
    REJECTION_REASONS,
    RejectionReason,
    check_rejection,
    check_shipping_allowed,
    rejection_ships,
    reminder_useful,
    request_expired,
)
from recourse.domain.errors import InvalidInput, RuleConflict
from tests.unit.builders import T0

S = CancellationStatus
RESPOND_BY = T0 + timedelta(hours=48)
ANSWERED = [s for s in S if s is not S.pending_seller]


@pytest.mark.parametrize(
    ("reason", "note", "carrier", "tracking", "field_name"),
    [
        ("too_busy", None, None, None, "reason"),
        ("", None, None, None, "reason"),
        ("other", None, None, None, "note"),
        ("other", "   ", None, None, "note"),
        ("already_shipped", None, None, "TRK1", "carrier"),
        ("already_shipped", None, " ", "TRK1", "carrier"),
        ("already_shipped", None, "DHL", None, "tracking_number"),
        ("already_shipped", None, "DHL", "\t", "tracking_number"),
    ],
)
def test_a_rejection_names_its_reason_and_a_parcel_that_left_names_carrier_and_tracking(
    reason: str, note: str | None, carrier: str | None, tracking: str | None, field_name: str
) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        check_rejection(reason, note=note, carrier=carrier, tracking_number=tracking)
    assert excinfo.value.field == field_name


def test_an_unknown_rejection_reason_is_refused_with_the_catalogue() -> None:
    with pytest.raises(InvalidInput) as excinfo:
        check_rejection("nope", note=None, carrier=None, tracking_number=None)
    assert excinfo.value.facts["allowed"] == list(REJECTION_REASONS)


@pytest.mark.parametrize(
    ("reason", "note", "carrier", "tracking"),
    [
        ("made_to_order", None, None, None),
        ("buyer_agreed_to_keep", None, None, None),
        ("other", "We spoke on the phone.", None, None),
        ("already_shipped", None, "DHL", "TRK1"),
    ],
)
def test_a_complete_rejection_is_accepted(
    reason: str, note: str | None, carrier: str | None, tracking: str | None
) -> None:
    assert check_rejection(reason, note=note, carrier=carrier, tracking_number=tracking) is (
        RejectionReason(reason)
    )


@pytest.mark.parametrize(
    ("reason", "ships"),
    [(RejectionReason.already_shipped, True)]
    + [(r, False) for r in RejectionReason if r is not RejectionReason.already_shipped],
)
def test_only_a_rejection_because_the_parcel_left_records_a_shipment(
    reason: RejectionReason, ships: bool
) -> None:
    assert rejection_ships(reason) is ships


@dataclass(frozen=True)
class Pending:
    id: int = 7
    units: Mapping[int, int] = field(default_factory=lambda: {1: 1, 2: 2})
    respond_by: datetime | None = RESPOND_BY


@pytest.mark.parametrize(
    ("pending", "lines"),
    [(None, [1, 2]), (Pending(), [3]), (Pending(), []), (Pending(units={}), [1])],
    ids=["no request", "other lines", "no lines", "request of no lines"],
)
def test_lines_no_pending_request_covers_may_ship(
    pending: Pending | None, lines: list[int]
) -> None:
    check_shipping_allowed(pending, lines)


@pytest.mark.parametrize("lines", [[1], [2, 3], [1, 2]])
def test_lines_the_buyer_asked_to_cancel_do_not_ship_until_the_request_is_rejected(
    lines: list[int],
) -> None:
    with pytest.raises(RuleConflict) as excinfo:
        check_shipping_allowed(Pending(), lines)
    assert excinfo.value.code == "cancellation_pending"
    assert excinfo.value.facts == {"cancellation_id": 7, "respond_by": RESPOND_BY.isoformat()}


@pytest.mark.parametrize(
    ("now", "expired"),
    [
        (RESPOND_BY - timedelta(seconds=1), False),
        (RESPOND_BY, True),
        (RESPOND_BY + timedelta(days=3), True),
    ],
)
def test_a_pending_request_is_approved_by_silence_from_its_respond_by(
    now: datetime, expired: bool
) -> None:
    assert request_expired(S.pending_seller, RESPOND_BY, now) is expired


@pytest.mark.parametrize("status", ANSWERED)
def test_an_answered_request_is_not_decided_again_by_its_deadline(
    status: CancellationStatus,
) -> None:
    assert not request_expired(status, RESPOND_BY, RESPOND_BY + timedelta(days=1))


def test_a_request_without_a_deadline_never_expires() -> None:
    assert not request_expired(S.pending_seller, None, RESPOND_BY)


@pytest.mark.parametrize(
    ("now", "useful"),
    [
        (T0, True),
        (RESPOND_BY - timedelta(seconds=1), True),
        (RESPOND_BY, False),
        (RESPOND_BY + timedelta(hours=1), False),
    ],
)
def test_the_seller_is_reminded_only_while_an_answer_can_still_make_a_difference(
    now: datetime, useful: bool
) -> None:
    assert reminder_useful(S.pending_seller, RESPOND_BY, now) is useful


@pytest.mark.parametrize("status", ANSWERED)
def test_no_reminder_for_an_answered_request(status: CancellationStatus) -> None:
    assert not reminder_useful(status, RESPOND_BY, T0)
