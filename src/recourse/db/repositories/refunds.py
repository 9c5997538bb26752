"""Repositories of the refund ledger and the settlement profiles."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from recourse.db import models as m
from recourse.db.ids import add_with_id, id_in_advance, new_row
from recourse.db.reference import ReferenceCache
from recourse.db.repositories.preload import held_cases
from recourse.db.repositories.writes import hold, new_mapped, order_of, set_columns
from recourse.domain.order import PaymentMethod
from recourse.domain.refund import COUNTS_AGAINST_CAPTURE, RefundedSoFar, RefundStatus
from recourse.domain.settlement import DEFAULT_PROFILES, SettlementProfile
from recourse.services.ports import NewRefund, Refund


def new_idempotency_key() -> str:
    """F3: the key the refund is sent with, chosen before the row is written and kept with it,
    so every resend after a crash carries the same one."""
    return "recourse-refund-" + secrets.token_hex(16)


def refund_from_row(row: m.RefundRow) -> Refund:
    return Refund(
        id=row.id,
        order_id=row.order_id,
        status=RefundStatus(row.status),
        amount=row.amount,
        currency=row.currency,
        method=row.method,
        cause=row.cause,
        gateway=row.gateway,
        idempotency_key=row.idempotency_key,
        gateway_reference=row.gateway_reference,
        trace_number=row.trace_number,
        attempts=row.attempts,
        needs_attention=row.needs_attention,
        expected_earliest=row.expected_earliest,
        expected_latest=row.expected_latest,
        created_at=row.created_at,
        sent_at=row.sent_at,
    )


COUNTED = frozenset(str(s) for s in COUNTS_AGAINST_CAPTURE)


class SqlRefunds:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, refund: NewRefund) -> int:
        q = refund.quote
        row = new_mapped(
            m.RefundRow,
            order_id=refund.order_id,
            cause=str(q.cause),
            cause_ref=refund.cause_ref,
            status=str(RefundStatus.pending),
            currency=q.currency,
            items=q.items,
            tax=q.tax,
            shipping=q.shipping,
            fees=q.fees,
            amount=q.total,
            method=str(q.method),
            reason=refund.reason,
            note=refund.note,
            created_by_role=refund.created_by_role,
            created_by_id=refund.created_by_id,
            gateway=refund.gateway,
            idempotency_key=new_idempotency_key(),
            attempts=0,
            needs_attention=False,
            expected_earliest=refund.expected_earliest,
            expected_latest=refund.expected_latest,
            created_at=refund.created_at,
        )
        held = held_cases(self.s, m.RefundRow, refund.order_id)
        # above the order's refunds: their ids keep the order they were made in (db/ids.py)
        above = None if held is None else max((r.id or 0 for r in held), default=0)
        pk = id_in_advance(self.s, m.RefundRow, above=above)
        row.lines = [
            new_mapped(
                m.RefundLineRow,
                refund_id=pk,
                line_id=line.line_id,
                quantity=line.quantity,
                items=line.items,
                tax=line.tax,
                order_id=refund.order_id,
            )
            for line in q.lines
        ]
        if pk is None:
            self.s.add(row)
            self.s.flush()  # to learn its id
        else:
            add_with_id(self.s, row, pk)  # written at commit (db/appends.py)
        hold(self.s, row)
        return row.id

    def get(self, refund_id: int, *, for_update: bool = False) -> Refund | None:
        if for_update:
            stmt = (
                select(m.RefundRow)
                .where(m.RefundRow.id == refund_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
            row = self.s.scalars(stmt).first()
            hold(self.s, row)
        else:
            row = new_row(self.s, m.RefundRow, refund_id) or self.s.get(m.RefundRow, refund_id)
            hold(self.s, row)
        return refund_from_row(row) if row else None

    def so_far(self, order_id: int) -> RefundedSoFar:
        held = held_cases(self.s, m.RefundRow, order_id)  # a batch of deadlines holds them
        if held is not None:
            counted = [r for r in held if r.status in COUNTED]
            return RefundedSoFar(
                total=sum(r.amount for r in counted), shipping=sum(r.shipping for r in counted)
            )
        total, shipping = self.s.execute(
            select(
                func.coalesce(func.sum(m.RefundRow.amount), 0),
                func.coalesce(func.sum(m.RefundRow.shipping), 0),
            ).where(
                m.RefundRow.order_id == order_id,
                m.RefundRow.status.in_([str(s) for s in COUNTS_AGAINST_CAPTURE]),
            )
        ).one()
        return RefundedSoFar(total=int(total), shipping=int(shipping))

    def update(self, refund_id: int, **values: Any) -> None:
        """Set on the row the session holds; written with the next flush."""
        if "status" in values:
            values["status"] = str(values["status"])
        set_columns(self.s, m.RefundRow, refund_id, values)

    def id_by_reference(self, gateway: str, reference: str) -> int | None:
        return self.s.scalar(
            select(m.RefundRow.id).where(
                m.RefundRow.gateway == gateway, m.RefundRow.gateway_reference == reference
            )
        )

    def id_by_cause(self, order_id: int, cause_ref: str) -> int | None:
        return self.s.scalar(
            select(m.RefundRow.id).where(
                m.RefundRow.order_id == order_id, m.RefundRow.cause_ref == cause_ref
            )
        )

    def add_attempt(
        self,
        refund_id: int,
        *,
        at: datetime,
        kind: str,
        status: str | None = None,
        reference: str | None = None,
        trace_number: str | None = None,
        error: str | None = None,
    ) -> None:
        self.s.add(
            m.RefundAttemptRow(
                refund_id=refund_id,
                order_id=order_of(self.s, m.RefundRow, refund_id),
                at=at,
                kind=kind,
                status=status,
                reference=reference,
                trace_number=trace_number,
                error=error,
            )
        )


class SqlSettlement:
    def __init__(self, session: Session, cache: ReferenceCache | None = None) -> None:
        self.s = session
        self.cache = cache or ReferenceCache(0)

    def profile(self, method: str) -> SettlementProfile:
        def load() -> SettlementProfile:
            row = self.s.get(m.SettlementProfileRow, method)
            if row is None:
                return DEFAULT_PROFILES[PaymentMethod(method)]
            return SettlementProfile(
                PaymentMethod(method), row.min_business_days, row.max_business_days
            )

        return self.cache.get(("settlement", method), load)

    def set_profile(self, profile: SettlementProfile) -> None:
        self.cache.clear()
        row = self.s.get(m.SettlementProfileRow, str(profile.method))
        if row is None:
            self.s.add(
                m.SettlementProfileRow(
                    method=str(profile.method),
                    min_business_days=profile.min_business_days,
                    max_business_days=profile.max_business_days,
                )
            )
        else:
            row.min_business_days = profile.min_business_days
            row.max_business_days = profile.max_business_days
