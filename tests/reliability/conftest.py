"""Reliability fixtures: databases made the way tests/conftest.py makes them, but for a whole
module (a seeded world shared by many requests) or for one Hypothesis example at a time."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI

from recourse.bootstrap import build
from recourse.config import Settings
from recourse.container import Container
from recourse.integrations.clock import FixedClock
from recourse.web.app import create_app
from tests.conftest import PG_URL, START, _truncate_all
from tests.reliability.world import World, build_world


def fresh_settings(directory: Path, database_template: str) -> Settings:
    """A database nobody else is using: a copy of the migrated SQLite template, or the
    PostgreSQL test database emptied (so only one such database is alive at a time there)."""
    directory.mkdir(parents=True, exist_ok=True)
    if PG_URL:
        _truncate_all(PG_URL)
        url = PG_URL
    else:
        target = directory / "recourse.db"
        shutil.copyfile(database_template, target)
        url = f"sqlite:///{target}"
    return Settings(
        data_dir=directory, database_url=url, secret_key="test-secret", base_url="http://testserver"
    )


@dataclass
class Seeded:
    """A container on its own database, the world seeded in it, and the app serving it."""

    container: Container
    clock: FixedClock
    world: World
    app: FastAPI


def seeded(directory: Path, database_template: str) -> Seeded:
    clock = FixedClock(START)
    container = build(fresh_settings(directory, database_template), clock=clock, fast_hashing=True)
    world = build_world(container, clock)
    return Seeded(container, clock, world, create_app(container))


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory, database_template: str) -> Iterator[Seeded]:
    """One world for a whole module: for requests that read, or that must be refused."""
    found = seeded(tmp_path_factory.mktemp("world"), database_template)
    yield found
    found.container.dispose()
