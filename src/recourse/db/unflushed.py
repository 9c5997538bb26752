"""The rows a use case added or changed that the appends statement writes itself (PostgreSQL).

The paid cancel adds a cancellation and a refund, each with its lines, and changes the order
and its lines. The new rows have their ids already (db/ids.py), so nothing has to be written
before the commit; the changed rows are the ones the transaction locked and loaded. Instead
of the ORM's flush (one round trip per table and kind of change), db/appends.py writes them
in its one statement: the new rows as INSERTs, the changed ones as
`UPDATE ... FROM json_populate_recordset(...)`, one per table and set of changed columns, so
that no row is updated twice. A statement's foreign keys are checked at its end, so the
order of its parts does not matter.

They are taken only when the session has nothing else to write: a use case that also wrote
other rows keeps the flush (which orders the tables by their relationships). Afterwards the
rows are what the flush would have left: the new rows persistent in the session (a later
read in the transaction finds them without a query), the changed rows clean. Until the
commit they are ordinary unflushed rows, so a query in between flushes them as usual.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import InstanceState, Session

from recourse.db import models as m
from recourse.db.models import Base

# new rows written by the statement when they have their keys, in this order
INSERTED: tuple[type[Base], ...] = (
    m.RefundRow,
    m.RefundLineRow,
    m.CancellationRow,
    m.CancellationLineRow,
)
# the attributes of each one's primary key
_KEY_ATTRIBUTES: dict[type[Base], tuple[str, ...]] = {
    model: tuple(inspect(model).get_property_by_column(c).key for c in inspect(model).primary_key)
    for model in INSERTED
}
# changed rows written by the statement (single `id` key, no version counter, no onupdate)
UPDATED: tuple[type[Base], ...] = (m.OrderRow, m.OrderLineRow, m.CancellationRow, m.RefundRow)


@dataclass
class Unflushed:
    """What the statement writes in place of the flush; `done()` once it is written."""

    new: dict[type[Base], list[Base]] = field(default_factory=dict)
    # (model, changed columns) -> the rows' states
    changed: dict[tuple[type[Base], tuple[str, ...]], list[InstanceState[Any]]] = field(
        default_factory=dict
    )
    clean: list[InstanceState[Any]] = field(default_factory=list)

    def inserts(self) -> list[tuple[type[Base], list[dict[str, Any]]]]:
        return [(model, [values_of(row) for row in self.new[model]]) for model in self.new]

    def updates(
        self,
    ) -> list[tuple[type[Base], tuple[str, ...], list[dict[str, Any]], set[int | None]]]:
        """Per table and set of changed columns: the rows' ids and new values, and the orders
        they belong to (None: not known)."""
        # in a fixed order, so that the statement's text is one of a few
        groups = sorted(self.changed.items(), key=lambda g: (UPDATED.index(g[0][0]), g[0][1]))
        return [
            (
                model,
                columns,
                [{c: state.dict[c] for c in ("id", *columns)} for state in states],
                {state.dict.get("id" if model is m.OrderRow else "order_id") for state in states},
            )
            for (model, columns), states in groups
        ]

    def done(self, session: Session) -> None:
        """The rows are written: the session registers them as its flush would have (the new
        ones persistent, the changed ones clean; a rollback of the transaction forgets them
        as it forgets flushed rows)."""
        states = {inspect(row) for rows in self.new.values() for row in rows}
        session._register_persistent({*states, *self.clean})


def take_unflushed(session: Session) -> Unflushed | None:
    """The session's unwritten changes, when all of them are rows the statement can write
    (new rows of INSERTED with their keys set, column changes of rows of UPDATED); None
    otherwise (then the flush writes them). Call after the timeline and events are taken."""
    if session.deleted:
        return None
    found = Unflushed()
    for row in session.new:
        if not isinstance(row, INSERTED):
            return None
        held = row.__dict__  # the row's state's dict: its key columns, set or not
        if any(held.get(key) is None for key in _KEY_ATTRIBUTES[type(row)]):
            return None
        found.new.setdefault(type(row), []).append(row)
    for state in session.identity_map._modified:  # what session.dirty reads
        if not _take_changed(found, state):
            return None
    if not found.new and not found.clean:
        return None
    found.new = {model: found.new[model] for model in INSERTED if model in found.new}
    for rows in found.new.values():
        rows.sort(key=lambda row: inspect(row).insert_order or 0)
    return found


def _take_changed(found: Unflushed, state: InstanceState[Any]) -> bool:
    if state.key is None:
        return True  # a new row: among session.new
    model = state.class_
    if model not in UPDATED or state.deleted:
        return False
    columns = state.mapper.columns
    changed = []
    for key, before in state.committed_state.items():
        if key not in columns or key == "id":
            return False  # a relationship, or the key itself
        if key not in state.dict:
            return False  # expired meanwhile: let the flush decide
        if state.dict[key] != before:
            changed.append(key)
    if changed:
        found.changed.setdefault((model, tuple(sorted(changed))), []).append(state)
    found.clean.append(state)
    return True


def values_of(obj: Base) -> dict[str, Any]:
    """The row's column values as the ORM would insert them: a column left unset takes its
    scalar default (set on the row, as the flush sets it); an unset autoincrement key is left
    to the database."""
    values: dict[str, Any] = {}
    state = inspect(obj)
    loaded = state.dict
    for key, name, default, autoincrement_key in _insert_columns(type(obj)):
        value = loaded.get(key)
        if value is None:
            if default is not None:
                value = default
            elif autoincrement_key:
                continue
            if key not in loaded or value is not None:
                # loaded, so reading it later needs no query; into the state's dict, as the
                # flush would leave it: the row is written by the appends, not flushed, so no
                # change event or history is needed (`done` then marks it all committed)
                loaded[key] = value
        values[name] = value
    return values


_INSERT_COLUMNS: dict[type[Base], list[tuple[str, str, Any, bool]]] = {}


def _insert_columns(model: type[Base]) -> list[tuple[str, str, Any, bool]]:
    """Per mapped column of `model`: its attribute, its column's name, its scalar default (or
    None) and whether it is an autoincrement key; read from the mapper once."""
    found = _INSERT_COLUMNS.get(model)
    if found is None:
        found = []
        for attribute in inspect(model).column_attrs:
            column = attribute.columns[0]
            default = column.default
            scalar = default.arg if default is not None and default.is_scalar else None
            found.append(
                (
                    attribute.key,
                    column.key,
                    scalar,
                    bool(column.primary_key and column.autoincrement),
                )
            )
        _INSERT_COLUMNS[model] = found
    return found


def update_sql(table: str, columns: Iterable[str], param: str, narrow: str) -> str:
    """An UPDATE of `table`'s rows by id from the JSON array parameter `param`, among the rows
    the condition `narrow` finds by an index (names checked against the model by the caller).

    The planner counts a hundred rows in any `json_populate_recordset` and cannot see which
    ids it holds: joined on the id alone, a table of up to some tens of thousands of rows is
    read whole and hashed (20,000 orders: 2.7 ms for one row; 0.05 ms by the key). `narrow`
    (the rows' order, or their ids) lets it find them by an index whatever the table's size."""
    sets = ", ".join(f'"{c}" = r."{c}"' for c in columns)
    return (
        f"UPDATE {table} AS t SET {sets}"  # noqa: S608
        f" FROM json_populate_recordset(NULL::{table}, %({param})s::json) AS r"
        f" WHERE {narrow} AND t.id = r.id"
    )
