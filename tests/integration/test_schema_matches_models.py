"""The migrations build the schema the models describe: tables, columns, indexes (partial
ones included) and constraints, nothing missing or extra, on each database. Only the help
centre's search index is the database's alone (db/models/help.py: not mapped)."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import recourse.db.models.help  # noqa: F401 (its table is part of the schema)
from recourse.container import Container
from recourse.db.models import Base

# kept by the database itself (migration 0011): an FTS5 table on SQLite, a generated
# tsvector column with its index on PostgreSQL
SEARCH_INDEX = ("help_articles_fts", "ix_help_articles_search")


def _compared(obj: Any, name: str | None, kind: str, reflected: bool, mapped: Any) -> bool:
    if mapped is None and name is not None and name.startswith(SEARCH_INDEX):
        return False
    table = getattr(obj, "table", None)
    return not (kind == "column" and mapped is None and table is not None and name == "search")


def test_the_migrated_schema_is_the_models_schema(container: Container) -> None:
    with container.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": _compared}
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
