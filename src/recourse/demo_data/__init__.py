"""`recourse demo`: a sample marketplace with ninety days of history, made by the real use cases.

Every store, person, order, payment, parcel and carrier scan goes through the service functions
the API and the worker call, on a clock moved through the past; a worker on that clock fires the
deadlines that fell due along the way. The demo's rows, timelines and emails are therefore what
production would have made of the same history, and nothing in them lies in the future.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TypedDict

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import func, select

from recourse.container import Container
from recourse.db.models.disputes import DisputeRow
from recourse.db.models.orders import OrderRow
from recourse.db.models.returns import ReturnRow
from recourse.demo_data import disputes
from recourse.demo_data.clock import WORKER_CADENCE, History
from recourse.demo_data.marketplace import (
    BUYER_LOGIN,
    PEOPLE,
    SECOND_AGENT_LOGIN,
    SELLER_LOGIN,
    SPANISH_BUYER_LOGIN,
    STORES,
    SUPPORT_LOGIN,
    setup,
)
from recourse.demo_data.orders import plan
from recourse.demo_data.stories import story
from recourse.domain.returns import ReturnKind
from recourse.services import accounts

__all__ = ["WORKER_CADENCE", "DemoInfo", "demo_logins", "seed", "seeded"]


class DemoInfo(TypedDict):
    logins: dict[str, tuple[str, str]]
    in_spanish: tuple[str, str]
    second_agent: tuple[str, str]
    token: str


def seed(container: Container, *, console: Console) -> DemoInfo:
    """Build the demo marketplace in an empty database; return the logins the demo prints."""
    columns = (TextColumn("{task.description:<30}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task("Stores and people", total=len(STORES) + len(PEOPLE))
        _build(History(container, progress, task))
    console.print(seeded(container))
    return demo_logins(container)


def seeded(container: Container) -> str:
    """What the demo holds, counted from its database: orders, returns by kind and step, and
    disputes by status."""
    with container.read_session() as session:
        orders = session.scalar(select(func.count()).select_from(OrderRow)) or 0
        rows = session.execute(
            select(ReturnRow.kind, ReturnRow.status, func.count()).group_by(
                ReturnRow.kind, ReturnRow.status
            )
        ).all()
        argued = dict(
            session.execute(
                select(DisputeRow.status, func.count()).group_by(DisputeRow.status)
            ).all()
        )
    buyer = {status: n for kind, status, n in rows if kind == ReturnKind.buyer_return}
    parcels = {f"{kind} {status}": n for kind, status, n in rows if kind != ReturnKind.buyer_return}
    steps = ", ".join(f"{status} {buyer[status]}" for status in sorted(buyer))
    back = ", ".join(f"{name} {parcels[name]}" for name in sorted(parcels))
    disputes_by_status = ", ".join(f"{status} {argued[status]}" for status in sorted(argued))
    return (
        f"Seeded {orders} orders; {sum(buyer.values())} returns ({steps}); "
        f"{sum(parcels.values())} parcels coming back ({back}); "
        f"{sum(argued.values())} disputes ({disputes_by_status})."
    )


def _build(history: History) -> None:
    """Plans every order's story first, then plays all of them in one chronological pass."""
    for order in plan(history) + disputes.plan(history):
        story(history, order)
    first = min(history.steps).at
    setup(history, first - timedelta(days=30))
    history.play(first)


def demo_logins(container: Container) -> DemoInfo:
    """The fixed demo logins, and a fresh operator API token for the demo's database."""
    token = accounts.create_token(
        container.uow(), container.ctx, operator=True, email=None, name="demo"
    )
    return {
        "logins": {"buyer": BUYER_LOGIN, "seller": SELLER_LOGIN, "support": SUPPORT_LOGIN},
        # the same marketplace read in Spanish, by a buyer whose language is Spanish
        "in_spanish": SPANISH_BUYER_LOGIN,
        # D6: an appeal goes to a different agent than the one who decided
        "second_agent": SECOND_AGENT_LOGIN,
        "token": token,
    }
