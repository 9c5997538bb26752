"""F3/F6: the Stripe adapter against a local server that answers like Stripe's refunds API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from recourse.bootstrap import build
from recourse.cli import _worker
from recourse.config import Settings
from recourse.container import Container
from recourse.db.models import RefundRow
from recourse.domain.errors import GatewayUnreachable
from recourse.domain.refund import RefundStatus
from recourse.domain.roles import Role
from recourse.integrations.clock import FixedClock
from recourse.integrations.gateways.stripe import StripeGateway
from recourse.services import refunds
from recourse.services.ports import GatewayRefund, GatewayStatus, GatewayUnavailable, Refund
from tests.factories import actor_of, make_order, make_store, make_user, pay
from tests.fake_stripe import FakeStripe, running_fake_stripe

KEY = "sk_test_x"


@pytest.fixture
def fake() -> Iterator[FakeStripe]:
    with running_fake_stripe() as server:
        yield server


@pytest.fixture
def gateway(fake: FakeStripe) -> StripeGateway:
    return StripeGateway(api_key=KEY, api_base=fake.url, timeout=2.0)


def _create(
    gateway: StripeGateway,
    key: str = "recourse-refund-1",
    *,
    payment_reference: str | None = "pi_3Pq",
    amount: int = 1250,
) -> GatewayRefund:
    return gateway.create_refund(
        idempotency_key=key,
        payment_reference=payment_reference,
        amount=amount,
        currency="EUR",
        metadata={"refund_id": "1", "order_id": "7"},
    )


def test_create_sends_payment_intent_amount_metadata_and_key_and_answers_processing(
    gateway: StripeGateway, fake: FakeStripe
) -> None:
    answer = _create(gateway)
    assert answer.status is GatewayStatus.processing
    assert answer.reference in fake.refunds
    assert answer.trace_number is None
    [call] = fake.posts()
    assert call.idempotency_key == "recourse-refund-1"
    assert call.authorization == f"Bearer {KEY}"
    assert call.params == {
        "payment_intent": "pi_3Pq",
        "amount": "1250",
        "metadata[refund_id]": "1",
        "metadata[order_id]": "7",
    }


def test_a_charge_reference_is_refunded_as_a_charge(
    gateway: StripeGateway, fake: FakeStripe
) -> None:
    answer = _create(gateway, payment_reference="ch_1Nx")
    assert fake.refunds[answer.reference]["charge"] == "ch_1Nx"
    assert "payment_intent" not in fake.posts()[0].params


def test_same_idempotency_key_twice_makes_one_refund(
    gateway: StripeGateway, fake: FakeStripe
) -> None:
    first = _create(gateway, key="recourse-refund-9")
    second = _create(gateway, key="recourse-refund-9")
    assert second == first
    assert len(fake.posts()) == 2
    assert list(fake.refunds) == [first.reference]


def test_another_key_makes_another_refund(gateway: StripeGateway, fake: FakeStripe) -> None:
    first = _create(gateway, key="recourse-refund-1")
    second = _create(gateway, key="recourse-refund-1-r2")
    assert first.reference != second.reference
    assert len(fake.refunds) == 2


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (500, "api_error"),
        (503, "api_error"),
        (429, "rate_limit_error"),
        (401, "invalid_request_error"),
    ],
)
def test_transient_answers_and_a_rejected_api_key_are_gateway_unavailable(
    gateway: StripeGateway, fake: FakeStripe, status: int, error_type: str
) -> None:
    fake.fail_with(status, error_type, "Something went wrong on Stripe's end.")
    with pytest.raises(GatewayUnavailable, match=f"HTTP {status}"):
        _create(gateway)
    assert fake.refunds == {}


def test_outage_then_recovery_with_the_same_key_pays_once(
    gateway: StripeGateway, fake: FakeStripe
) -> None:
    fake.fail_with(503, "api_error", "Service unavailable.")
    with pytest.raises(GatewayUnavailable):
        _create(gateway)
    fake.recover()
    answer = _create(gateway)
    assert answer.status is GatewayStatus.processing
    assert len(fake.posts()) == 2
    assert list(fake.refunds) == [answer.reference]


def test_timeout_is_unavailable_and_the_retry_gets_the_refund_stripe_made_meanwhile(
    fake: FakeStripe,
) -> None:
    gateway = StripeGateway(api_key=KEY, api_base=fake.url, timeout=1.0)
    fake.hold()
    with pytest.raises(GatewayUnavailable, match="APIConnectionError"):
        _create(gateway)
    fake.release()
    fake.wait_idle()
    answer = _create(gateway)
    assert list(fake.refunds) == [answer.reference]


def test_key_still_in_use_at_stripe_is_unavailable(fake: FakeStripe) -> None:
    gateway = StripeGateway(api_key=KEY, api_base=fake.url, timeout=1.0)
    fake.hold()
    with pytest.raises(GatewayUnavailable):
        _create(gateway)
    with pytest.raises(GatewayUnavailable, match="HTTP 409"):
        _create(gateway)
    fake.release()
    fake.wait_idle()
    assert len(fake.refunds) == 1


def test_nothing_listening_is_unavailable() -> None:
    with running_fake_stripe() as gone:
        url = gone.url
    gateway = StripeGateway(api_key=KEY, api_base=url, timeout=0.5)
    with pytest.raises(GatewayUnavailable, match="APIConnectionError"):
        _create(gateway)


@pytest.mark.parametrize(
    ("status", "error_type", "code"),
    [
        (400, "invalid_request_error", "charge_already_refunded"),
        (402, "card_error", "expired_card"),
        (404, "invalid_request_error", "resource_missing"),
    ],
)
def test_a_refusal_is_a_permanent_failed_answer(
    gateway: StripeGateway, fake: FakeStripe, status: int, error_type: str, code: str
) -> None:
    fake.fail_with(status, error_type, "Stripe will not do this.", code)
    answer = _create(gateway, key="recourse-refund-4")
    assert answer.status is GatewayStatus.failed
    assert answer.reference == "recourse-refund-4"
    assert answer.failure_reason is not None
    assert f"HTTP {status} [{code}]" in answer.failure_reason
    assert "Stripe will not do this." in answer.failure_reason


def test_key_reused_with_other_parameters_is_a_failed_answer(
    gateway: StripeGateway, fake: FakeStripe
) -> None:
    _create(gateway, amount=1250)
    answer = _create(gateway, amount=999)
    assert answer.status is GatewayStatus.failed
    assert len(fake.refunds) == 1


def test_a_payment_without_reference_fails_without_calling_stripe(
    gateway: StripeGateway, fake: FakeStripe
) -> None:
    answer = _create(gateway, payment_reference=None)
    assert answer.status is GatewayStatus.failed
    assert fake.calls == []


def test_retrieve_after_stripe_settles_is_succeeded_with_the_arn(
    gateway: StripeGateway, fake: FakeStripe
) -> None:
    created = _create(gateway)
    assert gateway.retrieve_refund(created.reference).status is GatewayStatus.processing
    fake.settle(created.reference, reference="74987564123000000000042")
    settled = gateway.retrieve_refund(created.reference)
    assert settled.status is GatewayStatus.succeeded
    assert settled.trace_number == "74987564123000000000042"
    assert settled.failure_reason is None


@pytest.mark.parametrize("stripe_status", ["failed", "canceled"])
def test_retrieve_of_a_failed_or_canceled_refund_is_failed_with_the_reason(
    gateway: StripeGateway, fake: FakeStripe, stripe_status: str
) -> None:
    created = _create(gateway)
    fake.settle(created.reference, status=stripe_status, failure_reason="lost_or_stolen_card")
    answer = gateway.retrieve_refund(created.reference)
    assert answer.status is GatewayStatus.failed
    assert answer.failure_reason == f"stripe: refund {stripe_status} (lost_or_stolen_card)"


def test_retrieve_of_an_unknown_refund_is_a_lookup_error(gateway: StripeGateway) -> None:
    with pytest.raises(LookupError, match="re_missing"):
        gateway.retrieve_refund("re_missing")


def test_retrieve_during_an_outage_is_unavailable(gateway: StripeGateway, fake: FakeStripe) -> None:
    created = _create(gateway)
    fake.fail_with(502, "api_error", "Bad gateway.")
    with pytest.raises(GatewayUnavailable):
        gateway.retrieve_refund(created.reference)


@pytest.fixture
def stripe_container(
    settings: Settings, clock: FixedClock, fake: FakeStripe
) -> Iterator[Container]:
    c = build(
        settings.model_copy(
            update={"stripe_api_key": KEY, "stripe_api_base": fake.url, "gateway": "stripe"}
        ),
        clock=clock,
        fast_hashing=True,
    )
    yield c
    c.dispose()


def _paid_refund(c: Container, amount: int) -> tuple[int, int]:
    store = make_store(c)
    buyer = make_user(c, role=Role.buyer)
    support = make_user(c, role=Role.support)
    order = make_order(c, buyer_id=buyer, store_id=store)
    pay(c, order)
    refund_id = refunds.issue_manual_refund(
        c.uow(),
        c.ctx,
        actor=actor_of(c, support),
        order_id=order,
        amount=amount,
        reason="goodwill",
        gateway=c.gateway_name,
    )
    return order, refund_id


def _ledger(c: Container, refund_id: int) -> Refund:
    with c.uow() as uow:
        found = uow.refunds.get(refund_id)
    assert found is not None
    return found


def test_worker_sends_a_stripe_refund_and_follows_it_to_succeeded(
    stripe_container: Container, fake: FakeStripe, clock: FixedClock
) -> None:
    c = stripe_container
    assert isinstance(c.gateways["stripe"], StripeGateway)
    order, refund_id = _paid_refund(c, 1000)
    worker = _worker(c)
    worker.run_once()
    [at_stripe] = fake.refunds.values()
    [call] = fake.posts()
    recorded = _ledger(c, refund_id)
    assert recorded.gateway == "stripe"
    assert recorded.status is RefundStatus.processing
    assert recorded.gateway_reference == at_stripe["id"]
    assert call.idempotency_key == recorded.idempotency_key
    assert at_stripe["charge"] == f"ch_{order}"
    assert at_stripe["amount"] == 1000
    assert at_stripe["metadata"] == {"refund_id": str(refund_id), "order_id": str(order)}
    fake.settle(at_stripe["id"], reference="74987564123000000000042")
    clock.advance(timedelta(minutes=31))
    worker.run_once()
    settled = _ledger(c, refund_id)
    assert settled.status is RefundStatus.succeeded
    assert settled.trace_number == "74987564123000000000042"
    assert len(fake.refunds) == 1


def test_worker_retries_a_stripe_outage_with_the_same_key_and_pays_once(
    stripe_container: Container, fake: FakeStripe, clock: FixedClock
) -> None:
    c = stripe_container
    _, refund_id = _paid_refund(c, 700)
    fake.fail_with(503, "api_error", "Service unavailable.")
    worker = _worker(c)
    worker.run_once()
    waiting = _ledger(c, refund_id)
    assert waiting.status is RefundStatus.pending
    assert waiting.attempts == 1
    assert "HTTP 503" in _last_error(c, refund_id)
    fake.recover()
    clock.advance(timedelta(seconds=30))
    worker.run_once()
    assert _ledger(c, refund_id).status is RefundStatus.processing
    keys = {call.idempotency_key for call in fake.posts()}
    assert keys == {waiting.idempotency_key}
    assert len(fake.posts()) == 2
    assert len(fake.refunds) == 1


def test_worker_records_a_refusal_as_failed_for_support(
    stripe_container: Container, fake: FakeStripe
) -> None:
    c = stripe_container
    _, refund_id = _paid_refund(c, 700)
    fake.fail_with(
        400, "invalid_request_error", "Charge has been refunded.", "charge_already_refunded"
    )
    _worker(c).run_once()
    failed = _ledger(c, refund_id)
    assert failed.status is RefundStatus.failed
    assert failed.needs_attention
    assert "charge_already_refunded" in _last_error(c, refund_id)
    assert fake.refunds == {}


def _last_error(c: Container, refund_id: int) -> str:
    with c.read_session() as session:
        row = session.get(RefundRow, refund_id)
        assert row is not None
        return row.last_error or ""


def _failed_at_stripe(c: Container, fake: FakeStripe, clock: FixedClock) -> Refund:
    """A refund Stripe accepted and later failed, as the worker's look-up recorded it."""
    _, refund_id = _paid_refund(c, 700)
    worker = _worker(c)
    worker.run_once()
    sent = _ledger(c, refund_id)
    assert sent.gateway_reference is not None
    fake.settle(sent.gateway_reference, status="failed", failure_reason="expired_or_canceled_card")
    clock.advance(timedelta(minutes=31))
    worker.run_once()
    failed = _ledger(c, refund_id)
    assert failed.status is RefundStatus.failed
    return failed


def test_support_retry_of_a_refund_stripe_failed_looks_it_up_before_a_fresh_key_is_sent(
    stripe_container: Container, fake: FakeStripe, clock: FixedClock
) -> None:
    c = stripe_container
    failed = _failed_at_stripe(c, fake, clock)
    support = actor_of(c, make_user(c, role=Role.support))
    before = len(fake.calls)
    refunds.retry_refund(c.uow(), c.ctx, actor=support, refund_id=failed.id, gateways=c.gateways)
    _worker(c).run_once()
    resent = _ledger(c, failed.id)
    calls = [(call.method, call.path, call.idempotency_key) for call in fake.calls[before:]]
    assert calls == [
        ("GET", f"/v1/refunds/{failed.gateway_reference}", None),
        ("POST", "/v1/refunds", resent.idempotency_key),
    ]
    assert resent.idempotency_key != failed.idempotency_key
    assert resent.status is RefundStatus.processing
    assert len(fake.refunds) == 2


def test_support_retry_while_stripe_cannot_be_reached_sends_nothing(
    stripe_container: Container, fake: FakeStripe, clock: FixedClock
) -> None:
    c = stripe_container
    failed = _failed_at_stripe(c, fake, clock)
    support = actor_of(c, make_user(c, role=Role.support))
    fake.fail_with(503, "api_error", "Service unavailable.")
    with pytest.raises(GatewayUnreachable):
        refunds.retry_refund(
            c.uow(), c.ctx, actor=support, refund_id=failed.id, gateways=c.gateways
        )
    fake.recover()
    _worker(c).run_once()
    assert _ledger(c, failed.id) == failed
    assert len(fake.posts()) == 1


def test_support_retry_of_a_refund_stripe_refused_sends_it_again_with_a_fresh_key(
    stripe_container: Container, fake: FakeStripe
) -> None:
    c = stripe_container
    _, refund_id = _paid_refund(c, 700)
    fake.fail_with(400, "invalid_request_error", "No such charge.", "resource_missing")
    _worker(c).run_once()
    refused = _ledger(c, refund_id)
    assert refused.status is RefundStatus.failed
    fake.recover()
    support = actor_of(c, make_user(c, role=Role.support))
    refunds.retry_refund(c.uow(), c.ctx, actor=support, refund_id=refund_id, gateways=c.gateways)
    _worker(c).run_once()
    resent = _ledger(c, refund_id)
    assert resent.status is RefundStatus.processing
    assert resent.idempotency_key != refused.idempotency_key
    assert len(fake.refunds) == 1
