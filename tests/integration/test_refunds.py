"""F1 to F5: support refunds through the ledger, the sandbox gateway and the worker."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from recourse.cli import _worker
from recourse.container import Container
from recourse.db.models import SandboxRefundRow
from recourse.domain.errors import NotAllowed, NotFound, RuleConflict
from recourse.domain.refund import RefundStatus
from recourse.domain.roles import Role
from recourse.integrations.clock import FixedClock
from recourse.integrations.gateways.sandbox import SandboxGateway, SandboxSettings
from recourse.services import refunds
from tests.factories import actor_of, make_order, make_store, make_user, pay


@pytest.fixture
def paid(container: Container) -> dict[str, int]:
    store = make_store(container)
    buyer = make_user(container, role=Role.buyer, email="ann@example.com")
    support = make_user(container, role=Role.support)
    order = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order)
    return {"order": order, "buyer": buyer, "support": support}


def _refund(c: Container, refund_id: int) -> refunds.Refund:
    with c.uow() as uow:
        found = uow.refunds.get(refund_id)
    assert found is not None
    return found


def _issue(c: Container, paid: dict[str, int], amount: int, **kw: object) -> int:
    return refunds.issue_manual_refund(
        c.uow(),
        c.ctx,
        actor=actor_of(c, paid["support"]),
        order_id=paid["order"],
        amount=amount,
        reason="goodwill",
        gateway="sandbox",
        **kw,  # type: ignore[arg-type]
    )


def test_manual_refund_goes_pending_processing_succeeded_with_the_clock(
    container: Container, paid: dict[str, int], clock: FixedClock
) -> None:
    refund_id = _issue(container, paid, 1000)
    assert _refund(container, refund_id).status is RefundStatus.pending
    worker = _worker(container)
    worker.run_once()
    assert _refund(container, refund_id).status is RefundStatus.processing
    clock.advance(timedelta(hours=2))
    worker.run_once()
    settled = _refund(container, refund_id)
    assert settled.status is RefundStatus.succeeded
    assert settled.trace_number is not None
    assert container.mailbox is not None
    subjects = [m["template"] for m in container.mailbox.list()]
    assert sorted(subjects) == ["refund_created", "refund_succeeded"]


def test_refund_never_exceeds_what_was_captured(container: Container, paid: dict[str, int]) -> None:
    with container.uow() as uow:
        order = uow.orders.get(paid["order"])
    assert order is not None
    captured = order.payment.amount_captured
    _issue(container, paid, captured - 1)
    with pytest.raises(RuleConflict) as excinfo:
        _issue(container, paid, 2)
    assert excinfo.value.code == "refund_exceeds_captured"
    assert excinfo.value.facts["refundable"] == 1
    _issue(container, paid, 1)


def test_refund_in_another_currency_conflicts_with_the_order_naming_the_refundable_amount(
    container: Container, paid: dict[str, int]
) -> None:
    with pytest.raises(RuleConflict) as excinfo:
        _issue(container, paid, 100, currency="USD")
    assert excinfo.value.code == "currency_is_not_the_orders"
    assert excinfo.value.facts["field"] == "currency"
    assert excinfo.value.facts["refundable"] > 0


def test_only_support_issues_manual_refunds(container: Container, paid: dict[str, int]) -> None:
    buyer = actor_of(container, paid["buyer"])
    with pytest.raises(NotAllowed):
        refunds.issue_manual_refund(
            container.uow(),
            container.ctx,
            actor=buyer,
            order_id=paid["order"],
            amount=10,
            reason="x",
            gateway="sandbox",
        )
    stranger = actor_of(container, make_user(container, role=Role.buyer))
    with pytest.raises(NotFound):
        refunds.issue_manual_refund(
            container.uow(),
            container.ctx,
            actor=stranger,
            order_id=paid["order"],
            amount=10,
            reason="x",
            gateway="sandbox",
        )


def test_gateway_outage_is_retried_with_back_off_and_sent_once(
    container: Container, paid: dict[str, int], clock: FixedClock
) -> None:
    sandbox = container.gateways["sandbox"]
    assert isinstance(sandbox, SandboxGateway)
    sandbox.configure(SandboxSettings(fail_next=2))
    refund_id = _issue(container, paid, 500)
    worker = _worker(container)
    worker.run_once()
    assert _refund(container, refund_id).attempts == 1
    clock.advance(timedelta(seconds=30))
    worker.run_once()
    assert _refund(container, refund_id).attempts == 2
    clock.advance(timedelta(seconds=60))
    worker.run_once()
    assert _refund(container, refund_id).status is RefundStatus.processing


def test_refund_that_keeps_failing_goes_to_support(
    container: Container, paid: dict[str, int], clock: FixedClock
) -> None:
    sandbox = container.gateways["sandbox"]
    assert isinstance(sandbox, SandboxGateway)
    sandbox.configure(SandboxSettings(fail_always=True))
    refund_id = _issue(container, paid, 500)
    worker = _worker(container)
    for _ in range(container.settings.refund_max_attempts):
        worker.run_once()
        clock.advance(timedelta(hours=7))
    stuck = _refund(container, refund_id)
    assert stuck.needs_attention
    assert stuck.status is RefundStatus.pending
    sandbox.configure(SandboxSettings())
    refunds.retry_refund(
        container.uow(),
        container.ctx,
        actor=actor_of(container, paid["support"]),
        refund_id=refund_id,
        gateways=container.gateways,
    )
    worker.run_once()
    assert _refund(container, refund_id).status is RefundStatus.processing


def test_card_refund_on_the_friday_before_a_holiday_skips_weekend_and_holiday(
    container: Container, clock: FixedClock
) -> None:
    # Friday 22 May 2026; Monday 25 May is Whit Monday in Germany.
    clock.set(datetime(2026, 5, 22, 10, 0, tzinfo=UTC))
    store = make_store(container)
    buyer = make_user(container, country="DE", timezone="Europe/Berlin")
    support = make_user(container, role=Role.support)
    order = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order)
    refund_id = refunds.issue_manual_refund(
        container.uow(),
        container.ctx,
        actor=actor_of(container, support),
        order_id=order,
        amount=100,
        reason="goodwill",
        gateway="sandbox",
    )
    refund = _refund(container, refund_id)
    assert refund.expected_earliest == date(2026, 5, 28)
    assert refund.expected_latest == date(2026, 6, 22)


def _ledger_says_failed(c: Container, refund_id: int) -> None:
    """What a forged `failed` webhook made of a refund before gateways were asked (T1)."""
    with c.uow() as uow:
        uow.refunds.get(refund_id, for_update=True)
        uow.refunds.update(refund_id, status=RefundStatus.failed, needs_attention=True)
        uow.commit()


def _refunds_at_the_sandbox(c: Container) -> int:
    with c.read_session() as session:
        return session.scalar(select(func.count()).select_from(SandboxRefundRow)) or 0


@pytest.mark.parametrize(
    ("later", "at_the_sandbox"),
    [(timedelta(0), RefundStatus.processing), (timedelta(hours=2), RefundStatus.succeeded)],
)
def test_support_retry_of_a_refund_the_sandbox_did_not_fail_pays_nothing_twice(
    container: Container,
    paid: dict[str, int],
    clock: FixedClock,
    later: timedelta,
    at_the_sandbox: RefundStatus,
) -> None:
    refund_id = _issue(container, paid, 1000)
    worker = _worker(container)
    worker.run_once()
    _ledger_says_failed(container, refund_id)
    clock.advance(later)
    with pytest.raises(RuleConflict) as excinfo:
        refunds.retry_refund(
            container.uow(),
            container.ctx,
            actor=actor_of(container, paid["support"]),
            refund_id=refund_id,
            gateways=container.gateways,
        )
    worker.run_once()
    assert excinfo.value.code == "refund_not_failed_at_gateway"
    assert excinfo.value.facts["gateway_status"] == str(at_the_sandbox)
    assert _refund(container, refund_id).status is at_the_sandbox
    assert _refunds_at_the_sandbox(container) == 1
    quote = refunds.quote_manual_refund(
        container.uow(),
        container.ctx,
        actor=actor_of(container, paid["support"]),
        order_id=paid["order"],
        amount=1,
    )
    with container.uow() as uow:
        order = uow.orders.get(paid["order"])
    assert order is not None
    assert quote.refundable_before == order.payment.amount_captured - 1000


def test_support_retry_of_a_refund_the_sandbox_declined_sends_it_again_with_a_fresh_key(
    container: Container, paid: dict[str, int]
) -> None:
    sandbox = container.gateways["sandbox"]
    assert isinstance(sandbox, SandboxGateway)
    sandbox.configure(SandboxSettings(decline_always=True))
    refund_id = _issue(container, paid, 500)
    worker = _worker(container)
    worker.run_once()
    declined = _refund(container, refund_id)
    assert declined.status is RefundStatus.failed
    sandbox.configure(SandboxSettings())
    refunds.retry_refund(
        container.uow(),
        container.ctx,
        actor=actor_of(container, paid["support"]),
        refund_id=refund_id,
        gateways=container.gateways,
    )
    worker.run_once()
    resent = _refund(container, refund_id)
    assert resent.status is RefundStatus.processing
    assert resent.idempotency_key != declined.idempotency_key
    assert resent.gateway_reference != declined.gateway_reference
    assert _refunds_at_the_sandbox(container) == 2


def test_a_refund_declined_again_after_a_retry_is_sent_again_with_yet_another_key(
    container: Container, paid: dict[str, int]
) -> None:
    sandbox = container.gateways["sandbox"]
    assert isinstance(sandbox, SandboxGateway)
    sandbox.configure(SandboxSettings(decline_always=True))
    refund_id = _issue(container, paid, 500)
    worker = _worker(container)
    worker.run_once()
    support = actor_of(container, paid["support"])
    keys = [_refund(container, refund_id).idempotency_key]
    refunds.retry_refund(
        container.uow(),
        container.ctx,
        actor=support,
        refund_id=refund_id,
        gateways=container.gateways,
    )
    worker.run_once()
    keys.append(_refund(container, refund_id).idempotency_key)
    sandbox.configure(SandboxSettings())
    refunds.retry_refund(
        container.uow(),
        container.ctx,
        actor=support,
        refund_id=refund_id,
        gateways=container.gateways,
    )
    worker.run_once()
    resent = _refund(container, refund_id)
    assert resent.status is RefundStatus.processing
    assert len({*keys, resent.idempotency_key}) == 3
    assert _refunds_at_the_sandbox(container) == 3
