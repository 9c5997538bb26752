"""The demo's clock: every step of the history is scheduled at its moment in the past, then all
are played in one chronological pass, with a worker on that clock firing the deadlines that fall
due along the way."""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from rich.progress import Progress, TaskID

from recourse.bootstrap import make_worker
from recourse.container import Container
from recourse.db import outbox
from recourse.domain.roles import Actor
from recourse.integrations.clock import FixedClock
from recourse.integrations.gateways.sandbox import SandboxGateway

SEED = 20260302
# Deadlines fire at the latest this long after they fall due while the history is replayed.
WORKER_CADENCE = timedelta(hours=6)


def idle() -> None:
    """A moment on the clock when nothing but the worker's poll happens."""


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def minutes(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(minutes=rng.uniform(low, high))


def earlier_local(
    moment: datetime, timezone: str, window: tuple[int, int], *, floor: datetime
) -> datetime:
    """The latest whole-hour step back from `moment` that falls within local hours
    [start, end) and not before `floor`; `moment` itself when there is none."""
    zone = ZoneInfo(timezone)
    candidate = moment
    while candidate >= floor:
        if window[0] <= candidate.astimezone(zone).hour < window[1]:
            return candidate
        candidate -= hours(1)
    return moment


@dataclass(order=True)
class Step:
    at: datetime
    seq: int
    run: Callable[[], object] = field(compare=False)
    counted: bool = field(default=True, compare=False)


class History:
    """The demo being seeded: the use cases on a clock in the past, one random source, the ids
    they gave back, and the steps still to play, earliest first."""

    def __init__(self, container: Container, progress: Progress, task: TaskID) -> None:
        self.c = container
        self.progress = progress
        self.task = task
        self.now = container.clock.now()
        self.clock = FixedClock(self.now)
        self.ctx = replace(container.ctx, clock=self.clock)
        self.rng = random.Random(SEED)
        # The sandbox settles on the clock of whoever calls it: here, the seeded past.
        self.past_worker = make_worker(
            container,
            self.ctx,
            name="demo-seed",
            gateways={"sandbox": SandboxGateway(container.engine, self.clock)},
        )
        self.store_ids: dict[str, int] = {}
        self.users: dict[str, int] = {}
        self.shippers: dict[str, Actor] = {}
        self.steps: list[Step] = []
        self.seq = itertools.count()
        self.order_number = 1048211
        with container.uow() as uow:
            platform = uow.platform.policy()
        self.window = hours(platform.payment_window_hours)
        self.review = hours(platform.payment_review_hours)
        self.protection = platform.protection_days
        self.autocancel = timedelta(days=platform.overdue_autocancel_days)

    def at(self, at: datetime, run: Callable[[], object], *, counted: bool = True) -> None:
        heapq.heappush(self.steps, Step(at, next(self.seq), run, counted))

    def tick(self, due: datetime) -> None:
        """Run the worker just after `due`, as the embedded worker would have; other deadlines
        fire at the next step or idle moment after they fall due."""
        at = min(due + minutes(self.rng, 1, 4), self.now)
        self.at(at, self.past_worker.run_once, counted=False)

    def play(self, start: datetime) -> None:
        """Poll the worker every WORKER_CADENCE from `start`, play every step in order, then let
        the real worker catch up at the present."""
        moment = start
        while moment < self.now:
            self.at(moment, idle, counted=False)
            moment += WORKER_CADENCE
        total = sum(step.counted for step in self.steps) + 1
        self.progress.update(self.task, description="Orders, payments and parcels", completed=0)
        self.progress.update(self.task, total=total)
        while self.steps:
            step = heapq.heappop(self.steps)
            assert step.at <= self.now, "the demo's history must not reach the future"
            self.clock.set(step.at)
            if outbox.pending_count(self.c.engine, step.at):
                self.past_worker.run_once()
            step.run()
            self.progress.advance(self.task, int(step.counted))
        self.progress.update(self.task, description="Worker: deadlines and email")
        make_worker(self.c, self.c.ctx).run_once()
        self.progress.advance(self.task)
