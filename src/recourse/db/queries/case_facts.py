"""Read side of what support weighs on a case (C10, F5): parcels the carrier never scanned
(flagged `no_scan_flag_hours` after they were said to ship, derived on read: no worker
needed) and each refund's gateway history (every answer and failed send, with its trace
number and reference)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from recourse.db import models as m
from recourse.db.queries.platform import platform_policy
from recourse.domain.shipment import (
    Shipment,
    ShipmentDirection,
    ShipmentLine,
    ShipmentStatus,
    no_scan_since,
)


@dataclass(frozen=True, slots=True)
class NoScanFlag:
    """C10: an outbound parcel with no carrier event since it was said to ship."""

    shipment_id: int
    carrier: str
    tracking_number: str
    since: datetime
    flagged_at: datetime  # when the flag rose (`no_scan_flag_hours` after `since`)
    units: int

    kind: str = "no_carrier_scan"


@dataclass(frozen=True, slots=True)
class RefundAttemptView:
    at: datetime
    kind: str  # "answer" (the gateway's status) or "failure" (a send that failed)
    status: str | None
    reference: str | None
    trace_number: str | None
    error: str | None


@dataclass(frozen=True, slots=True)
class RefundHistory:
    """F5: a refund with its trace number and every gateway answer or failure, oldest first."""

    id: int
    status: str
    amount: int
    currency: str
    method: str
    gateway: str
    gateway_reference: str | None
    trace_number: str | None
    expected_latest: date
    last_error: str | None
    attempts: list[RefundAttemptView]


def _shipment(row: m.ShipmentRow) -> Shipment:
    return Shipment(
        id=row.id,
        order_id=row.order_id,
        carrier=row.carrier,
        tracking_number=row.tracking_number,
        status=ShipmentStatus(row.status),
        lines=tuple(ShipmentLine(line_id=x.line_id, quantity=x.quantity) for x in row.lines),
        shipped_at=row.shipped_at,
        direction=ShipmentDirection(row.direction or "outbound"),
        return_id=row.return_id,
    )


def no_scan_flags(
    session: Session, order_id: int, now: datetime, *, flag_after_hours: int | None = None
) -> list[NoScanFlag]:
    """C10: the order's parcels flagged for no carrier scan at `now` (PlatformPolicy
    `no_scan_flag_hours` unless given)."""
    hours = (
        flag_after_hours
        if flag_after_hours is not None
        else platform_policy(session).no_scan_flag_hours
    )
    rows = session.scalars(
        select(m.ShipmentRow)
        .where(
            m.ShipmentRow.order_id == order_id,
            m.ShipmentRow.status == str(ShipmentStatus.shipped),
        )
        .order_by(m.ShipmentRow.id)
    )
    flags = []
    for row in rows:
        shipment = _shipment(row)
        since = no_scan_since(shipment, now, flag_after_hours=hours)
        if since is None:
            continue
        flags.append(
            NoScanFlag(
                shipment_id=shipment.id,
                carrier=shipment.carrier,
                tracking_number=shipment.tracking_number,
                since=since,
                flagged_at=since + timedelta(hours=hours),
                units=sum(x.quantity for x in shipment.lines),
            )
        )
    return flags


def refund_history(session: Session, order_id: int) -> list[RefundHistory]:
    """F5: the order's refunds, oldest first, each with its gateway history."""
    refunds = list(
        session.scalars(
            select(m.RefundRow).where(m.RefundRow.order_id == order_id).order_by(m.RefundRow.id)
        )
    )
    attempts: dict[int, list[RefundAttemptView]] = {r.id: [] for r in refunds}
    if refunds:
        for a in session.scalars(
            select(m.RefundAttemptRow)
            .where(m.RefundAttemptRow.refund_id.in_(list(attempts)))
            .order_by(m.RefundAttemptRow.at, m.RefundAttemptRow.id)
        ):
            attempts[a.refund_id].append(
                RefundAttemptView(
                    at=a.at,
                    kind=a.kind,
                    status=a.status,
                    reference=a.reference,
                    trace_number=a.trace_number,
                    error=a.error,
                )
            )
    return [
        RefundHistory(
            id=r.id,
            status=r.status,
            amount=r.amount,
            currency=r.currency,
            method=r.method,
            gateway=r.gateway,
            gateway_reference=r.gateway_reference,
            trace_number=r.trace_number,
            expected_latest=r.expected_latest,
            last_error=r.last_error,
            attempts=attempts[r.id],
        )
        for r in refunds
    ]
