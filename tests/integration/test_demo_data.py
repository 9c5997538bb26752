"""`recourse demo`: the sample marketplace is built by the real use cases, relative to now."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from recourse import demo_data
from recourse.bootstrap import build
from recourse.container import Container
from recourse.db.models.accounts import UserRow
from recourse.db.models.cancellations import CancellationRow
from recourse.db.models.conversation import InterceptRequestRow, OrderMessageRow
from recourse.db.models.disputes import DisputeRow
from recourse.db.models.evidence import EvidenceFileRow
from recourse.db.models.orders import OrderRow
from recourse.db.models.protection import ProtectionExtensionRow
from recourse.db.models.refunds import RefundRow
from recourse.db.models.returns import ReturnRow
from recourse.db.models.tickets import SupportTicketRow
from recourse.db.queries import conversation as conversation_queries
from recourse.db.queries import orders as order_queries
from recourse.db.queries import stores as store_queries
from recourse.demo_data.marketplace import SPANISH_BUYER_LOGIN, SUPPORT_LOGIN
from recourse.domain.accounts import LoginLimits
from recourse.domain.disputes import DisputeStatus, DisputeType, Outcome, Resolution
from recourse.domain.order import OrderStatus
from recourse.domain.returns import FINAL_STATUSES, ReturnKind, ReturnStatus
from recourse.domain.roles import Actor, Role
from recourse.integrations.clock import FixedClock
from recourse.services import accounts
from recourse.web.app import create_app
from tests.conftest import START, fresh_settings
from tests.integration.demo_support import SUPPORT, all_orders, seed, statuses_of
from tests.web.test_pages import login
from tests.web.test_pages_dashboard import SVG, rows_of

pytestmark = pytest.mark.slow


# Seeding takes minutes; every test here only reads what it made (logins aside), so the module
# seeds one marketplace and shares it.
@pytest.fixture(scope="module")
def seeded(
    tmp_path_factory: pytest.TempPathFactory, database_template: str
) -> Iterator[tuple[Container, demo_data.DemoInfo]]:
    c = build(
        fresh_settings(tmp_path_factory.mktemp("demo"), database_template),
        clock=FixedClock(START),
        fast_hashing=True,
    )
    try:
        yield c, seed(c)
    finally:
        c.dispose()


@pytest.fixture
def container(seeded: tuple[Container, demo_data.DemoInfo]) -> Container:
    return seeded[0]


@pytest.fixture
def info(seeded: tuple[Container, demo_data.DemoInfo]) -> demo_data.DemoInfo:
    return seeded[1]


def _login(container: Container, email: str, password: str) -> Actor:
    user = accounts.authenticate(
        container.uow(),
        container.ctx,
        container.hasher,
        email=email,
        password=password,
        client="test",
        limits=LoginLimits(per_account=5, per_client=20),
    )
    return user.actor()


def test_demo_offers_every_status_currency_policy_and_a_working_login_for_each_role(
    container: Container, info: demo_data.DemoInfo
) -> None:
    now = container.clock.now()
    summaries = all_orders(container)
    store_ids = sorted({o.store_id for o in summaries})
    with container.read_session() as session:
        tabs = order_queries.tab_counts(session, SUPPORT, now)
        policies = [store_queries.store_with_policy(session, sid, now) for sid in store_ids]
        governing = {
            (d.store["id"], d.policy.version)
            for d in (order_queries.order_detail(session, SUPPORT, o.id, now) for o in summaries)
            if d
        }
    with container.uow() as uow:
        versions = {sid: len(uow.stores.policy_versions(sid)) for sid in store_ids}
    changed = [sid for sid, count in versions.items() if count >= 2]
    logins = {role: _login(container, *login) for role, login in info["logins"].items()}
    mine = all_orders(container, logins["buyer"])
    by_store = {sid: sum(o.store_id == sid for o in mine) for sid in {o.store_id for o in mine}}
    again = demo_data.demo_logins(container)

    assert tabs["all"] >= 60
    assert all(tabs[tab] > 0 for tab in order_queries.TABS)
    assert {"EUR", "JPY", "KWD"} <= {o.currency for o in summaries}
    assert len({o.buyer_id for o in summaries}) >= 5
    assert len(store_ids) >= 3
    assert len({repr(sorted(p["policy"].items())) for p in policies if p}) >= 3
    assert {(changed[0], 1), (changed[0], 2)} <= governing
    assert {role: actor.role for role, actor in logins.items()} == {
        "buyer": Role.buyer,
        "seller": Role.seller,
        "support": Role.support,
    }
    assert all(count > 0 for count in statuses_of(container, logins["buyer"]).values())
    assert max(by_store, key=lambda sid: by_store[sid]) in logins["seller"].store_ids
    assert len(logins["seller"].store_ids) == 2
    assert again["logins"] == info["logins"]
    second = _login(container, *info["second_agent"])
    assert second.role is Role.support and second.user_id != logins["support"].user_id
    assert accounts.actor_for_token(container.uow(), info["token"]).role is Role.operator
    assert accounts.actor_for_token(container.uow(), again["token"]).role is Role.operator


def test_demo_has_a_buyer_who_reads_it_in_spanish_with_orders_in_several_states(
    container: Container, info: demo_data.DemoInfo
) -> None:
    email, password = info["in_spanish"]
    user = accounts.authenticate(
        container.uow(),
        container.ctx,
        container.hasher,
        email=email,
        password=password,
        client="test",
        limits=LoginLimits(per_account=5, per_client=20),
    )
    mine = all_orders(container, user.actor())

    assert user.locale == "es"
    assert len({o.status for o in mine}) >= 4


def test_demo_has_requests_for_help_open_and_closed(container: Container) -> None:
    with container.read_session() as session:
        statuses = sorted(session.scalars(select(SupportTicketRow.status)).all())

    assert statuses.count("open") >= 2
    assert statuses.count("closed") >= 1


def test_demo_has_a_confirmed_receipt_and_a_pending_protection_extension(
    container: Container,
) -> None:
    with container.read_session() as session:
        confirmed = session.scalars(
            select(OrderRow.id).where(OrderRow.receipt_confirmed_at.is_not(None))
        ).all()
        waiting = session.scalars(
            select(ProtectionExtensionRow.id).where(ProtectionExtensionRow.status == "pending")
        ).all()

    assert len(confirmed) >= 2
    assert len(waiting) >= 1


def test_demo_has_a_conversation_with_unread_messages_and_requests_to_stop_a_parcel(
    container: Container,
) -> None:
    with container.read_session() as session:
        kinds = session.execute(
            select(OrderMessageRow.order_id, OrderMessageRow.kind, OrderMessageRow.author_role)
        ).all()
        statuses = sorted(session.scalars(select(InterceptRequestRow.status)).all())
        threads = {order_id for order_id, kind, _ in kinds if kind == "text"}
        unread = {
            order_id: conversation_queries.unread_count(
                session, order_id, user_id=buyer, role="buyer"
            )
            for order_id, buyer in session.execute(
                select(OrderRow.id, OrderRow.buyer_id).where(OrderRow.id.in_(threads))
            )
        }

    assert any(count >= 1 for count in unread.values())
    assert statuses.count("requested") >= 1 and statuses.count("cannot") >= 1


# What a return waiting on a clock waits for (R2, R3, R4, S2).
WAITS_ON = {
    ReturnStatus.requested: "respond_by",
    ReturnStatus.offered: "offer_answer_by",
    ReturnStatus.approved: "ship_by",
    ReturnStatus.delivered: "refund_by",
}


def test_demo_has_returns_in_every_state_and_parcels_coming_back_of_each_kind(
    container: Container,
) -> None:
    now = container.clock.now()
    with container.read_session() as session:
        returns = session.scalars(select(ReturnRow)).all()
        spanish = session.scalars(
            select(ReturnRow.id)
            .join(OrderRow, OrderRow.id == ReturnRow.order_id)
            .join(UserRow, UserRow.id == OrderRow.buyer_id)
            .where(UserRow.email == SPANISH_BUYER_LOGIN[0])
        ).all()
        evidence = session.scalars(
            select(EvidenceFileRow.subject_id).where(EvidenceFileRow.subject == "return")
        ).all()
    buyer_returns = {ReturnStatus(r.status) for r in returns if r.kind == ReturnKind.buyer_return}
    parcels = {(ReturnKind(r.kind), ReturnStatus(r.status)) for r in returns if r.kind != "return"}
    waiting = [r for r in returns if r.status in WAITS_ON]

    assert buyer_returns == set(ReturnStatus) - {ReturnStatus.parcel_returning}
    assert {
        (ReturnKind.refused_delivery, ReturnStatus.parcel_returning),
        (ReturnKind.refused_delivery, ReturnStatus.delivered),
        (ReturnKind.refused_delivery, ReturnStatus.refunded),
        (ReturnKind.intercepted, ReturnStatus.parcel_returning),
    } <= parcels
    # every step that waits on a deadline is still inside it today, and says so in `due_at`
    assert waiting
    deadlines = {r.id: getattr(r, WAITS_ON[ReturnStatus(r.status)]) for r in waiting}
    assert [(r.id, r.status) for r in waiting if not (deadlines[r.id] or now) > now] == []
    assert all(r.due_at == deadlines[r.id] for r in waiting)
    # R2: one was approved by the sellers' silence
    assert any(r.status == "approved" and r.decided_by_role == "system" for r in returns)
    assert spanish
    assert len(set(evidence)) >= 2
    # the summary `recourse demo` prints counts what is there
    summary = demo_data.seeded(container)
    assert f" {sum(r.kind == 'return' for r in returns)} returns (" in summary
    assert f" {sum(r.kind != 'return' for r in returns)} parcels coming back (" in summary


def test_demo_has_disputes_at_every_step_of_every_type_it_has_the_situation_for(
    container: Container,
) -> None:
    now = container.clock.now()
    with container.read_session() as session:
        rows = session.scalars(select(DisputeRow)).all()
        evidence = session.scalars(
            select(EvidenceFileRow.subject_id).where(EvidenceFileRow.subject == "dispute")
        ).all()
    escalated = [r for r in rows if r.status == DisputeStatus.escalated]
    decided = [r for r in rows if r.status == DisputeStatus.decided]

    assert {DisputeStatus(r.status) for r in rows} == set(DisputeStatus)
    # the demo has no refund that is late, so no `refund_not_received`
    assert {DisputeType(r.type) for r in rows} == set(DisputeType) - {
        DisputeType.refund_not_received
    }
    assert {r.resolution for r in rows if r.status == DisputeStatus.resolved} == {
        str(x) for x in Resolution
    }
    assert {Outcome(r.outcome) for r in decided} == set(Outcome)
    assert all(r.appeal_by is not None and r.appeal_by > now for r in decided)
    assert {r.assignee_id is None for r in escalated} == {True, False}
    assert any(i.answer is None and i.due_at > now for r in escalated for i in r.info_requests)
    assert any(r.status == DisputeStatus.negotiating and len(r.proposals) == 2 for r in rows)
    assert all(
        r.appeal_assignee_id != r.decided_by_id for r in rows if r.appeal_assignee_id is not None
    )
    # opened over the last two months, so the dashboard's charts have a shape
    assert min(r.opened_at for r in rows) <= now - timedelta(days=50)
    assert max(r.opened_at for r in rows) >= now - timedelta(days=3)
    assert len(set(evidence)) >= 2
    assert f"; {len(rows)} disputes (" in demo_data.seeded(container)


def test_demo_orders_read_closed_only_once_every_case_and_refund_on_them_is_settled(
    container: Container,
) -> None:
    now = container.clock.now()
    with container.read_session() as session:
        listed = {
            o.id
            for o in order_queries.list_orders(
                session, SUPPORT, now, statuses=(str(OrderStatus.closed),), limit=1000
            ).items
        }
        read = {
            o.id: order_queries.order_detail(session, SUPPORT, o.id, now)
            for o in order_queries.list_orders(session, SUPPORT, now, limit=1000).items
        }
        closed = sorted(i for i, d in read.items() if d and d.status == OrderStatus.closed)
        requests = session.scalars(
            select(CancellationRow.status).where(
                CancellationRow.order_id.in_(closed), CancellationRow.mode == "request"
            )
        ).all()
        refunds = session.scalars(
            select(RefundRow.status).where(RefundRow.order_id.in_(closed))
        ).all()
        returns = session.scalars(
            select(ReturnRow.status).where(ReturnRow.order_id.in_(closed))
        ).all()
        disputes = session.scalars(
            select(DisputeRow.status).where(DisputeRow.order_id.in_(closed))
        ).all()
        disputed = session.scalars(
            select(DisputeRow.order_id).where(DisputeRow.status == DisputeStatus.resolved)
        ).all()

    assert len(closed) >= 3
    assert listed <= set(closed)
    # an order whose dispute ended, and whose refunds arrived, reads closed
    assert set(closed) & set(disputed)
    assert "pending_seller" not in requests
    assert set(refunds) <= {"succeeded"}
    assert {ReturnStatus(s) for s in returns} <= FINAL_STATUSES
    assert set(disputes) <= {DisputeStatus.resolved, DisputeStatus.withdrawn}


# Support's dashboard drawn from the demo marketplace (issue 13's last item): every chart has
# something to show on the seeded data, signed in with the demo's own support login, and the
# numbers beside each chart are the demo's.

CHARTS = [
    "chart-opened-title chart-opened-desc",
    "chart-outcomes-title chart-outcomes-desc",
    "chart-sla-title chart-sla-desc",
    "chart-reasons-title chart-reasons-desc",
    "chart-refunds-title chart-refunds-desc",
]


@pytest.fixture
def support(container: Container) -> Iterator[TestClient]:
    with TestClient(create_app(container), follow_redirects=False) as client:
        assert login(client, *SUPPORT_LOGIN).status_code == 303
        yield client


def _total(rows: list[list[str]], column: int) -> int:
    return sum(int(r[column]) for r in rows)


def test_every_chart_of_the_dashboard_draws_the_demo_data(
    support: TestClient, container: Container
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
    now = container.clock.now()
    with container.read_session() as s:
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
