"""The `recourse` command line against the test database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recourse.bootstrap import build
from recourse.cli import app
from recourse.config import Settings
from recourse.container import Container
from recourse.db import outbox
from recourse.db.clock import DemoClock
from recourse.domain.accounts import LoginLimits
from recourse.domain.roles import Role
from recourse.services import accounts
from tests.factories import make_order, make_store, make_user, pay, ship_all

runner = CliRunner()


@pytest.fixture
def env(settings: Settings) -> dict[str, str]:
    return {
        "RECOURSE_DATABASE_URL": settings.resolved_database_url,
        "RECOURSE_DATA_DIR": str(settings.data_dir),
        "RECOURSE_CLOCK": "system",
    }


def test_token_create_prints_a_working_operator_token_on_its_last_line(
    container: Container, env: dict[str, str]
) -> None:
    result = runner.invoke(app, ["token", "create", "--operator"], env=env)
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert accounts.actor_for_token(container.uow(), token).role is Role.operator


def test_token_create_for_a_user_acts_as_that_user(
    container: Container, env: dict[str, str]
) -> None:
    user_id = make_user(container, email="cli@example.com")
    result = runner.invoke(app, ["token", "create", "--user", "cli@example.com"], env=env)
    token = result.output.strip().splitlines()[-1]
    assert accounts.actor_for_token(container.uow(), token).user_id == user_id


def test_token_create_needs_exactly_one_kind(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["token", "create"], env=env)
    assert result.exit_code == 2


def test_user_create_makes_a_user_who_can_sign_in(
    container: Container, env: dict[str, str]
) -> None:
    result = runner.invoke(
        app,
        [
            "user",
            "create",
            "--email",
            "eve@example.com",
            "--name",
            "Eve",
            "--role",
            "support",
            "--password",
            "a long password",
        ],
        env=env,
    )
    assert result.exit_code == 0, result.output
    user = accounts.authenticate(
        container.uow(),
        container.ctx,
        container.hasher,
        email="eve@example.com",
        password="a long password",
        client="test",
        limits=LoginLimits(per_account=5, per_client=20),
    )
    assert user.role is Role.support


def test_clock_advance_moves_the_shared_demo_clock(settings: Settings, env: dict[str, str]) -> None:
    demo = build(settings.model_copy(update={"clock": "demo"}), fast_hashing=True)
    assert isinstance(demo.clock, DemoClock)
    before = demo.clock.now()
    result = runner.invoke(app, ["clock", "advance", "2d"], env={**env, "RECOURSE_CLOCK": "demo"})
    assert result.exit_code == 0, result.output
    moved = DemoClock(demo.engine, refresh=0).now() - before
    assert timedelta(days=2) <= moved < timedelta(days=2, minutes=1)
    demo.dispose()


def test_clock_advance_refuses_without_the_demo_clock(env: dict[str, str]) -> None:
    assert runner.invoke(app, ["clock", "advance", "2d"], env=env).exit_code == 2


@pytest.mark.parametrize("command", [["clock", "advance", "2d"], ["clock", "show"]])
def test_demo_clock_in_a_folder_without_a_demo_database_says_so_in_one_sentence(
    tmp_path: Path, command: list[str]
) -> None:
    elsewhere = tmp_path / "elsewhere"
    result = runner.invoke(
        app,
        command,
        env={
            "RECOURSE_CLOCK": "demo",
            "RECOURSE_DATA_DIR": str(elsewhere),
            "RECOURSE_DATABASE_URL": None,
        },
    )

    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output.strip().splitlines() == [
        f"No demo database in {elsewhere.resolve()}: run `recourse demo` here first, "
        "or set RECOURSE_DATA_DIR to the folder that has one."
    ]
    assert not elsewhere.exists()


def test_clock_advance_without_the_demo_clock_says_how_to_turn_it_on(
    tmp_path: Path,
) -> None:
    result = runner.invoke(
        app,
        ["clock", "advance", "2d"],
        env={"RECOURSE_CLOCK": "system", "RECOURSE_DATA_DIR": str(tmp_path / "none")},
    )

    assert result.exit_code == 2
    assert result.output.strip() == (
        "The demo clock is off. Set RECOURSE_CLOCK=demo (recourse demo does)."
    )


def test_clock_show_without_the_demo_clock_prints_the_system_time_and_touches_nothing(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "none"
    result = runner.invoke(
        app, ["clock", "show"], env={"RECOURSE_CLOCK": "system", "RECOURSE_DATA_DIR": str(folder)}
    )

    shown = datetime.fromisoformat(result.output.split()[0])
    assert result.exit_code == 0, result.output
    assert abs(shown - datetime.now(UTC)) < timedelta(minutes=1)
    assert "system clock" in result.output
    assert not folder.exists()


def test_worker_once_delivers_what_is_due(container: Container, env: dict[str, str]) -> None:
    order_id = make_order(container, buyer_id=make_user(container), store_id=make_store(container))
    pay(container, order_id)
    ship_all(container, order_id)
    result = runner.invoke(app, ["worker", "--once"], env=env)
    assert result.exit_code == 0, result.output
    assert "handled" in result.output
    # Everything due by the real clock the CLI runs on is done, none of it failed.
    assert outbox.pending_count(container.engine, datetime.now(UTC)) == 0
    assert outbox.dead_letters(container.engine) == []
    assert container.mailbox is not None
    assert [m["template"] for m in container.mailbox.list()] == ["order_shipped"]


def test_db_upgrade_is_repeatable(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["db", "upgrade"], env=env)
    assert result.exit_code == 0, result.output


def test_user_create_refuses_a_name_with_a_line_break(
    container: Container, env: dict[str, str]
) -> None:
    result = runner.invoke(
        app,
        [
            "user",
            "create",
            "--email",
            "eve@example.com",
            "--name",
            "Eve\nBcc: x@evil.test",
            "--role",
            "buyer",
            "--password",
            "a long password",
        ],
        env=env,
    )

    assert result.exit_code == 2
    assert "control characters" in result.output
    with container.uow() as uow:
        assert uow.users.by_email("eve@example.com") is None
