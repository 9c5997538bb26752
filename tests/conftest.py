"""Shared fixtures: a fresh database per test (SQLite by default, PostgreSQL when
RECOURSE_TEST_DATABASE_URL is set), a clock the test moves by hand, and a container."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, insert, text

from recourse.bootstrap import build
from recourse.config import Settings
from recourse.container import Container
from recourse.db.migrate import upgrade
from recourse.db.models import Base, CancellationReasonRow
from recourse.domain.reasons import DEFAULT_REASONS
from recourse.domain.roles import Actor, Role
from recourse.integrations.clock import FixedClock
from tests.webhook_receiver import Receiver

PG_URL = os.environ.get("RECOURSE_TEST_DATABASE_URL")
# A Monday morning with no public holiday in the countries the tests use.
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate once per session: a template SQLite file, or the PostgreSQL test database."""
    if PG_URL:
        engine = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        upgrade(PG_URL)
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "recourse.db"
    upgrade(f"sqlite:///{path}")
    return str(path)


_engines: dict[str, Engine] = {}

# Every table's rows and every sequence back to 1, in one transaction. DELETE, not TRUNCATE:
# a test writes a few rows, and TRUNCATE makes each of ~45 tables new files (about a second on
# a busy machine, per test); with the foreign keys' triggers off for the transaction, the
# order of the tables does not matter.
_EMPTY_SEQUENCES = (
    "SELECT setval(c.oid::regclass, 1, false) FROM pg_class c"
    " JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relkind = 'S' AND n.nspname = current_schema()"
)


def _truncate_all(url: str) -> None:
    """Empty the PostgreSQL test database, as freshly migrated."""
    engine = _engines.get(url)
    if engine is None:
        engine = _engines[url] = create_engine(
            url.replace("postgresql://", "postgresql+psycopg://", 1), pool_size=1
        )
    with engine.begin() as conn:
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
        conn.exec_driver_sql(_EMPTY_SEQUENCES)
        # Reference data the migrations seed comes back, as on a freshly migrated database.
        conn.execute(
            insert(CancellationReasonRow),
            [
                {
                    "code": r.code,
                    "label": r.label,
                    "actor": str(r.actor),
                    "fault": str(r.fault),
                    "requires_note": r.requires_note,
                    "active": True,
                    "position": i,
                    "for_cancellation": r.for_cancellation,
                    "for_return": r.for_return,
                    "category": r.category,
                }
                for i, r in enumerate(DEFAULT_REASONS)
            ],
        )


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


def fresh_settings(folder: Path, database_template: str) -> Settings:
    """Settings on an empty, migrated database: a copy of the SQLite template in `folder`, or
    the PostgreSQL test database emptied."""
    if PG_URL:
        _truncate_all(PG_URL)
        url = PG_URL
    else:
        target = folder / "recourse.db"
        shutil.copyfile(database_template, target)
        url = f"sqlite:///{target}"
    # Webhooks go to the receiver on 127.0.0.1; the tests of the address rule turn this off.
    return Settings(
        data_dir=folder,
        database_url=url,
        secret_key="test-secret",
        base_url="http://testserver",
        webhook_allow_private=True,
    )


@pytest.fixture
def settings(tmp_path: Path, database_template: str) -> Settings:
    return fresh_settings(tmp_path, database_template)


@pytest.fixture
def container(settings: Settings, clock: FixedClock) -> Iterator[Container]:
    c = build(settings, clock=clock, fast_hashing=True)
    yield c
    c.dispose()


@pytest.fixture
def operator() -> Actor:
    return Actor(Role.operator)


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    from recourse.web.app import create_app

    with TestClient(create_app(container), follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    r.thread.start()
    yield r
    r.server.shutdown()
    r.server.server_close()
