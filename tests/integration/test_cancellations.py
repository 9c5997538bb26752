"""§3 cancellation, every path, on a real database with the worker and the sandbox gateway."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from recourse.bootstrap import make_worker
from recourse.container import Container
from recourse.db import models as m
from recourse.domain.cancellation import CancellationStatus
from recourse.domain.errors import NotFound, RuleConflict
from recourse.domain.order import NewLine, OrderStatus, derive_status
from recourse.domain.roles import Actor, Role
from recourse.domain.shipment import ShipmentLine
from recourse.integrations.clock import FixedClock
from recourse.services import cancellations, shipping
from recourse.services.cancellations import CancellationBlocked
from tests.factories import actor_of, get_order, make_order, make_store, make_user, pay, ship_all


@pytest.fixture
def people(container: Container) -> dict[str, object]:
    approval = make_store(container, name="Maison Lune", buyer_cancel="approval")
    instant = make_store(container, name="Volt", buyer_cancel="instant")
    partial = make_store(
        container, name="Kanade", buyer_cancel="instant", allow_partial_cancel=True
    )
    buyer = make_user(container, role=Role.buyer, email="ann@example.com")
    seller = make_user(
        container, role=Role.seller, email="sam@example.com", store_ids=[approval, instant, partial]
    )
    return {
        "approval": approval,
        "instant": instant,
        "partial": partial,
        "buyer_id": buyer,
        "buyer": actor_of(container, buyer),
        "seller": actor_of(container, seller),
    }


def _refunded(c: Container, order_id: int) -> int:
    with c.read_session() as s:
        return int(
            s.scalar(
                select(func.coalesce(func.sum(m.RefundRow.amount), 0)).where(
                    m.RefundRow.order_id == order_id
                )
            )
            or 0
        )


def _mail(c: Container, to: str) -> list[str]:
    assert c.mailbox is not None
    return sorted(x["template"] for x in c.mailbox.list(to=to))


def _cancel(c: Container, actor: Actor, order_id: int, **kw: object) -> object:
    return cancellations.cancel_order(
        c.uow(),
        c.ctx,
        actor=actor,
        order_id=order_id,
        reason=kw.pop("reason", "changed_mind"),
        **kw,  # type: ignore[arg-type]
    )


def test_unpaid_order_is_cancelled_at_once_with_nothing_to_refund(
    container: Container, people: dict
) -> None:
    order_id = make_order(container, buyer_id=people["buyer_id"], store_id=people["approval"])
    done = _cancel(container, people["buyer"], order_id)
    assert done.status is CancellationStatus.completed
    assert derive_status(get_order(container, order_id), container.clock.now()) is (
        OrderStatus.cancelled
    )
    assert _refunded(container, order_id) == 0


def test_unpaid_order_cancels_itself_when_the_payment_window_passes(
    container: Container, people: dict, clock: FixedClock
) -> None:
    order_id = make_order(container, buyer_id=people["buyer_id"], store_id=people["approval"])
    clock.advance(timedelta(hours=72))
    make_worker(container).run_once()
    order = get_order(container, order_id)
    assert derive_status(order, clock.now()) is OrderStatus.cancelled
    with container.read_session() as s:
        reason = s.scalar(
            select(m.CancellationRow.reason).where(m.CancellationRow.order_id == order_id)
        )
    assert reason == "payment_window_expired"


def test_paid_ten_minutes_ago_cancels_at_once_and_refunds_everything_captured(
    container: Container, people: dict, clock: FixedClock
) -> None:
    order_id = make_order(container, buyer_id=people["buyer_id"], store_id=people["approval"])
    captured = pay(container, order_id).payment.amount_captured
    clock.advance(timedelta(minutes=10))
    done = _cancel(container, people["buyer"], order_id)
    assert done.status is CancellationStatus.completed
    assert _refunded(container, order_id) == captured
    make_worker(container).run_once()
    assert "cancellation_completed" in _mail(container, "ann@example.com")


def test_request_at_an_approval_store_is_refunded_when_the_seller_approves(
    container: Container, people: dict, clock: FixedClock
) -> None:
    order_id = make_order(container, buyer_id=people["buyer_id"], store_id=people["approval"])
    captured = pay(container, order_id).payment.amount_captured
    clock.advance(timedelta(hours=2))
    request = _cancel(container, people["buyer"], order_id)
    assert request.status is CancellationStatus.pending_seller
    assert request.respond_by == clock.now() + timedelta(hours=48)
    assert _refunded(container, order_id) == 0
    make_worker(container).run_once()
    assert _mail(container, "sam@example.com") == ["cancellation_requested"]
    approved = cancellations.approve_cancellation(
        container.uow(), container.ctx, actor=people["seller"], cancellation_id=request.id
    )
    assert approved.status is CancellationStatus.approved
    assert _refunded(container, order_id) == captured


def test_unanswered_request_is_approved_at_respond_by_even_if_the_worker_was_down(
    container: Container, people: dict, clock: FixedClock
) -> None:
    order_id = make_order(container, buyer_id=people["buyer_id"], store_id=people["approval"])
    captured = pay(container, order_id).payment.amount_captured
    clock.advance(timedelta(hours=2))
    request = _cancel(container, people["buyer"], order_id)
    clock.advance(timedelta(hours=48) - timedelta(seconds=1))
    make_worker(container).run_once()
    assert _refunded(container, order_id) == 0
    assert "cancellation_reminder" in _mail(container, "sam@example.com")
    clock.advance(timedelta(days=3))  # the worker was down when respond_by passed
    make_worker(container).run_once()
    with container.uow() as uow:
        found = uow.cancellations.get(request.id)
    assert found is not None
    assert found.status is CancellationStatus.auto_approved
    assert _refunded(container, order_id) == captured
    assert "cancellation_completed" in _mail(container, "ann@example.com")
    assert "cancellation_seller_notice" in _mail(container, "sam@example.com")


def test_seller_past_the_processing_deadline_cannot_stop_the_buyer(
    container: Container, people: dict, clock: FixedClock
) -> None:
    order_id = make_order(container, buyer_id=people["buyer_id"], store_id=people["approval"])
    order = pay(container, order_id)
    assert order.deadlines.ship_by is not None
    clock.set(order.deadlines.ship_by + timedelta(minutes=1))
    done = _cancel(container, people["buyer"], order_id)
    assert done.status is CancellationStatus.completed


def test_untouched_overdue_order_cancels_itself_with_a_full_refund_fault_seller(
    container: Container, people: dict, clock: FixedClock
) -> None:
    order_id = make_order(container, buyer_id=people["buyer_id"], store_id=people["approval"])
    order = pay(container, order_id)
    assert order.deadlines.ship_by is not None
    clock.set(order.deadlines.ship_by + timedelta(days=3) - timedelta(seconds=1))
    make_worker(container).run_once()
    assert _refunded(container, order_id) == 0
    clock.advance(timedelta(seconds=1))
    make_worker(container).run_once()
    assert _refunded(container, order_id) == order.payment.amount_captured
    with container.read_session() as s:
        fault = s.scalar(
            select(m.CancellationRow.fault).where(m.CancellationRow.order_id == order_id)
        )
    assert fault == "seller"


def test_partial_cancels_refund_exact_shares_and_finally_the_shipping(
    container: Container, people: dict
) -> None:
    order_id = make_order(
        container,
        buyer_id=people["buyer_id"],
        store_id=people["partial"],
        shipping_fee=1001,
        lines=[
            NewLine("BOWL", "Bowl", 1333, 5, discount=101, tax=1267),
            NewLine("CUP", "Cup", 999, 2, discount=0, tax=380),
            NewLine("TRAY", "Tray", 2500, 1, discount=0, tax=475),
        ],
    )
    order = pay(container, order_id)
    bowl, cup, tray = (line.id for line in order.lines)
    _cancel(container, people["buyer"], order_id, lines={bowl: 2, cup: 2})
    first = _refunded(container, order_id)
    # 2/5 of the bowl's net price and tax (rounded down cumulatively), the whole cup, no shipping.
    assert first == (1333 * 5 - 101) * 2 // 5 + 1267 * 2 // 5 + 999 * 2 + 380
    _cancel(container, people["buyer"], order_id, lines={bowl: 3, tray: 1})
    assert _refunded(container, order_id) == order.payment.amount_captured


def test_shipped_order_explains_why_it_cannot_be_cancelled(
    container: Container, people: dict
) -> None:
    order_id = make_order(container, buyer_id=people["buyer_id"], store_id=people["approval"])
    pay(container, order_id)
    ship_all(container, order_id)
    preview = cancellations.preview_cancellation(
        container.uow(), container.ctx, actor=people["buyer"], order_id=order_id
    )
    assert preview.eligibility.blocker is not None
    assert preview.eligibility.blocker.code == "already_shipped"
    with pytest.raises(CancellationBlocked) as excinfo:
        _cancel(container, people["buyer"], order_id)
    assert excinfo.value.code == "already_shipped"
    assert excinfo.value.facts["alternatives"] == [
        "ask_seller",
        "refuse_delivery",
        "return_after_delivery",
    ]


def test_seller_cannot_ship_while_a_request_is_pending_but_can_reject_with_tracking(
    container: Container, people: dict, clock: FixedClock
) -> None:
    order_id = make_order(container, buyer_id=people["buyer_id"], store_id=people["approval"])
    order = pay(container, order_id)
    clock.advance(timedelta(hours=2))
    request = _cancel(container, people["buyer"], order_id)
    with pytest.raises(RuleConflict) as excinfo:
        shipping.ship_order(
            container.uow(),
            container.ctx,
            actor=people["seller"],
            order_id=order_id,
            lines=[ShipmentLine(order.lines[0].id, 1)],
            carrier="DHL",
            tracking_number="1",
        )
    assert excinfo.value.code == "cancellation_pending"
    cancellations.reject_cancellation(
        container.uow(),
        container.ctx,
        actor=people["seller"],
        cancellation_id=request.id,
        reason="already_shipped",
        carrier="DHL",
        tracking_number="JJD42",
    )
    after = get_order(container, order_id)
    assert derive_status(after, clock.now()) is OrderStatus.shipped
    assert _refunded(container, order_id) == 0


def test_buyer_withdraws_a_pending_request_and_others_cannot_touch_it(
    container: Container, people: dict, clock: FixedClock
) -> None:
    order_id = make_order(container, buyer_id=people["buyer_id"], store_id=people["approval"])
    pay(container, order_id)
    clock.advance(timedelta(hours=2))
    request = _cancel(container, people["buyer"], order_id)
    stranger = actor_of(container, make_user(container, role=Role.buyer))
    with pytest.raises(NotFound):
        cancellations.withdraw_cancellation(
            container.uow(), container.ctx, actor=stranger, cancellation_id=request.id
        )
    withdrawn = cancellations.withdraw_cancellation(
        container.uow(), container.ctx, actor=people["buyer"], cancellation_id=request.id
    )
    assert withdrawn.status is CancellationStatus.withdrawn


def test_seller_cancels_out_of_stock_lines_with_a_full_refund_of_them(
    container: Container, people: dict
) -> None:
    order_id = make_order(container, buyer_id=people["buyer_id"], store_id=people["approval"])
    captured = pay(container, order_id).payment.amount_captured
    done = _cancel(container, people["seller"], order_id, reason="out_of_stock")
    assert done.status is CancellationStatus.completed
    assert done.fault == "seller"
    assert _refunded(container, order_id) == captured


def test_buyer_reason_other_needs_a_note_and_seller_reasons_are_for_sellers(
    container: Container, people: dict
) -> None:
    from recourse.domain.errors import NotFound, RuleConflict

    order_id = make_order(container, buyer_id=people["buyer_id"], store_id=people["instant"])
    pay(container, order_id)
    with pytest.raises(RuleConflict) as missing_note:
        _cancel(container, people["buyer"], order_id, reason="other")
    assert (missing_note.value.code, missing_note.value.facts["field"]) == ("note_required", "note")
    with pytest.raises(NotFound) as wrong_actor:
        _cancel(container, people["buyer"], order_id, reason="out_of_stock")
    assert wrong_actor.value.facts["field"] == "reason"


def test_changed_order_between_quote_and_confirm_answers_with_the_new_quote(
    container: Container, people: dict
) -> None:
    order_id = make_order(
        container,
        buyer_id=people["buyer_id"],
        store_id=people["partial"],
        lines=[NewLine("A", "A", 1000, 2), NewLine("B", "B", 500, 1)],
    )
    order = pay(container, order_id)
    preview = cancellations.preview_cancellation(
        container.uow(),
        container.ctx,
        actor=people["buyer"],
        order_id=order_id,
        lines={order.lines[0].id: 1},
    )
    shipping.ship_order(
        container.uow(),
        container.ctx,
        actor=people["seller"],
        order_id=order_id,
        lines=[ShipmentLine(order.lines[1].id, 1)],
        carrier="DHL",
        tracking_number="7",
    )
    with pytest.raises(RuleConflict) as excinfo:
        _cancel(
            container,
            people["buyer"],
            order_id,
            lines={order.lines[0].id: 1},
            quote_id=preview.quote_id,
        )
    assert excinfo.value.code == "quote_changed"
    assert excinfo.value.facts["quote_id"] != preview.quote_id


def test_cancellation_after_a_support_refund_refunds_only_what_is_left_and_never_sticks(
    container: Container, people: dict, clock: FixedClock
) -> None:
    from recourse.services import refunds

    order_id = make_order(container, buyer_id=people["buyer_id"], store_id=people["approval"])
    captured = pay(container, order_id).payment.amount_captured
    support = actor_of(container, make_user(container, role=Role.support))
    refunds.issue_manual_refund(
        container.uow(),
        container.ctx,
        actor=support,
        order_id=order_id,
        amount=captured - 100,
        reason="goodwill",
        gateway="sandbox",
    )
    clock.advance(timedelta(hours=2))
    request = _cancel(container, people["buyer"], order_id)
    clock.advance(timedelta(hours=48))
    make_worker(container).run_once()
    with container.uow() as uow:
        found = uow.cancellations.get(request.id)
    assert found is not None
    assert found.status is CancellationStatus.auto_approved
    assert _refunded(container, order_id) == captured
