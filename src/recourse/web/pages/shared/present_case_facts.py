"""What support weighs on a case, for the support order page and the support case page:
parcels with no carrier scan (C10, flagged on read) and each refund's trace number and gateway
history (F5). `case_facts(...)` is the context the `disputes/_support_facts.html` partial
reads as `facts`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from recourse.db.queries.case_facts import (
    NoScanFlag,
    RefundHistory,
    no_scan_flags,
    refund_history,
)
from recourse.web.pages.shared.present_refunds import SUPPORT_STATUS_LABELS


@dataclass(frozen=True, slots=True)
class CaseFacts:
    flags: list[NoScanFlag]
    refunds: list[RefundHistory]
    # the ledger's own words for a status (msgids, translated in the template)
    status_labels: Mapping[str, str] = field(default_factory=lambda: SUPPORT_STATUS_LABELS)


def case_facts(session: Session, order_id: int, now: datetime) -> CaseFacts:
    return CaseFacts(
        flags=no_scan_flags(session, order_id, now), refunds=refund_history(session, order_id)
    )
