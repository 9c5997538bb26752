"""The worker's side of the outbox: claim due messages, then record each outcome.

Claims are leases: a message is locked for `lease` seconds of real time; a worker that dies
leaves the lease to expire and another worker picks the message up again (at least once).
On PostgreSQL, claiming uses FOR UPDATE SKIP LOCKED so any number of workers share the load.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, func, or_, select, update
from sqlalchemy.orm import Session

from recourse.db.models import OutboxRow
from recourse.db.models.platform import outbox_shard


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int
    # the order the message is about, when it is about one: its distribution key
    order_id: int | None = None


def claim(
    engine: Engine,
    *,
    now: datetime,
    worker_id: str,
    batch: int,
    lease_seconds: int = 60,
    shard: int | None = None,
) -> list[Claimed]:
    """Lease up to `batch` messages whose time has come (business `now`); with `shard`, only
    messages about an order of that logical shard (`outbox_shard()`, docs/scaling.md)."""
    wall = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        stmt = (
            select(OutboxRow)
            .where(
                OutboxRow.delivered_at.is_(None),
                OutboxRow.dead_at.is_(None),
                OutboxRow.available_at <= now,
                or_(OutboxRow.locked_until.is_(None), OutboxRow.locked_until < wall),
            )
            .order_by(OutboxRow.available_at, OutboxRow.id)
            .limit(batch)
        )
        if shard is not None:
            stmt = stmt.where(OutboxRow.order_id.is_not(None), outbox_shard() == shard)
        if engine.dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        rows = list(session.scalars(stmt))
        if not rows:
            return []
        # Read before the UPDATE: the session synchronises `attempts` on the loaded rows.
        claimed = [Claimed(r.id, r.kind, dict(r.payload), r.attempts + 1, r.order_id) for r in rows]
        session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_([r.id for r in rows]))
            .values(
                locked_until=wall + timedelta(seconds=lease_seconds),
                locked_by=worker_id,
                attempts=OutboxRow.attempts + 1,
            )
        )
        return claimed


def mark_delivered(engine: Engine, message_id: int, worker_id: str) -> None:
    with Session(engine) as session, session.begin():
        mark_delivered_in(session, message_id, worker_id)


def mark_delivered_in(session: Session, message_id: int, worker_id: str) -> bool:
    """In the caller's transaction; False when the lease passed to another worker."""
    result = session.execute(
        update(OutboxRow)
        .where(OutboxRow.id == message_id, OutboxRow.locked_by == worker_id)
        .values(delivered_at=datetime.now(UTC), locked_until=None, last_error=None)
    )
    return bool(getattr(result, "rowcount", 0))


def mark_delivered_many(session: Session, message_ids: Sequence[int], worker_id: str) -> int:
    """In the caller's transaction, one UPDATE for a batch; how many were still leased to
    `worker_id` (the others passed to another worker, which will find nothing left to do)."""
    if not message_ids:
        return 0
    # on the connection: nothing the session holds is an outbox row, and a query of the
    # session would flush what the commit's appends statement writes (db/unflushed.py)
    result = session.connection().execute(
        update(OutboxRow)
        .where(OutboxRow.id.in_(message_ids), OutboxRow.locked_by == worker_id)
        .values(delivered_at=datetime.now(UTC), locked_until=None, last_error=None)
    )
    return int(getattr(result, "rowcount", 0))


def mark_failed(
    engine: Engine,
    message_id: int,
    worker_id: str,
    *,
    error: str,
    retry_at: datetime | None,
) -> None:
    """Retry at `retry_at` (business time), or dead-letter it when `retry_at` is None."""
    values: dict[str, Any] = {"last_error": error[:4000], "locked_until": None}
    if retry_at is None:
        values["dead_at"] = datetime.now(UTC)
    else:
        values["available_at"] = retry_at
    with Session(engine) as session, session.begin():
        session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message_id, OutboxRow.locked_by == worker_id)
            .values(**values)
        )


def pending_count(engine: Engine, now: datetime) -> int:
    with Session(engine) as session:
        return int(
            session.scalar(
                select(func.count()).where(
                    and_(
                        OutboxRow.delivered_at.is_(None),
                        OutboxRow.dead_at.is_(None),
                        OutboxRow.available_at <= now,
                    )
                )
            )
            or 0
        )


def dead_letters(engine: Engine, limit: int = 100) -> list[dict[str, Any]]:
    """Messages that ran out of attempts: support sees them with their last error."""
    with Session(engine) as session:
        rows = session.scalars(
            select(OutboxRow)
            .where(OutboxRow.dead_at.is_not(None))
            .order_by(OutboxRow.dead_at.desc())
            .limit(limit)
        )
        return [
            {
                "id": r.id,
                "kind": r.kind,
                "payload": r.payload,
                "attempts": r.attempts,
                "last_error": r.last_error,
                "dead_at": r.dead_at,
                "created_at": r.created_at,
            }
            for r in rows
        ]


def retry_dead_letter(engine: Engine, message_id: int, now: datetime) -> bool:
    with Session(engine) as session, session.begin():
        result = session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message_id, OutboxRow.dead_at.is_not(None))
            .values(dead_at=None, attempts=0, available_at=now, locked_until=None)
        )
        return bool(getattr(result, "rowcount", 0))
