"""The appends statement finds the order rows it updates by an index (PostgreSQL).

The planner counts a hundred rows in any `json_populate_recordset`: joined on the id alone,
an update of one order's row and lines read the whole `orders` and `order_lines` tables once
they held a few thousand rows (db/unflushed.py: `update_sql`). The plan is read here, not
timed: the write of a paid cancel is explained on the tables it runs against."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Table, event, text

from recourse.container import Container
from recourse.db import models as m
from recourse.domain.roles import Actor, Role
from recourse.services.cancellations import cancel_order
from tests.factories import make_order, make_store, make_user, pay

pytestmark = pytest.mark.skipif(
    not os.environ.get("RECOURSE_TEST_DATABASE_URL"),
    reason="the plan of PostgreSQL's one write statement (RECOURSE_TEST_DATABASE_URL runs it)",
)

COPIES = 3000


def _copy_order(c: Container, order_id: int, copies: int) -> int:
    """`copies` more orders like `order_id`, each with its lines, then the tables analyzed
    (as autovacuum would have done on a live database of that size); the first copy's id."""
    orders = m.OrderRow.__table__
    lines = m.OrderLineRow.__table__
    assert isinstance(orders, Table) and isinstance(lines, Table)

    def copied(table: Table, overrides: dict[str, str]) -> tuple[str, str]:
        names = [col.name for col in table.columns]
        values = [overrides.get(name, f"t.{name}") for name in names]
        return ", ".join(names), ", ".join(values)

    with c.engine.begin() as conn:
        top_order = conn.scalar(text("SELECT max(id) FROM orders"))
        top_line = conn.scalar(text("SELECT max(id) FROM order_lines"))
        names, values = copied(orders, {"id": ":top + g", "external_id": "NULL"})
        conn.execute(
            text(
                f"INSERT INTO orders ({names}) SELECT {values}"  # noqa: S608
                " FROM orders AS t, generate_series(1, :n) AS g WHERE t.id = :order"
            ),
            {"top": top_order, "n": copies, "order": order_id},
        )
        first, last = conn.execute(
            text("SELECT min(id), max(id) FROM order_lines WHERE order_id = :o"), {"o": order_id}
        ).one()
        names, values = copied(
            lines,
            {"id": ":top_line + (g - 1) * :width + t.id - :first + 1", "order_id": ":top + g"},
        )
        conn.execute(
            text(
                f"INSERT INTO order_lines ({names}) SELECT {values}"  # noqa: S608
                " FROM order_lines AS t, generate_series(1, :n) AS g WHERE t.order_id = :order"
            ),
            {
                "top": top_order,
                "top_line": top_line,
                "width": last - first + 1,
                "first": first,
                "n": copies,
                "order": order_id,
            },
        )
    with c.engine.connect() as conn:
        conn.execute(text("ANALYZE orders"))
        conn.execute(text("ANALYZE order_lines"))
        conn.commit()
    return int(top_order) + 1


def _scans(plan: dict[str, Any]) -> list[tuple[str, str]]:
    """(node type, table) of every node of the plan that names a table (scans, and the
    ModifyTable of each part)."""
    found = []
    if "Relation Name" in plan:
        found.append((plan["Node Type"], plan["Relation Name"]))
    for child in plan.get("Plans", []):
        found.extend(_scans(child))
    return found


def test_a_paid_cancel_updates_its_order_and_lines_by_an_index(container: Container) -> None:
    store = make_store(container, buyer_cancel="instant")
    buyer = make_user(container, role=Role.buyer, email="plan@example.com")
    order_id = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order_id)
    first_copy = _copy_order(container, order_id, COPIES)
    container.clock.advance(timedelta(hours=1))

    buyer_cancels = Actor(Role.buyer, user_id=buyer)

    def cancel(order: int) -> None:
        cancel_order(
            container.uow(),
            container.ctx,
            actor=buyer_cancels,
            order_id=order,
            reason="changed_mind",
        )

    # one cancel first, so that the store's policy, the reasons and the settlement profiles
    # are read and kept, as in a running process: the next cancel then writes in one statement
    cancel(first_copy)
    plans: list[dict[str, Any]] = []

    def explain(_c: Any, cursor: Any, sql: str, params: Any, *_: Any) -> None:
        if sql.startswith("WITH") and "UPDATE orders" in sql:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            (found,) = cursor.fetchone()
            plans.append((json.loads(found) if isinstance(found, str) else found)[0]["Plan"])

    event.listen(container.engine, "before_cursor_execute", explain)
    try:
        cancel(order_id)
    finally:
        event.remove(container.engine, "before_cursor_execute", explain)

    assert len(plans) == 1, "the paid cancel writes its order in one appends statement"
    scans = _scans(plans[0])
    reads = [
        (kind, table)
        for kind, table in scans
        if kind != "ModifyTable" and table in ("orders", "order_lines")
    ]
    assert {table for _, table in reads} == {"orders", "order_lines"}, scans
    assert all(kind != "Seq Scan" for kind, _ in reads), scans
    with container.uow() as uow:
        assert str(uow.orders.stored_status(order_id)) == "cancelled"
