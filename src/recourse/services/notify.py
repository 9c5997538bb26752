"""M4: messages that must follow a change are written to the outbox in the same transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from recourse.domain.money import Money
from recourse.services.ports.unit_of_work import UnitOfWork


def money_fact(money: Money) -> dict[str, Any]:
    """§12: an amount in a message is a fact, {"amount", "currency"}; the reader's words format
    it (a page's or an email's `money`, `recourse.texts.core.money`)."""
    return {"amount": money.minor, "currency": money.currency}


def moment(value: datetime | date | None) -> str | None:
    """A time or a day in a message: ISO text, worded in the reader's zone and language."""
    return value.isoformat() if value is not None else None


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


def schedule_reminder(
    uow: UnitOfWork,
    *,
    name: str,
    subject_id: int,
    due_at: datetime,
    remind_before_hours: int,
    now: datetime,
) -> None:
    """M2: remind before a deadline that would decide against someone (when still ahead)."""
    remind_at = due_at - timedelta(hours=remind_before_hours)
    if remind_at > now:
        schedule_deadline(uow, name=name, subject_id=subject_id, due_at=remind_at)


def notify_user(
    uow: UnitOfWork,
    *,
    user_id: int,
    kind: str,
    params: Mapping[str, Any] | None = None,
    order_id: int | None,
    link: str | None,
    now: datetime,
    dedupe_key: str,
    email_template: str | None = None,
    email_context: dict[str, Any] | None = None,
    title: str | None = None,
    body: str | None = None,
) -> None:
    """M2: in-app, and by email when a template is given; both recorded with the change.

    The notification is kept as its `kind` and JSON-able `params` (ids, codes, amounts as
    {"amount", "currency"}, times as ISO text) and worded in the reader's language when it is
    read (`recourse.texts.notifications`). `title`/`body` store a text as it is: for a kind that
    has no sentences (rows written before, tests)."""
    uow.notifications.add(
        user_id=user_id,
        kind=kind,
        params=dict(params) if params is not None else None,
        title=title,
        body=body,
        link=link,
        order_id=order_id,
        dedupe_key=f"notification:{dedupe_key}",
        created_at=now,
    )
    if email_template is not None:
        queue_email(
            uow,
            template=email_template,
            to_user_id=user_id,
            context=email_context or {},
            now=now,
            dedupe_key=dedupe_key,
        )


def notify_store_staff(
    uow: UnitOfWork,
    *,
    store_id: int,
    kind: str,
    params: Mapping[str, Any],
    order_id: int,
    now: datetime,
    dedupe_key: str,
    email_template: str | None = None,
    email_context: dict[str, Any] | None = None,
    link: str | None = None,
) -> None:
    """The same message to every member of a store's staff (M2), once each: in-app, and by
    email when `email_template` is given; `link` defaults to the seller's order page."""
    for seller_id in uow.users.staff_ids(store_id):
        notify_user(
            uow,
            user_id=seller_id,
            kind=kind,
            params=params,
            order_id=order_id,
            link=link or f"/seller/orders/{order_id}",
            now=now,
            dedupe_key=f"{dedupe_key}:{seller_id}",
            email_template=email_template,
            email_context=email_context,
        )
