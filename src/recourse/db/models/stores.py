"""Rows of stores: the store, its staff, its policy versions (§9)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from recourse.db.models.base import Base, Id


class StoreRow(Base):
    __tablename__ = "stores"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime]
    # R2: where approved returns go (asked of the seller when none is on file)
    return_address: Mapped[str | None] = mapped_column(Text)


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
