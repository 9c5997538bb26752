"""Prometheus metrics: request latency per route template, and the outbox, deadlines and refunds
read from the database when scraped.

With `PROMETHEUS_MULTIPROC_DIR` set (`recourse serve`, `demo` and `worker` set it before any
metric exists), every process writes its counters and histograms to files in that folder and a
scrape of any web process adds up all of them; without it (tests, `uvicorn recourse.asgi:app`
alone) the metrics are this process's own. The figures read from the database are the same
whichever process answers, so they are read once per scrape, by the process that answers.

The folder must be set before `prometheus_client` is first imported in a process: it decides
then where values are kept. `recourse.cli` imports this module only after setting it.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from recourse.db.models import OutboxRow, RefundRow

if TYPE_CHECKING:
    from recourse.container import Container

log = logging.getLogger("recourse.metrics")

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
CONTENT_TYPE = CONTENT_TYPE_LATEST
# The route a request matched, as written in the code (`/api/v1/orders/{order_id}`): never the
# raw path, so one label value per route however many orders there are.
UNMATCHED = "unmatched"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUESTS = Counter(
    "recourse_http_requests",
    "HTTP requests by method, route template and status code.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "recourse_http_request_seconds",
    "HTTP request latency by method, route template and status class.",
    ["method", "route", "status_class"],
    buckets=BUCKETS,
)


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


def observe(method: str, route: str, status: int, seconds: float) -> None:
    method = method if method in METHODS else "other"  # a client may send any word
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route, f"{status // 100}xx").observe(seconds)


class MetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def wrapped(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, wrapped)
        finally:
            observe(scope["method"], route_template(scope), status, time.perf_counter() - started)


def route_template(scope: Scope) -> str:
    """The full template of the route that answered (`/api/v1/orders/{order_id}`). The app's
    routes are flat and declared with their prefix (web/routers.py), so it is the route's
    path; a route reached through an included router (FastAPI keeps those nested, its path
    the one inside the innermost router) has the prefixed one on its effective route."""
    effective = (scope.get("fastapi") or {}).get("effective_route_context")
    path = getattr(effective, "path", None) or getattr(scope.get("route"), "path", None)
    return path if isinstance(path, str) and path else UNMATCHED


def _seconds_since(now: datetime, then: datetime | None) -> float:
    return max(0.0, (now - then).total_seconds()) if then is not None else 0.0


class DatabaseCollector(Collector):
    """Gauges read at scrape time with a few indexed queries (`ix_outbox_waiting`,
    `ix_outbox_dead`, `ix_refunds_status_next`, `ix_refunds_needs_attention`). "Now" is the
    install's clock, so the demo clock's time counts as it does for the worker."""

    def __init__(self, container: Container) -> None:
        self.container = container

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "recourse_metrics_database_up",
            "1 when this scrape could read the database figures, else 0.",
        )
        try:
            found = list(self._read())
        except Exception:
            log.exception("metrics: the database figures could not be read")
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from found

    def _read(self) -> Iterator[Metric]:
        now = self.container.clock.now()
        waiting = (OutboxRow.delivered_at.is_(None), OutboxRow.dead_at.is_(None))
        due = (*waiting, OutboxRow.available_at <= now)
        with self.container.read_session() as s:
            due_count = s.scalar(select(func.count()).select_from(OutboxRow).where(*due)) or 0
            dead_count = (
                s.scalar(
                    select(func.count())
                    .select_from(OutboxRow)
                    .where(OutboxRow.delivered_at.is_(None), OutboxRow.dead_at.is_not(None))
                )
                or 0
            )
            oldest = s.scalar(
                select(OutboxRow.available_at).where(*due).order_by(OutboxRow.available_at).limit(1)
            )
            oldest_deadline = s.scalar(
                select(OutboxRow.available_at)
                .where(*due, OutboxRow.kind == "deadline")
                .order_by(OutboxRow.available_at)
                .limit(1)
            )
            by_status = {
                str(status): int(n)
                for status, n in s.execute(
                    select(RefundRow.status, func.count()).group_by(RefundRow.status)
                )
            }
            attention = (
                s.scalar(
                    select(func.count())
                    .select_from(RefundRow)
                    .where(RefundRow.needs_attention.is_(True))
                )
                or 0
            )
        yield _gauge(
            "recourse_outbox_due_messages",
            "Outbox messages due now and not yet delivered (the worker's backlog).",
            due_count,
        )
        yield _gauge(
            "recourse_outbox_dead_messages",
            "Outbox messages that ran out of attempts and wait for support.",
            dead_count,
        )
        yield _gauge(
            "recourse_outbox_oldest_due_age_seconds",
            "How long the oldest due, undelivered outbox message has been due (0 when none).",
            _seconds_since(now, oldest),
        )
        yield _gauge(
            "recourse_deadline_lag_seconds",
            "How late the oldest due deadline not yet fired is (0 when none); a retried one "
            "counts from its retry time.",
            _seconds_since(now, oldest_deadline),
        )
        refunds = GaugeMetricFamily(
            "recourse_refunds", "Refunds in the ledger by status.", labels=["status"]
        )
        for status in ("pending", "processing", "succeeded", "failed"):
            refunds.add_metric([status], by_status.pop(status, 0))
        for status, n in sorted(by_status.items()):
            refunds.add_metric([status], n)
        yield refunds
        yield _gauge(
            "recourse_refunds_needs_attention",
            "Refunds that kept failing at the gateway and wait for support.",
            attention,
        )


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


class _ThisProcess(Collector):
    """This process's own metrics (the default registry), when there is no shared folder."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def exposition(container: Container) -> bytes:
    """One scrape: every process's metrics added up (or this process's), then the database's."""
    registry = CollectorRegistry()
    folder = multiprocess_dir()
    if folder and os.path.isdir(folder):
        multiprocess.MultiProcessCollector(registry, path=folder)  # type: ignore[no-untyped-call]
    else:
        registry.register(_ThisProcess())
    registry.register(DatabaseCollector(container))
    return generate_latest(registry)


def process_exited(pid: int | None = None) -> None:
    """The server's hook when a web process stops: its live gauges leave the shared folder
    (its counters and histograms stay, so the totals never go down)."""
    if multiprocess_dir():
        multiprocess.mark_process_dead(pid if pid is not None else os.getpid())  # type: ignore[no-untyped-call]
