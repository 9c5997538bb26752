"""Rows the service keeps to run: platform settings, install secrets, the demo clock,
the outbox and idempotency keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    literal_column,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from recourse.db.models.base import Base, Id


class PlatformSettingRow(Base):
    __tablename__ = "platform_settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class InstallSecretRow(Base):
    """Secrets made once per install when the operator set none (cookies, sandbox webhooks)."""

    __tablename__ = "install_secrets"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]


class DemoClockRow(Base):
    __tablename__ = "demo_clock"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    offset_seconds: Mapped[int] = mapped_column(BigInteger, default=0)


OUTBOX_SHARDS = 32
"""Logical shards of the outbox: a message about order N is in shard N % OUTBOX_SHARDS, so
workers can claim disjoint shards and a batch holds messages of one shard only."""

_SHARD_WAITING = "delivered_at IS NULL AND dead_at IS NULL AND order_id IS NOT NULL"


class OutboxRow(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        # The dead messages, newest first (support's list, their count in /metrics): few.
        Index(
            "ix_outbox_dead",
            "dead_at",
            postgresql_where=text("dead_at IS NOT NULL"),
            sqlite_where=text("dead_at IS NOT NULL"),
        ),
        # The claim query: due and undelivered, oldest first; stops at the batch limit.
        Index(
            "ix_outbox_waiting",
            "available_at",
            "id",
            postgresql_where=text("delivered_at IS NULL AND dead_at IS NULL"),
            sqlite_where=text("delivered_at IS NULL AND dead_at IS NULL"),
        ),
        # A claim of one logical shard's messages (docs/scaling.md): the same expression as
        # `outbox_shard()`, due and undelivered, oldest first.
        Index(
            "ix_outbox_shard_waiting",
            text(f"(order_id % {OUTBOX_SHARDS})"),
            "available_at",
            "id",
            postgresql_where=text(_SHARD_WAITING),
            sqlite_where=text(_SHARD_WAITING),
        ),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]]
    # the order the message is about (None for one about no order): the distribution key
    order_id: Mapped[int | None] = mapped_column(Id)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime]
    available_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    locked_until: Mapped[datetime | None]
    locked_by: Mapped[str | None] = mapped_column(String(100))
    delivered_at: Mapped[datetime | None]
    dead_at: Mapped[datetime | None]


def outbox_shard() -> ColumnElement[int]:
    """The logical shard of an outbox message, written as `ix_outbox_shard_waiting` indexes it
    (a claim of shard k filters `outbox_shard() == k` and `order_id IS NOT NULL`)."""
    return OutboxRow.order_id.op("%")(literal_column(str(OUTBOX_SHARDS)))


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
