"""M4: messages that must follow a change are written to the outbox in the same transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from recourse.services.ports import UnitOfWork


def queue_email(
    uow: UnitOfWork,
    *,
    template: str,
    to_user_id: int,
    context: dict[str, Any],
    now: datetime,
    dedupe_key: str,
) -> None:
    """An email the worker renders in the recipient's language and time zone, then sends."""
    uow.outbox.add(
        "email",
        {"template": template, "to_user_id": to_user_id, "context": context},
        available_at=now,
        dedupe_key=f"email:{dedupe_key}",
    )


def schedule_deadline(uow: UnitOfWork, *, name: str, subject_id: int, due_at: datetime) -> None:
    """§10: the worker fires `name` at `due_at`, or as soon as it runs again after that."""
    uow.outbox.add(
        "deadline",
        {"name": name, "subject_id": subject_id, "due_at": due_at.isoformat()},
        available_at=due_at,
        dedupe_key=f"deadline:{name}:{subject_id}:{due_at.isoformat()}",
    )
