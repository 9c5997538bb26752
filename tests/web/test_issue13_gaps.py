"""Support's dashboard drawn from the demo marketplace (issue 13's last item): every chart has
something to show on the seeded data, signed in with the demo's own support login, and the
numbers beside each chart are the demo's."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from recourse.bootstrap import build
from recourse.container import Container
from recourse.db.models.disputes import DisputeRow
from recourse.demo_data.marketplace import SUPPORT_LOGIN
from recourse.integrations.clock import FixedClock
from recourse.web.app import create_app
from tests.conftest import START, fresh_settings
from tests.integration.demo_support import seed
from tests.web.test_pages import login
from tests.web.test_pages_dashboard import SVG, rows_of

pytestmark = pytest.mark.slow

CHARTS = [
    "chart-opened-title chart-opened-desc",
    "chart-outcomes-title chart-outcomes-desc",
    "chart-sla-title chart-sla-desc",
    "chart-reasons-title chart-reasons-desc",
    "chart-refunds-title chart-refunds-desc",
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, database_template: str) -> Iterator[Container]:
    """One seeded marketplace for the module; the tests only read it."""
    c = build(
        fresh_settings(tmp_path_factory.mktemp("demo"), database_template),
        clock=FixedClock(START),
        fast_hashing=True,
    )
    try:
        seed(c)
        yield c
    finally:
        c.dispose()


@pytest.fixture
def support(demo: Container) -> Iterator[TestClient]:
    with TestClient(create_app(demo), follow_redirects=False) as client:
        assert login(client, *SUPPORT_LOGIN).status_code == 303
        yield client


def _total(rows: list[list[str]], column: int) -> int:
    return sum(int(r[column]) for r in rows)


def test_every_chart_of_the_dashboard_draws_the_demo_data(
    support: TestClient, demo: Container
) -> None:
    page = support.get("/support/dashboard?days=90")
    assert page.status_code == 200, page.text
    text = page.text

    assert sorted(SVG.findall(text)) == sorted(CHARTS)
    assert "<script" not in text
    for empty in (
        "No dispute ended in this period.",
        "No cancellation in this period.",
        "No refund reached a buyer in this period.",
    ):
        assert empty not in text
    per_day = rows_of(text, "Disputes opened and decided per day")
    assert len(per_day) == 90
    now = demo.clock.now()
    with demo.read_session() as s:
        opened = s.scalar(select(func.count()).select_from(DisputeRow)) or 0
        oldest = s.scalar(select(func.min(DisputeRow.opened_at)))
    assert oldest is not None and (now - oldest.replace(tzinfo=now.tzinfo)).days < 90
    # every dispute the demo opened falls inside the 90 days, and some were decided
    assert _total(per_day, 1) == opened
    assert _total(per_day, 2) > 0
    outcomes = rows_of(text, "Disputes that ended, by type and outcome")
    assert len(outcomes) >= 2 and all(sum(int(x) for x in r[1:]) > 0 for r in outcomes)
    sla = rows_of(text, "SLA breaches by the day the decision was due")
    assert _total(sla, 1) > 0
    reasons = rows_of(text, "Cancellations by reason and fault")
    assert len(reasons) >= 2 and {r[1] for r in reasons} >= {"Buyer's fault"}
    refunds = rows_of(text, "Refund time by payment method")
    assert refunds and all(int(r[1]) > 0 for r in refunds)


def test_the_default_period_shows_the_recent_demo_days(support: TestClient) -> None:
    text = support.get("/support/dashboard").text

    assert sorted(SVG.findall(text)) == sorted(CHARTS)
    per_day = rows_of(text, "Disputes opened and decided per day")
    assert len(per_day) == 30
    assert _total(per_day, 1) > 0
