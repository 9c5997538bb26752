"""C10/F5 on the pages: support's order page flags a parcel the carrier never scanned and shows
each refund's trace number and gateway history; the buyer's Refunds page links a late refund
to the `refund_not_received` dispute form."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from recourse.container import Container
from recourse.db import models as m
from recourse.domain.roles import Role
from recourse.integrations.clock import FixedClock
from recourse.services import cancellations, disputes, refunds
from recourse.services.disputes.force import force_cancellation
from recourse.services.ports.cancellations import Cancellation
from recourse.services.ports.gateway import GatewayRefund, GatewayStatus
from tests.factories import actor_of, make_order, make_store, make_user, pay
from tests.web.test_pages import login, signed_in


def _shipped_unscanned(container: Container, clock: FixedClock) -> tuple[int, int]:
    store = make_store(container)
    buyer = make_user(container, role=Role.buyer, email="rhea@example.com")
    seller = make_user(container, role=Role.seller, store_ids=[store])
    order = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order)
    clock.advance(timedelta(hours=2))
    request = cancellations.cancel_order(
        container.uow(),
        container.ctx,
        actor=actor_of(container, buyer),
        order_id=order,
        reason="changed_mind",
    )
    assert isinstance(request, Cancellation)
    cancellations.reject_cancellation(
        container.uow(),
        container.ctx,
        actor=actor_of(container, seller),
        cancellation_id=request.id,
        reason="already_shipped",
        carrier="DHL",
        tracking_number="JJD000390007",
    )
    return order, buyer


def test_support_order_page_flags_no_carrier_scan_after_the_policy_hours(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    order, _ = _shipped_unscanned(container, clock)
    signed_in(client, container, role=Role.support)
    early = client.get(f"/support/orders/{order}")
    assert early.status_code == 200
    assert "No carrier scan since" not in early.text

    clock.advance(timedelta(hours=72))
    page = client.get(f"/support/orders/{order}")

    assert "No carrier scan since" in page.text
    assert "JJD000390007" in page.text


def test_support_order_page_shows_the_refunds_gateway_history(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    order, _ = _shipped_unscanned(container, clock)
    agent = make_user(container, role=Role.support, email="ada@example.com")
    refund_id = refunds.issue_manual_refund(
        container.uow(),
        container.ctx,
        actor=actor_of(container, agent),
        order_id=order,
        amount=500,
        reason="goodwill",
        gateway="sandbox",
    )
    refunds.record_send_failure(
        container.uow(), container.ctx, refund_id=refund_id, error="gateway timeout", give_up=False
    )
    refunds.record_gateway_answer(
        container.uow(),
        container.ctx,
        refund_id=refund_id,
        answer=GatewayRefund(
            reference="re_777", status=GatewayStatus.processing, trace_number="TRACE-42"
        ),
    )
    login(client, "ada@example.com")

    page = client.get(f"/support/orders/{order}")

    assert page.status_code == 200
    assert f"Refund #{refund_id}" in page.text
    assert "TRACE-42" in page.text
    assert "re_777" in page.text
    assert "gateway timeout" in page.text
    assert "Send failed" in page.text


def test_the_buyers_refunds_page_links_a_late_refund_to_a_dispute(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    order, _ = _shipped_unscanned(container, clock)
    agent = make_user(container, role=Role.support)
    refund_id = refunds.issue_manual_refund(
        container.uow(),
        container.ctx,
        actor=actor_of(container, agent),
        order_id=order,
        amount=500,
        reason="goodwill",
        gateway="sandbox",
    )
    with container.uow() as uow:
        refund = uow.refunds.get(refund_id)
    assert refund is not None
    link = f"/orders/{order}/dispute?type=refund_not_received:{refund_id}"
    login(client, "rhea@example.com")
    assert link not in client.get("/refunds").text

    clock.set(datetime.combine(refund.expected_latest, datetime.min.time(), UTC) + timedelta(1))
    login(client, "rhea@example.com")  # weeks later: a fresh session
    page = client.get("/refunds")

    assert page.status_code == 200
    assert f'href="{link}"' in page.text
    assert "Not arrived? Open a dispute" in page.text
    form = client.get(link)  # the dispute form, this refund's kind chosen
    assert form.status_code == 200
    assert f'value="refund_not_received:{refund_id}" required checked' in form.text


def test_the_timeline_tells_the_voided_parcel_in_words(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    order, buyer = _shipped_unscanned(container, clock)
    agent = make_user(container, role=Role.support)
    with container.read_session() as s:
        cancellation = s.scalars(
            select(m.CancellationRow).where(m.CancellationRow.order_id == order)
        ).one()
    dispute_id = disputes.open_dispute(
        container.uow(),
        container.ctx,
        actor=actor_of(container, buyer),
        order_id=order,
        type="cancellation_refused",
        wanted="full_refund",
        amount=None,
        description="It never left.",
        cancellation_id=cancellation.id,
    )
    disputes.escalate(
        container.uow(), container.ctx, actor=actor_of(container, buyer), dispute_id=dispute_id
    )
    force_cancellation(
        container.uow(),
        container.ctx,
        actor=actor_of(container, agent),
        dispute_id=dispute_id,
        rationale="Never scanned.",
    )
    login(client, "rhea@example.com")

    page = client.get(f"/orders/{order}")

    assert "Support voided the parcel the carrier never scanned (DHL, JJD000390007)." in page.text
