"""Repositories: rows in, domain values out. All SQL of the write side lives here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, joinedload

from recourse.db import models as m
from recourse.db.reference import ReferenceCache
from recourse.db.writes import hold, insert_ignoring_duplicates
from recourse.domain.accounts import Store, User
from recourse.domain.order import (
    Deadlines,
    LineQuantities,
    Order,
    OrderLine,
    Payment,
    PaymentMethod,
    PaymentStatus,
    order_totals,
)
from recourse.domain.policy import BuyerCancel, PlatformPolicy, PolicyVersion, StorePolicy
from recourse.domain.roles import Role
from recourse.domain.shipment import Shipment, ShipmentLine, ShipmentStatus
from recourse.domain.timeline import TimelineEntry
from recourse.services.ports import NewOrder, NewUser, TokenRecord


def _user(row: m.UserRow) -> User:
    return User(
        id=row.id,
        email=row.email,
        name=row.name,
        role=Role(row.role),
        country=row.country,
        timezone=row.timezone,
        locale=row.locale,
        store_ids=frozenset(s.store_id for s in row.stores),
        password_hash=row.password_hash,
    )


class SqlUsers:
    def __init__(self, session: Session, cache: ReferenceCache | None = None) -> None:
        self.s = session
        self.cache = cache or ReferenceCache(0)

    def add(self, user: NewUser) -> int:
        row = m.UserRow(
            email=user.email,
            name=user.name,
            role=str(user.role),
            country=user.country,
            timezone=user.timezone,
            locale=user.locale,
            password_hash=user.password_hash,
            created_at=user.created_at,
        )
        self.s.add(row)
        self.s.flush()
        if user.store_ids:
            self.cache.clear()
        for store_id in sorted(user.store_ids):
            self.s.add(m.StoreStaffRow(user_id=row.id, store_id=store_id))
        self.s.flush()
        return row.id

    def get(self, user_id: int) -> User | None:
        row = self.s.get(m.UserRow, user_id, options=[joinedload(m.UserRow.stores)])
        return _user(row) if row else None

    def by_email(self, email: str) -> User | None:
        row = self.s.scalars(select(m.UserRow).where(m.UserRow.email == email)).first()
        return _user(row) if row else None

    def home(self, user_id: int) -> tuple[str, str] | None:
        """The user's country and time zone, without the rest of the account."""
        row = self.s.execute(
            select(m.UserRow.country, m.UserRow.timezone).where(m.UserRow.id == user_id)
        ).first()
        return (row[0], row[1]) if row else None

    def staff_ids(self, store_id: int) -> list[int]:
        """A store's staff changes rarely: kept with the reference data (db/reference.py)."""

        def load() -> tuple[int, ...]:
            return tuple(
                self.s.scalars(
                    select(m.StoreStaffRow.user_id)
                    .where(m.StoreStaffRow.store_id == store_id)
                    .order_by(m.StoreStaffRow.user_id)
                )
            )

        return list(self.cache.get(("staff", store_id), load))

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        self.s.execute(
            update(m.UserRow).where(m.UserRow.id == user_id).values(password_hash=password_hash)
        )


def _policy(row: m.StorePolicyRow) -> PolicyVersion:
    return PolicyVersion(
        id=row.id,
        store_id=row.store_id,
        version=row.version,
        effective_from=row.effective_from,
        policy=StorePolicy(
            buyer_cancel=BuyerCancel(row.buyer_cancel),
            cancel_response_hours=row.cancel_response_hours,
            allow_partial_cancel=row.allow_partial_cancel,
            processing_days=row.processing_days,
            accepts_remorse_returns=row.accepts_remorse_returns,
            return_window_days=row.return_window_days,
            restocking_fee_percent=row.restocking_fee_percent,
            buyer_pays_remorse_return_shipping=row.buyer_pays_remorse_return_shipping,
            return_response_business_days=row.return_response_business_days,
        ),
    )


class SqlStores:
    def __init__(self, session: Session, cache: ReferenceCache | None = None) -> None:
        self.s = session
        self.cache = cache or ReferenceCache(0)

    def add(self, name: str, country: str, created_at: datetime) -> int:
        row = m.StoreRow(name=name, country=country, created_at=created_at)
        self.s.add(row)
        self.s.flush()
        return row.id

    def get(self, store_id: int) -> Store | None:
        row = self.s.get(m.StoreRow, store_id)
        return Store(id=row.id, name=row.name, country=row.country) if row else None

    def add_policy_version(
        self, store_id: int, policy: StorePolicy, effective_from: datetime
    ) -> PolicyVersion:
        self.cache.clear()
        latest = self.s.scalar(
            select(func.max(m.StorePolicyRow.version)).where(m.StorePolicyRow.store_id == store_id)
        )
        row = m.StorePolicyRow(
            store_id=store_id,
            version=(latest or 0) + 1,
            effective_from=effective_from,
            **policy.as_dict(),
        )
        self.s.add(row)
        self.s.flush()
        return _policy(row)

    def policy_versions(self, store_id: int) -> list[PolicyVersion]:
        """Every version, oldest first; which one is in force is decided by the caller's clock,
        so the list is kept with the reference data and cleared when a version is added."""

        def load() -> tuple[PolicyVersion, ...]:
            rows = self.s.scalars(
                select(m.StorePolicyRow)
                .where(m.StorePolicyRow.store_id == store_id)
                .order_by(m.StorePolicyRow.version)
            )
            return tuple(_policy(r) for r in rows)

        return list(self.cache.get(("policy_versions", store_id), load))

    def policy_version(self, version_id: int) -> PolicyVersion | None:
        """A version never changes once written, so every process may keep it."""

        def load() -> PolicyVersion | None:
            row = self.s.get(m.StorePolicyRow, version_id)
            return _policy(row) if row else None

        return self.cache.get(("policy_version", version_id), load)


def order_from_row(row: m.OrderRow) -> Order:
    return Order(
        id=row.id,
        buyer_id=row.buyer_id,
        store_id=row.store_id,
        currency=row.currency,
        country=row.country,
        shipping_fee=row.shipping_fee,
        payment=Payment(
            method=PaymentMethod(row.payment_method),
            status=PaymentStatus(row.payment_status),
            amount_captured=row.amount_captured,
            captured_at=row.captured_at,
            reference=row.payment_reference,
            review_started_at=row.review_started_at,
        ),
        lines=tuple(
            OrderLine(
                id=line.id,
                sku=line.sku,
                title=line.title,
                unit_price=line.unit_price,
                quantity=line.quantity,
                discount=line.discount,
                tax=line.tax,
                quantities=LineQuantities(
                    ordered=line.quantity,
                    cancelled=line.qty_cancelled,
                    shipped=line.qty_shipped,
                    delivered=line.qty_delivered,
                    returned=line.qty_returned,
                    refunded=line.qty_refunded,
                ),
            )
            for line in row.lines
        ),
        created_at=row.created_at,
        deadlines=Deadlines(
            pay_by=row.pay_by,
            review_until=row.review_until,
            ship_by=row.ship_by,
            protection_ends_at=row.protection_ends_at,
        ),
        first_shipped_at=row.first_shipped_at,
        receipt_confirmed_at=row.receipt_confirmed_at,
        policy_version_id=row.policy_version_id,
        external_id=row.external_id,
    )


class SqlOrders:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, order: NewOrder) -> int:
        total = order_totals(order.currency, order.lines, order.shipping_fee).total.minor
        row = m.OrderRow(
            external_id=order.external_id,
            buyer_id=order.buyer_id,
            store_id=order.store_id,
            currency=order.currency,
            country=order.country,
            shipping_fee=order.shipping_fee,
            total=total,
            payment_method=str(order.payment.method),
            payment_status=str(order.payment.status),
            amount_captured=order.payment.amount_captured,
            pay_by=order.deadlines.pay_by,
            status="awaiting_payment",
            status_changed_at=order.created_at,
            created_at=order.created_at,
        )
        self.s.add(row)
        self.s.flush()
        for position, line in enumerate(order.lines):
            self.s.add(
                m.OrderLineRow(
                    order_id=row.id,
                    position=position,
                    sku=line.sku,
                    title=line.title,
                    unit_price=line.unit_price,
                    quantity=line.quantity,
                    discount=line.discount,
                    tax=line.tax,
                )
            )
        self.s.flush()
        return row.id

    def _row(self, order_id: int, for_update: bool) -> m.OrderRow | None:
        """The order with its lines in one query. FOR UPDATE locks the lines with the order
        (every order has lines, so the join is inner): a read that waited for another
        writer then sees that writer's lines, not the ones of its own snapshot."""
        stmt = (
            select(m.OrderRow)
            .where(m.OrderRow.id == order_id)
            .options(joinedload(m.OrderRow.lines, innerjoin=True))
        )
        if for_update:
            stmt = stmt.with_for_update()
        row = self.s.scalars(stmt.execution_options(populate_existing=for_update)).unique().first()
        hold(self.s, row)
        return row

    def get(self, order_id: int, *, for_update: bool = False) -> Order | None:
        row = self._row(order_id, for_update)
        return order_from_row(row) if row else None

    def id_by_external_id(self, store_id: int, external_id: str) -> int | None:
        return self.s.scalar(
            select(m.OrderRow.id).where(
                m.OrderRow.store_id == store_id, m.OrderRow.external_id == external_id
            )
        )

    def save_quantities(self, order_id: int, changes: Mapping[int, LineQuantities]) -> None:
        """Set on the rows the session holds (it loaded them with the order); the flush sends
        every changed line in one batched UPDATE."""
        for line_id, qty in changes.items():
            row = self.s.get(m.OrderLineRow, line_id)
            if row is None or row.order_id != order_id:
                raise LookupError(f"order {order_id} has no line {line_id}")
            row.qty_cancelled = qty.cancelled
            row.qty_shipped = qty.shipped
            row.qty_delivered = qty.delivered
            row.qty_returned = qty.returned
            row.qty_refunded = qty.refunded

    def save_payment(
        self, order_id: int, payment: Payment, *, policy_version_id: int | None
    ) -> None:
        self.s.execute(
            update(m.OrderRow)
            .where(m.OrderRow.id == order_id)
            .values(
                payment_status=str(payment.status),
                amount_captured=payment.amount_captured,
                captured_at=payment.captured_at,
                payment_reference=payment.reference,
                review_started_at=payment.review_started_at,
                policy_version_id=policy_version_id,
            )
        )
        self.s.expire_all()

    def save_deadlines(self, order_id: int, deadlines: Deadlines) -> None:
        self.s.execute(
            update(m.OrderRow)
            .where(m.OrderRow.id == order_id)
            .values(
                pay_by=deadlines.pay_by,
                review_until=deadlines.review_until,
                ship_by=deadlines.ship_by,
                protection_ends_at=deadlines.protection_ends_at,
            )
        )
        self.s.expire_all()

    def set_first_shipped(self, order_id: int, at: datetime) -> None:
        self.s.execute(
            update(m.OrderRow).where(m.OrderRow.id == order_id).values(first_shipped_at=at)
        )
        self.s.expire_all()

    def set_status(self, order_id: int, status: str, at: datetime) -> None:
        row = self.s.get(m.OrderRow, order_id)
        if row is not None and row.status != str(status):
            row.status = str(status)
            row.status_changed_at = at

    def stored_status(self, order_id: int) -> str | None:
        row = self.s.get(m.OrderRow, order_id)
        return row.status if row else None


def _shipment(row: m.ShipmentRow) -> Shipment:
    return Shipment(
        id=row.id,
        order_id=row.order_id,
        carrier=row.carrier,
        tracking_number=row.tracking_number,
        status=ShipmentStatus(row.status),
        lines=tuple(ShipmentLine(line_id=x.line_id, quantity=x.quantity) for x in row.lines),
        shipped_at=row.shipped_at,
    )


class SqlShipments:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add(
        self,
        order_id: int,
        *,
        carrier: str,
        tracking_number: str,
        lines: Sequence[ShipmentLine],
        shipped_at: datetime,
    ) -> int:
        row = m.ShipmentRow(
            order_id=order_id,
            carrier=carrier,
            tracking_number=tracking_number,
            status=str(ShipmentStatus.shipped),
            shipped_at=shipped_at,
        )
        row.lines = [
            m.ShipmentLineRow(line_id=item.line_id, quantity=item.quantity) for item in lines
        ]
        self.s.add(row)
        self.s.flush()
        return row.id

    def get(self, shipment_id: int, *, for_update: bool = False) -> Shipment | None:
        stmt = select(m.ShipmentRow).where(m.ShipmentRow.id == shipment_id)
        if for_update:
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        row = self.s.scalars(stmt).first()
        return _shipment(row) if row else None

    def set_status(self, shipment_id: int, status: ShipmentStatus) -> None:
        self.s.execute(
            update(m.ShipmentRow).where(m.ShipmentRow.id == shipment_id).values(status=str(status))
        )

    def add_event(self, shipment_id: int, event: str, at: datetime, recorded_at: datetime) -> int:
        row = m.ShipmentEventRow(
            shipment_id=shipment_id, type=event, happened_at=at, recorded_at=recorded_at
        )
        self.s.add(row)
        self.s.flush()
        return row.id


class SqlTimeline:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, entry: TimelineEntry) -> None:
        self.s.add(
            m.TimelineRow(
                order_id=entry.order_id,
                at=entry.at,
                actor_role=str(entry.actor.role),
                actor_id=entry.actor.user_id,
                action=entry.action,
                from_state=entry.from_state,
                to_state=entry.to_state,
                reason=entry.reason,
                note=entry.note,
                data=entry.data,
                visible_to_buyer=entry.visible_to_buyer,
                visible_to_seller=entry.visible_to_seller,
            )
        )


class SqlOutbox:
    """Messages are kept until the unit of work commits, then written in one INSERT."""

    def __init__(self, session: Session) -> None:
        self.s = session
        self.pending: list[dict[str, Any]] = []

    def add(
        self,
        kind: str,
        payload: Mapping[str, Any],
        *,
        available_at: datetime,
        dedupe_key: str | None = None,
    ) -> None:
        """Insert once per dedupe key: a repeated add of the same message is a no-op."""
        self.pending.append(
            {
                "kind": kind,
                "payload": dict(payload),
                "dedupe_key": dedupe_key,
                "created_at": available_at,
                "available_at": available_at,
                "attempts": 0,
            }
        )

    def write_pending(self) -> None:
        insert_ignoring_duplicates(self.s, m.OutboxRow, self.pending)
        self.pending = []


class SqlTokens:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add(
        self,
        token_hash: str,
        *,
        user_id: int | None,
        operator: bool,
        name: str,
        created_at: datetime,
    ) -> int:
        row = m.ApiTokenRow(
            token_hash=token_hash,
            user_id=user_id,
            operator=operator,
            name=name,
            created_at=created_at,
        )
        self.s.add(row)
        self.s.flush()
        return row.id

    def find(self, token_hash: str) -> TokenRecord | None:
        row = self.s.scalars(
            select(m.ApiTokenRow).where(m.ApiTokenRow.token_hash == token_hash)
        ).first()
        if row is None:
            return None
        return TokenRecord(
            id=row.id,
            user_id=row.user_id,
            operator=row.operator,
            revoked=row.revoked_at is not None,
        )


class SqlLoginAttempts:
    def __init__(self, session: Session) -> None:
        self.s = session

    def begin(self, keys: Sequence[str], at: datetime) -> list[int]:
        rows = [m.LoginAttemptRow(key=key, at=at, succeeded=False) for key in keys]
        self.s.add_all(rows)
        self.s.flush()
        return [row.id for row in rows]

    def failures_since(self, key: str, since: datetime, *, reset_by_success: bool) -> int:
        start = since
        if reset_by_success:
            last_success = self.s.scalar(
                select(func.max(m.LoginAttemptRow.at)).where(
                    m.LoginAttemptRow.key == key, m.LoginAttemptRow.succeeded.is_(True)
                )
            )
            start = max(since, last_success) if last_success else since
        return int(
            self.s.scalar(
                select(func.count()).where(
                    m.LoginAttemptRow.key == key,
                    m.LoginAttemptRow.succeeded.is_(False),
                    m.LoginAttemptRow.at >= start,
                )
            )
            or 0
        )

    def succeeded(self, attempt_ids: Sequence[int]) -> None:
        self.s.execute(
            update(m.LoginAttemptRow)
            .where(m.LoginAttemptRow.id.in_(attempt_ids))
            .values(succeeded=True)
        )

    def forget(self, attempt_ids: Sequence[int]) -> None:
        self.s.execute(delete(m.LoginAttemptRow).where(m.LoginAttemptRow.id.in_(attempt_ids)))


class SqlPlatform:
    def __init__(self, session: Session, cache: ReferenceCache | None = None) -> None:
        self.s = session
        self.cache = cache or ReferenceCache(0)

    def policy(self) -> PlatformPolicy:
        def load() -> PlatformPolicy:
            rows = self.s.execute(select(m.PlatformSettingRow.key, m.PlatformSettingRow.value))
            return PlatformPolicy.from_overrides({k: v for k, v in rows})

        return self.cache.get("platform", load)

    def set_values(self, values: Mapping[str, int]) -> None:
        self.cache.clear()
        for key, value in values.items():
            row = self.s.get(m.PlatformSettingRow, key)
            if row is None:
                self.s.add(m.PlatformSettingRow(key=key, value=value))
            else:
                row.value = value
