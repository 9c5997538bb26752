"""The built-in sandbox gateway: accepts refunds, settles them later on the service's clock,
hands out ARN-like trace numbers, and can be told to fail for tests and demos.

It keeps its own book in the `sandbox_refunds` table, as a provider keeps its own database:
one row per idempotency key, so a repeated call returns the refund it already made.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from recourse.db.models import SandboxRefundRow, SandboxSettingRow
from recourse.services.ports import Clock, GatewayRefund, GatewayStatus, GatewayUnavailable


@dataclass(frozen=True, slots=True)
class SandboxSettings:
    fail_next: int = 0
    fail_always: bool = False
    decline_always: bool = False
    settle_seconds: int = 3600


def webhook_secret(install_secret: str) -> str:
    """T1: the Standard Webhooks secret of the sandbox's status webhook, made from the
    install's own secret, so no two installs (and no copy of the code) share it."""
    return "whsec_" + base64.b64encode(install_secret.encode()).decode()


def _trace_number(row_id: int) -> str:
    """A 23-digit acquirer reference number, unique per sandbox refund."""
    body = f"7{row_id:021d}"
    check = sum(int(d) for d in body) % 10
    return body + str(check)


class SandboxGateway:
    name = "sandbox"

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock

    def settings(self) -> SandboxSettings:
        with Session(self.engine) as session:
            row = session.get(SandboxSettingRow, 1)
            if row is None:
                return SandboxSettings()
            return SandboxSettings(
                row.fail_next, row.fail_always, row.decline_always, row.settle_seconds
            )

    def configure(self, settings: SandboxSettings) -> None:
        with Session(self.engine) as session, session.begin():
            row = session.get(SandboxSettingRow, 1)
            if row is None:
                row = SandboxSettingRow(id=1)
                session.add(row)
            row.fail_next = settings.fail_next
            row.fail_always = settings.fail_always
            row.decline_always = settings.decline_always
            row.settle_seconds = settings.settle_seconds

    def create_refund(
        self,
        *,
        idempotency_key: str,
        payment_reference: str | None,
        amount: int,
        currency: str,
        metadata: Mapping[str, str],
    ) -> GatewayRefund:
        try:
            return self._create(idempotency_key, payment_reference, amount, currency)
        except IntegrityError:
            # Two callers raced on one key: the other one's refund is the refund.
            return self._create(idempotency_key, payment_reference, amount, currency)

    def _create(
        self, idempotency_key: str, payment_reference: str | None, amount: int, currency: str
    ) -> GatewayRefund:
        now = self.clock.now()
        with Session(self.engine) as session, session.begin():
            query = select(SandboxRefundRow).where(
                SandboxRefundRow.idempotency_key == idempotency_key
            )
            if self.engine.dialect.name == "postgresql":
                query = query.with_for_update()
            existing = session.scalars(query).first()
            if existing is not None:
                if existing.amount != amount or existing.currency != currency:
                    raise ValueError("sandbox: idempotency key reused with other parameters")
                existing.calls += 1
                return self._answer(existing)
            setting = session.get(SandboxSettingRow, 1) or SandboxSettingRow(
                id=1,
                fail_next=0,
                fail_always=False,
                decline_always=False,
                settle_seconds=3600,
            )
            failing = setting.fail_always or setting.fail_next > 0
            if setting.fail_next > 0:
                setting.fail_next -= 1
                session.merge(setting)
            if not failing:
                row = SandboxRefundRow(
                    idempotency_key=idempotency_key,
                    reference="sbre_" + secrets.token_hex(10),
                    payment_reference=payment_reference,
                    amount=amount,
                    currency=currency,
                    status="failed" if setting.decline_always else "processing",
                    created_at=now,
                    settle_at=now + timedelta(seconds=setting.settle_seconds),
                    calls=1,
                )
                session.add(row)
                session.flush()
                return self._answer(row)
        raise GatewayUnavailable("sandbox: simulated provider outage (HTTP 503)")

    def retrieve_refund(self, reference: str) -> GatewayRefund:
        now = self.clock.now()
        with Session(self.engine) as session, session.begin():
            row = session.scalars(
                select(SandboxRefundRow).where(SandboxRefundRow.reference == reference)
            ).first()
            if row is None:
                raise LookupError(f"sandbox: no refund {reference}")
            if row.status == "processing" and now >= row.settle_at:
                row.status = "succeeded"
                row.trace_number = _trace_number(row.id)
            return self._answer(row)

    @staticmethod
    def _answer(row: SandboxRefundRow) -> GatewayRefund:
        return GatewayRefund(
            reference=row.reference,
            status=GatewayStatus(row.status),
            trace_number=row.trace_number,
            failure_reason="declined by the sandbox" if row.status == "failed" else None,
        )
