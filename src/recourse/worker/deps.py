"""What every worker handler is given: engine, units of work, context, mailer, gateways, limits.

A module of its own, so the handlers (`refunds`, `webhooks`) take it without importing the
runner that calls them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from recourse.db.uow import SqlUnitOfWork
from recourse.integrations.mail import EmailRenderer, Mailer
from recourse.integrations.resolver import SystemResolver
from recourse.services.ports import Context, PaymentGateway, Resolver


@dataclass
class WorkerDeps:
    engine: Engine
    uow_factory: Callable[[], SqlUnitOfWork]
    ctx: Context
    mailer: Mailer
    renderer: EmailRenderer
    read_session: Callable[[], Any]
    gateways: Mapping[str, PaymentGateway] = field(default_factory=dict)
    batch: int = 50
    max_attempts: int = 12
    refund_max_attempts: int = 8
    lease_seconds: int = 60
    # M3: webhooks keep retrying for more than 24 h (back-off is capped at 6 h).
    max_attempts_by_kind: Mapping[str, int] = field(
        default_factory=lambda: {"webhook": 20, "refund.send": 1000}
    )
    # T2: webhook hosts are resolved here once, and the address checked is the one connected to.
    resolver: Resolver = field(default_factory=SystemResolver)
