"""Stored API responses for Idempotency-Key (§12): first response replayed for 24 h at least."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, Table, bindparam, delete, literal_column, select, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from recourse.db.models import IdempotencyKeyRow
from recourse.db.repositories.accounts import TOKEN_ROWS, hold_token_rows

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


# Core statements built once: no ORM bookkeeping for a row nothing reads back.
_TABLE: Table = IdempotencyKeyRow.__table__  # type: ignore[assignment]
_INSERT = {
    # RETURNING says whether the row is ours (a rowcount is not told with RETURNING)
    "postgresql": pg_insert(_TABLE)
    .on_conflict_do_nothing(index_elements=["scope", "key"])
    .returning(_TABLE.c.id),
    "sqlite": sqlite_insert(_TABLE)
    .on_conflict_do_nothing(index_elements=["scope", "key"])
    .returning(_TABLE.c.id),
}
# The claim and the bearer token's rows in one round trip (PostgreSQL): the INSERT runs once
# as a CTE whatever the SELECT reads; the SELECT gives one row even for an unknown token, its
# token columns null. The token is read as of the statement's start, as a query of its own
# sent just before would have read it.
_CLAIMED = (
    pg_insert(_TABLE)
    .values(
        scope=bindparam("k_scope"),
        key=bindparam("k_key"),
        request_hash=bindparam("k_hash"),
        created_at=bindparam("k_at", type_=_TABLE.c.created_at.type),
    )
    .on_conflict_do_nothing(index_elements=["scope", "key"])
    .returning(_TABLE.c.id)
    .cte("claimed")
)
_TOKEN_FOUND = TOKEN_ROWS.subquery("token")
_CLAIM_WITH_TOKEN = select(
    select(_CLAIMED.c.id).scalar_subquery().label("claimed"), *_TOKEN_FOUND.c
).select_from(
    select(literal_column("1").label("one")).subquery("one").outerjoin(_TOKEN_FOUND, true())
)
_COMPLETE = (
    _TABLE.update()
    .where(_TABLE.c.scope == bindparam("s"), _TABLE.c.key == bindparam("k"))
    .values(status_code=bindparam("status"), response_body=bindparam("body"))
)


def claim(
    session: Session, scope: str, key: str, request_hash: str, token_hash: str | None = None
) -> Stored | None:
    """`reserve` inside the caller's transaction, which then runs the request and stores its
    answer with `complete_in` before it commits: None when claimed, else what is stored.

    The reservation is visible to no one before that commit, so nothing is ever seen in
    progress by it: the same key sent again meanwhile waits on the row (PostgreSQL; SQLite
    writers take turns) and then finds the answer, or claims the key if this transaction
    rolled back.

    With `token_hash` (the request's bearer token), PostgreSQL reads the token and its user
    in the claim's statement and holds them for the `tokens.find` that follows
    (db/repositories/accounts.py): one round trip for both. SQLite has none to save."""
    now = datetime.now(UTC)
    connection = session.connection()
    if token_hash is not None and connection.dialect.name == "postgresql":
        rows = connection.execute(
            _CLAIM_WITH_TOKEN,
            {
                "k_scope": scope,
                "k_key": key,
                "k_hash": request_hash,
                "k_at": now,
                "token_hash": token_hash,
            },
        ).all()
        hold_token_rows(session, token_hash, [r for r in rows if r.token_id is not None])
        if rows[0].claimed is not None:
            return None
    elif _insert(session, scope, key, request_hash, now):
        return None
    row = session.execute(
        select(
            IdempotencyKeyRow.request_hash,
            IdempotencyKeyRow.status_code,
            IdempotencyKeyRow.response_body,
            IdempotencyKeyRow.created_at,
        ).where(IdempotencyKeyRow.scope == scope, IdempotencyKeyRow.key == key)
    ).one()
    stored = Stored(row.request_hash, row.status_code, row.response_body, row.created_at)
    if _taken_over(session, scope, key, request_hash, stored, now):
        return None
    return stored


def complete_in(session: Session, scope: str, key: str, status_code: int, body: str) -> None:
    """The answer to the key `claim` reserved, in the same transaction."""
    session.connection().execute(
        _COMPLETE, {"s": scope, "k": key, "status": status_code, "body": body}
    )


def store_answer(
    engine: Engine, scope: str, key: str, request_hash: str, status_code: int, body: str
) -> Stored | None:
    """Reserve and complete at once, for an answer given without running the request (a
    request refused before it started, or one whose transaction rolled back): None when
    stored, else what was stored for the key first."""
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        if _insert(session, scope, key, request_hash, now, status_code, body):
            return None
        row = session.scalars(
            select(IdempotencyKeyRow).where(
                IdempotencyKeyRow.scope == scope, IdempotencyKeyRow.key == key
            )
        ).one()
        stored = Stored(row.request_hash, row.status_code, row.response_body, row.created_at)
        if _taken_over(session, scope, key, request_hash, stored, now):
            complete_in(session, scope, key, status_code, body)
            return None
        return stored


def _insert(
    session: Session,
    scope: str,
    key: str,
    request_hash: str,
    now: datetime,
    status_code: int | None = None,
    body: str | None = None,
) -> bool:
    """INSERT … ON CONFLICT DO NOTHING: True when the row is ours."""
    connection = session.connection()
    result = connection.execute(
        _INSERT[connection.dialect.name],
        {
            "scope": scope,
            "key": key,
            "request_hash": request_hash,
            "status_code": status_code,
            "response_body": body,
            "created_at": now,
        },
    )
    return result.first() is not None


def _taken_over(
    session: Session, scope: str, key: str, request_hash: str, stored: Stored, now: datetime
) -> bool:
    """A reservation a crashed request left behind, for this same request, is taken over."""
    if (
        stored.status_code is None
        and stored.request_hash == request_hash
        and now - stored.created_at > IN_FLIGHT_TAKEOVER
    ):
        session.execute(
            update(IdempotencyKeyRow)
            .where(IdempotencyKeyRow.scope == scope, IdempotencyKeyRow.key == key)
            .values(created_at=now)
        )
        return True
    return False


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
