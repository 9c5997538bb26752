"""Reliability fixtures: databases made the way tests/conftest.py makes them, but seeded once
and handed out as copies, to a whole module (a world many requests share) or to one test or
one Hypothesis example at a time."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Generic, TypeVar

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, create_engine, delete, insert, select, text

from recourse.bootstrap import build
from recourse.config import Settings
from recourse.container import Container
from recourse.db.models import Base
from recourse.integrations.clock import FixedClock
from recourse.web.app import create_app
from tests.conftest import PG_URL, START, _truncate_all
from tests.reliability.world import World, build_world

T = TypeVar("T")


def _settings(directory: Path, url: str) -> Settings:
    return Settings(
        data_dir=directory,
        database_url=url,
        secret_key="test-secret",
        base_url="http://testserver",
        webhook_allow_private=True,
    )


def empty_database(directory: Path, database_template: str) -> Settings:
    """A migrated database nobody else is using: a copy of the SQLite template, or the
    PostgreSQL test database emptied (so only one is alive at a time there)."""
    directory.mkdir(parents=True, exist_ok=True)
    if PG_URL:
        _truncate_all(PG_URL)
        return _settings(directory, PG_URL)
    target = directory / "recourse.db"
    shutil.copyfile(database_template, target)
    return _settings(directory, f"sqlite:///{target}")


@dataclass(frozen=True)
class Rows:
    """Every row of every table, and where each id sequence stood: PostgreSQL's snapshot."""

    tables: dict[str, list[dict[str, Any]]]
    sequences: dict[str, tuple[int, bool]]

    @classmethod
    def read(cls, url: str) -> Rows:
        engine = _engine(url)
        tables = Base.metadata.sorted_tables
        with engine.connect() as conn:
            rows = {t.name: [dict(r) for r in conn.execute(select(t)).mappings()] for t in tables}
            sequences = {
                f"{schema}.{name}": (int(value or 1), value is not None)
                for schema, name, value in conn.execute(
                    text("SELECT schemaname, sequencename, last_value FROM pg_sequences")
                )
            }
        engine.dispose()
        return cls(rows, sequences)

    def restore(self, url: str) -> None:
        """Deleting a few hundred rows is much faster than TRUNCATE on two dozen tables."""
        engine = _engine(url)
        tables = Base.metadata.sorted_tables
        with engine.begin() as conn:
            # a return and its parcels point at each other (returns.return_shipment_id,
            # shipments.return_id): no table order satisfies both keys row by row, so the
            # rows go back as one snapshot with the keys checked by none (test databases only)
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            for table in reversed(tables):
                conn.execute(delete(table))
            for table in tables:
                if self.tables[table.name]:
                    conn.execute(insert(table), self.tables[table.name])
            for sequence, (value, called) in self.sequences.items():
                conn.execute(
                    text("SELECT setval(:s, :v, :c)"), {"s": sequence, "v": value, "c": called}
                )
        engine.dispose()


def _engine(url: str) -> Engine:
    return create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))


@dataclass(frozen=True)
class Snapshot(Generic[T]):
    """A database seeded once by `seed`, at rest, with its directory (the mailbox). Opening
    it copies the directory; on SQLite the database file comes along, on PostgreSQL (one test
    database) the rows are put back in place of whatever the last test left."""

    directory: Path
    state: T
    now: datetime
    rows: Rows | None

    @classmethod
    def take(
        cls, directory: Path, database_template: str, seed: Callable[[Container, FixedClock], T]
    ) -> Snapshot[T]:
        clock = FixedClock(START)
        container = build(
            empty_database(directory, database_template), clock=clock, fast_hashing=True
        )
        state = seed(container, clock)
        container.dispose()
        return cls(directory, state, clock.now(), Rows.read(PG_URL) if PG_URL else None)

    def open(self, directory: Path) -> tuple[Container, FixedClock, T]:
        target = directory / "copy"
        shutil.copytree(self.directory, target)
        url = f"sqlite:///{target / 'recourse.db'}"
        if PG_URL and self.rows:
            self.rows.restore(PG_URL)
            url = PG_URL
        clock = FixedClock(self.now)
        return build(_settings(target, url), clock=clock, fast_hashing=True), clock, self.state


@dataclass
class Seeded:
    """A container on its own database, the world seeded in it, and the app serving it."""

    container: Container
    clock: FixedClock
    world: World
    app: FastAPI

    def close(self) -> None:
        self.container.dispose()


def _seed_world(container: Container, clock: FixedClock) -> World:
    return build_world(container, clock)


@pytest.fixture(scope="session")
def world_snapshot(
    tmp_path_factory: pytest.TempPathFactory, database_template: str
) -> Snapshot[World]:
    return Snapshot.take(tmp_path_factory.mktemp("snapshot"), database_template, _seed_world)


def open_world(snapshot: Snapshot[World], directory: Path) -> Seeded:
    container, clock, world = snapshot.open(directory)
    return Seeded(container, clock, world, create_app(container))


@pytest.fixture(scope="module")
def shared(
    tmp_path_factory: pytest.TempPathFactory, world_snapshot: Snapshot[World]
) -> Iterator[Seeded]:
    """One world for a whole module: for requests that read, or that must be refused."""
    found = open_world(world_snapshot, tmp_path_factory.mktemp("shared"))
    yield found
    found.close()


@pytest.fixture
def fresh(tmp_path: Path, world_snapshot: Snapshot[World]) -> Iterator[Seeded]:
    """A world for one test alone."""
    found = open_world(world_snapshot, tmp_path)
    yield found
    found.close()
