"""Stored API responses for Idempotency-Key (§12): first response replayed for 24 h at least."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from recourse.db.models import IdempotencyKeyRow

IN_FLIGHT_TAKEOVER = timedelta(minutes=5)
RETENTION = timedelta(hours=48)


@dataclass(frozen=True, slots=True)
class Stored:
    request_hash: str
    status_code: int | None
    body: str | None
    created_at: datetime


def reserve(engine: Engine, scope: str, key: str, request_hash: str) -> Stored | None:
    """Claim the key for this request; None when claimed, else what is already stored.

    A reservation left behind by a crashed request is taken over after a few minutes."""
    now = datetime.now(UTC)
    with Session(engine) as session:
        try:
            with session.begin():
                session.add(
                    IdempotencyKeyRow(
                        scope=scope, key=key, request_hash=request_hash, created_at=now
                    )
                )
            return None
        except IntegrityError:
            pass
        with session.begin():
            row = session.scalars(
                select(IdempotencyKeyRow).where(
                    IdempotencyKeyRow.scope == scope, IdempotencyKeyRow.key == key
                )
            ).first()
            if row is None:
                return reserve(engine, scope, key, request_hash)
            if (
                row.status_code is None
                and row.request_hash == request_hash
                and now - row.created_at > IN_FLIGHT_TAKEOVER
            ):
                row.created_at = now
                return None
            return Stored(row.request_hash, row.status_code, row.response_body, row.created_at)


def complete(engine: Engine, scope: str, key: str, status_code: int, body: str) -> None:
    with Session(engine) as session, session.begin():
        session.execute(
            update(IdempotencyKeyRow)
            .where(IdempotencyKeyRow.scope == scope, IdempotencyKeyRow.key == key)
            .values(status_code=status_code, response_body=body)
        )


def release(engine: Engine, scope: str, key: str) -> None:
    """Forget a reservation whose request failed on our side, so the client may retry."""
    with Session(engine) as session, session.begin():
        session.execute(
            delete(IdempotencyKeyRow).where(
                IdempotencyKeyRow.scope == scope,
                IdempotencyKeyRow.key == key,
                IdempotencyKeyRow.status_code.is_(None),
            )
        )


def purge(engine: Engine, now: datetime) -> int:
    with Session(engine) as session, session.begin():
        result = session.execute(
            delete(IdempotencyKeyRow).where(IdempotencyKeyRow.created_at < now - RETENTION)
        )
        count: int = getattr(result, "rowcount", 0) or 0
        return count
