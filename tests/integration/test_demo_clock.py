"""§10: the demo clock is kept in the database, so every process sees the same moved time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from recourse.bootstrap import build
from recourse.config import Settings
from recourse.container import Container
from recourse.db.clock import DemoClock
from recourse.services import accounts
from tests.factories import make_user

# Real time passes while the test runs; this is how far apart two readings may be.
SLACK = timedelta(seconds=30)


def offset_of(clock: DemoClock) -> timedelta:
    return clock.now() - datetime.now(UTC)


def test_two_demo_clocks_over_one_database_see_the_same_advanced_time(
    container: Container,
) -> None:
    web = DemoClock(container.engine, refresh=0)
    worker = DemoClock(container.engine, refresh=0)
    assert abs(offset_of(worker)) < SLACK

    web.advance(timedelta(days=2))

    assert abs(offset_of(worker) - timedelta(days=2)) < SLACK
    assert abs(worker.now() - web.now()) < SLACK


def test_advances_from_different_processes_add_up(container: Container) -> None:
    cli = DemoClock(container.engine, refresh=0)
    support_page = DemoClock(container.engine, refresh=0)

    cli.advance(timedelta(days=1))
    support_page.advance(timedelta(hours=12))

    assert (cli.offset(), support_page.offset()) == (timedelta(hours=36), timedelta(hours=36))


def test_a_new_process_starts_at_the_shared_demo_time(container: Container) -> None:
    DemoClock(container.engine).advance(timedelta(days=3))

    later = DemoClock(container.engine)

    assert later.offset() == timedelta(days=3)


@pytest.mark.parametrize("delta", [timedelta(0), timedelta(seconds=-1)], ids=["zero", "back"])
def test_the_demo_clock_only_moves_forward(container: Container, delta: timedelta) -> None:
    clock = DemoClock(container.engine, refresh=0)

    with pytest.raises(ValueError):
        clock.advance(delta)

    assert clock.offset() == timedelta(0)


def test_demo_clock_is_read_inside_a_writing_transaction_without_waiting_on_it(
    settings: Settings,
) -> None:
    demo = build(settings.model_copy(update={"clock": "demo"}), fast_hashing=True)
    user_id = make_user(demo, email="clock@example.com")
    # The user lookup opens the transaction; the clock is read after it, while it is open.
    token = accounts.create_token(demo.uow(), demo.ctx, operator=False, email="clock@example.com")
    assert accounts.actor_for_token(demo.uow(), token).user_id == user_id
    demo.dispose()
