"""T4: signed-in browsers, kept on the server so that logging out or a new password ends them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from recourse.db import models as m
from recourse.domain.accounts import WebSession


class SqlWebSessions:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add(
        self, token_hash: str, *, user_id: int, created_at: datetime, expires_at: datetime
    ) -> int:
        row = m.WebSessionRow(
            token_hash=token_hash,
            user_id=user_id,
            created_at=created_at,
            last_seen_at=created_at,
            expires_at=expires_at,
        )
        self.s.add(row)
        self.s.flush()
        return row.id

    def find(self, token_hash: str) -> WebSession | None:
        row = self.s.execute(
            select(
                m.WebSessionRow.id,
                m.WebSessionRow.user_id,
                m.WebSessionRow.created_at,
                m.WebSessionRow.last_seen_at,
                m.WebSessionRow.expires_at,
            ).where(m.WebSessionRow.token_hash == token_hash)
        ).first()
        if row is None:
            return None
        return WebSession(
            id=row.id,
            user_id=row.user_id,
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            expires_at=row.expires_at,
        )

    def seen(self, session_id: int, at: datetime) -> None:
        self.s.execute(
            update(m.WebSessionRow).where(m.WebSessionRow.id == session_id).values(last_seen_at=at)
        )

    def end(self, token_hash: str) -> None:
        self.s.execute(delete(m.WebSessionRow).where(m.WebSessionRow.token_hash == token_hash))

    def end_all(self, user_id: int) -> int:
        result = self.s.execute(delete(m.WebSessionRow).where(m.WebSessionRow.user_id == user_id))
        return int(getattr(result, "rowcount", 0) or 0)

    def end_expired(self, now: datetime) -> int:
        result = self.s.execute(delete(m.WebSessionRow).where(m.WebSessionRow.expires_at <= now))
        return int(getattr(result, "rowcount", 0) or 0)
