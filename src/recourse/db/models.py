"""The rows. Domain values are built from them in repositories.py; no rules live here."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from recourse.db.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Id = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON()}


class UserRow(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    country: Mapped[str] = mapped_column(String(2))
    timezone: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]
    stores: Mapped[list[StoreStaffRow]] = relationship(lazy="selectin")


class StoreRow(Base):
    __tablename__ = "stores"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime]


class StoreStaffRow(Base):
    __tablename__ = "store_staff"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), primary_key=True, index=True)


class StorePolicyRow(Base):
    __tablename__ = "store_policies"
    __table_args__ = (UniqueConstraint("store_id", "version"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    version: Mapped[int]
    effective_from: Mapped[datetime]
    buyer_cancel: Mapped[str] = mapped_column(String(16))
    cancel_response_hours: Mapped[int]
    allow_partial_cancel: Mapped[bool] = mapped_column(Boolean)
    processing_days: Mapped[int]
    accepts_remorse_returns: Mapped[bool] = mapped_column(Boolean)
    return_window_days: Mapped[int]
    restocking_fee_percent: Mapped[int]
    buyer_pays_remorse_return_shipping: Mapped[bool] = mapped_column(Boolean)
    return_response_business_days: Mapped[int]


class PlatformSettingRow(Base):
    __tablename__ = "platform_settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class ApiTokenRow(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    operator: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class OrderRow(Base):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("store_id", "external_id"),
        Index("ix_orders_buyer_status_id", "buyer_id", "status", "id"),
        Index("ix_orders_store_status_id", "store_id", "status", "id"),
        Index("ix_orders_status_id", "status", "id"),
        # Orders whose status the clock has moved on before the worker wrote it (tab counts).
        *(
            Index(
                f"ix_orders_{owner}_{column}",
                f"{owner}_id",
                column,
                postgresql_where=text(where),
                sqlite_where=text(where),
            )
            for owner in ("buyer", "store")
            for column, where in (
                ("protection_ends_at", "status IN ('shipped', 'delivered')"),
                ("pay_by", "status = 'awaiting_payment'"),
            )
        ),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(100))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    currency: Mapped[str] = mapped_column(String(3))
    country: Mapped[str] = mapped_column(String(2))
    shipping_fee: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(BigInteger)
    payment_method: Mapped[str] = mapped_column(String(20))
    payment_status: Mapped[str] = mapped_column(String(16))
    amount_captured: Mapped[int] = mapped_column(BigInteger, default=0)
    captured_at: Mapped[datetime | None]
    payment_reference: Mapped[str | None] = mapped_column(String(100))
    review_started_at: Mapped[datetime | None]
    policy_version_id: Mapped[int | None] = mapped_column(ForeignKey("store_policies.id"))
    pay_by: Mapped[datetime | None]
    review_until: Mapped[datetime | None]
    ship_by: Mapped[datetime | None]
    protection_ends_at: Mapped[datetime | None]
    first_shipped_at: Mapped[datetime | None]
    receipt_confirmed_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20))
    status_changed_at: Mapped[datetime]
    created_at: Mapped[datetime]
    lines: Mapped[list[OrderLineRow]] = relationship(
        lazy="selectin", order_by="OrderLineRow.position"
    )


class OrderLineRow(Base):
    __tablename__ = "order_lines"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    position: Mapped[int]
    sku: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    unit_price: Mapped[int] = mapped_column(BigInteger)
    quantity: Mapped[int]
    discount: Mapped[int] = mapped_column(BigInteger)
    tax: Mapped[int] = mapped_column(BigInteger)
    qty_cancelled: Mapped[int] = mapped_column(default=0)
    qty_shipped: Mapped[int] = mapped_column(default=0)
    qty_delivered: Mapped[int] = mapped_column(default=0)
    qty_returned: Mapped[int] = mapped_column(default=0)
    qty_refunded: Mapped[int] = mapped_column(default=0)


class ShipmentRow(Base):
    __tablename__ = "shipments"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    carrier: Mapped[str] = mapped_column(String(100))
    tracking_number: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(24))
    shipped_at: Mapped[datetime]
    lines: Mapped[list[ShipmentLineRow]] = relationship(lazy="selectin")


class ShipmentLineRow(Base):
    __tablename__ = "shipment_lines"
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id"), primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"), primary_key=True)
    quantity: Mapped[int]


class ShipmentEventRow(Base):
    __tablename__ = "shipment_events"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id"), index=True)
    type: Mapped[str] = mapped_column(String(24))
    happened_at: Mapped[datetime]
    recorded_at: Mapped[datetime]


class TimelineRow(Base):
    __tablename__ = "timeline_entries"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    at: Mapped[datetime]
    actor_role: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(64))
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None]
    visible_to_buyer: Mapped[bool] = mapped_column(Boolean, default=True)
    visible_to_seller: Mapped[bool] = mapped_column(Boolean, default=True)


class OutboxRow(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "delivered_at", "dead_at", "available_at"),
        # The claim query: due and undelivered, oldest first; stops at the batch limit.
        Index(
            "ix_outbox_waiting",
            "available_at",
            "id",
            postgresql_where=text("delivered_at IS NULL AND dead_at IS NULL"),
            sqlite_where=text("delivered_at IS NULL AND dead_at IS NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]]
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime]
    available_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    locked_until: Mapped[datetime | None]
    locked_by: Mapped[str | None] = mapped_column(String(100))
    delivered_at: Mapped[datetime | None]
    dead_at: Mapped[datetime | None]


class IdempotencyKeyRow(Base):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("scope", "key"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    scope: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None]
    response_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(index=True)


class LoginAttemptRow(Base):
    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_key_at", "key", "at"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    key: Mapped[str] = mapped_column(String(400))
    at: Mapped[datetime]
    succeeded: Mapped[bool] = mapped_column(Boolean)


class DemoClockRow(Base):
    __tablename__ = "demo_clock"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    offset_seconds: Mapped[int] = mapped_column(BigInteger, default=0)


class RefundRow(Base):
    __tablename__ = "refunds"
    __table_args__ = (
        Index("ix_refunds_status_next", "status", "next_attempt_at"),
        Index("ix_refunds_gateway_reference", "gateway", "gateway_reference"),
        Index("ix_refunds_needs_attention", "needs_attention"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    cause: Mapped[str] = mapped_column(String(32))
    cause_ref: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    currency: Mapped[str] = mapped_column(String(3))
    items: Mapped[int] = mapped_column(BigInteger)
    tax: Mapped[int] = mapped_column(BigInteger)
    shipping: Mapped[int] = mapped_column(BigInteger)
    fees: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
    method: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    created_by_role: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[int | None]
    gateway: Mapped[str] = mapped_column(String(32))
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    gateway_reference: Mapped[str | None] = mapped_column(String(100))
    trace_number: Mapped[str | None] = mapped_column(String(100))
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    needs_attention: Mapped[bool] = mapped_column(Boolean, default=False)
    next_attempt_at: Mapped[datetime | None]
    expected_earliest: Mapped[date]
    expected_latest: Mapped[date]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    succeeded_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    lines: Mapped[list[RefundLineRow]] = relationship(lazy="selectin")


class RefundLineRow(Base):
    __tablename__ = "refund_lines"
    refund_id: Mapped[int] = mapped_column(ForeignKey("refunds.id"), primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"), primary_key=True)
    quantity: Mapped[int]
    items: Mapped[int] = mapped_column(BigInteger)
    tax: Mapped[int] = mapped_column(BigInteger)


class SettlementProfileRow(Base):
    __tablename__ = "settlement_profiles"
    method: Mapped[str] = mapped_column(String(20), primary_key=True)
    min_business_days: Mapped[int]
    max_business_days: Mapped[int]


class SandboxRefundRow(Base):
    """The built-in sandbox gateway's own book (stands in for a provider's database)."""

    __tablename__ = "sandbox_refunds"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    payment_reference: Mapped[str | None] = mapped_column(String(100))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16))
    trace_number: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    settle_at: Mapped[datetime]
    calls: Mapped[int] = mapped_column(default=1)


class SandboxSettingRow(Base):
    """How the sandbox misbehaves: fail the next N refund calls, or always."""

    __tablename__ = "sandbox_settings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fail_next: Mapped[int] = mapped_column(default=0)
    fail_always: Mapped[bool] = mapped_column(Boolean, default=False)
    decline_always: Mapped[bool] = mapped_column(Boolean, default=False)
    settle_seconds: Mapped[int] = mapped_column(default=3600)


class NotificationRow(Base):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at", "id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(300))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]


class EventRow(Base):
    """M3: the event log webhooks deliver; ids are what receivers de-duplicate on."""

    __tablename__ = "events"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    type: Mapped[str] = mapped_column(String(64), index=True)
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class WebhookEndpointRow(Base):
    __tablename__ = "webhook_endpoints"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(String(300))
    secret: Mapped[str] = mapped_column(String(100))
    events: Mapped[dict[str, Any]]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class WebhookDeliveryRow(Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("endpoint_id", "event_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id"), index=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id"))
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]


class WebhookAttemptRow(Base):
    __tablename__ = "webhook_attempts"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_deliveries.id"), index=True)
    at: Mapped[datetime]
    status_code: Mapped[int | None]
    duration_ms: Mapped[int]
    error: Mapped[str | None] = mapped_column(Text)
    response_excerpt: Mapped[str | None] = mapped_column(Text)


class CancellationReasonRow(Base):
    __tablename__ = "cancellation_reasons"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(16))
    fault: Mapped[str] = mapped_column(String(16))
    requires_note: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(default=0)


class CancellationRow(Base):
    __tablename__ = "cancellations"
    __table_args__ = (
        Index("ix_cancellations_order_status", "order_id", "status"),
        Index("ix_cancellations_status_respond_by", "status", "respond_by"),
        Index("ix_cancellations_order_request_key", "order_id", "request_key", unique=True),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    initiator: Mapped[str] = mapped_column(String(16))
    mode: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(64))
    fault: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    whole_order: Mapped[bool] = mapped_column(Boolean)
    requested_by_role: Mapped[str] = mapped_column(String(16))
    requested_by_id: Mapped[int | None]
    respond_by: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by_role: Mapped[str | None] = mapped_column(String(16))
    decided_by_id: Mapped[int | None]
    rejection_reason: Mapped[str | None] = mapped_column(String(64))
    rejection_note: Mapped[str | None] = mapped_column(Text)
    carrier: Mapped[str | None] = mapped_column(String(100))
    tracking_number: Mapped[str | None] = mapped_column(String(100))
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refunds.id"))
    # the caller's Idempotency-Key (scoped, hashed): a retry finds this cancellation again
    request_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    lines: Mapped[list[CancellationLineRow]] = relationship(lazy="selectin")


class CancellationLineRow(Base):
    __tablename__ = "cancellation_lines"
    cancellation_id: Mapped[int] = mapped_column(ForeignKey("cancellations.id"), primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"), primary_key=True)
    quantity: Mapped[int]


class InstallSecretRow(Base):
    """Secrets made once per install when the operator set none (cookies, sandbox webhooks)."""

    __tablename__ = "install_secrets"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]


class WebSessionRow(Base):
    """T4: a signed-in browser. Its cookie carries a random id; only the id's hash is kept, so
    a copy of this table signs nobody in."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
