"""Helpers the integration tests share: the parties of an order, reads of what was stored."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from recourse.cli import _worker
from recourse.container import Container
from recourse.db import models as m
from recourse.db.queries.orders import order_detail
from recourse.db.queries.timeline import TimelineView
from recourse.domain.roles import Actor, Role

OPERATOR = Actor(Role.operator)


@dataclass(frozen=True)
class Parties:
    store_id: int
    buyer_id: int
    buyer_email: str
    buyer: Actor
    seller: Actor


def run_worker(c: Container) -> int:
    """One pass of the real worker: everything due at the clock's current time."""
    handled: int = _worker(c).run_once()
    return handled


def row_counts(c: Container) -> dict[str, int]:
    tables = {
        "orders": m.OrderRow,
        "order_lines": m.OrderLineRow,
        "outbox": m.OutboxRow,
        "timeline": m.TimelineRow,
        "shipments": m.ShipmentRow,
    }
    with c.read_session() as session:
        return {
            name: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for name, model in tables.items()
        }


def stored_status(c: Container, order_id: int) -> str | None:
    with c.uow() as uow:
        return uow.orders.stored_status(order_id)


def timeline(c: Container, order_id: int) -> list[TimelineView]:
    with c.read_session() as session:
        detail = order_detail(session, OPERATOR, order_id, c.clock.now())
    assert detail is not None
    return detail.timeline


def timeline_of(c: Container, order_id: int, action: str) -> list[TimelineView]:
    return [entry for entry in timeline(c, order_id) if entry.action == action]


def outbox_rows(c: Container, kind: str) -> list[dict[str, Any]]:
    with c.read_session() as session:
        rows = session.scalars(
            select(m.OutboxRow).where(m.OutboxRow.kind == kind).order_by(m.OutboxRow.id)
        )
        return [
            {
                "id": r.id,
                "payload": r.payload,
                "dedupe_key": r.dedupe_key,
                "available_at": r.available_at,
                "attempts": r.attempts,
                "delivered": r.delivered_at is not None,
                "dead": r.dead_at is not None,
                "last_error": r.last_error,
            }
            for r in rows
        ]


def mail_templates(c: Container, to: str) -> list[str]:
    assert c.mailbox is not None
    return sorted(item["template"] for item in c.mailbox.list(to=to))


def sent(c: Container, to: str, template: str) -> int:
    """How many emails made from `template` reached `to`."""
    return mail_templates(c, to).count(template)


OUTSIDE_EFFECTS = ("refund.send", "email", "event", "webhook")


def outstanding_effects(c: Container) -> int:
    """Outbox messages that reach outside systems and are neither delivered nor dead."""
    with c.read_session() as s:
        return int(
            s.scalar(
                select(func.count()).where(
                    m.OutboxRow.delivered_at.is_(None),
                    m.OutboxRow.dead_at.is_(None),
                    m.OutboxRow.kind.in_(OUTSIDE_EFFECTS),
                )
            )
            or 0
        )
