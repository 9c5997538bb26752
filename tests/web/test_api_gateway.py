"""F6 over HTTP: provider webhooks move refunds (signature checked), sandbox controls."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from standardwebhooks import Webhook

from recourse.bootstrap import build
from recourse.cli import _worker
from recourse.config import Settings
from recourse.container import Container
from recourse.domain.refund import RefundStatus
from recourse.domain.roles import Role
from recourse.integrations.clock import FixedClock
from recourse.integrations.gateways.sandbox import SandboxGateway, SandboxSettings
from recourse.services import refunds
from recourse.services.ports import Refund
from tests.factories import actor_of, make_order, make_store, make_user, pay
from tests.fake_stripe import FakeStripe, running_fake_stripe
from tests.web.api_helpers import operator_headers, user_headers

STRIPE_SECRET = "whsec_test_stripe_signing_secret"
# The sandbox secret every install shipped with before it became per install.
OLD_SANDBOX_CONSTANT = "whsec_c2FuZGJveC1yZWNvdXJzZS1kZW1vLXNlY3JldA=="
WEBHOOK = "/api/v1/gateway/{}/webhook"
SETTINGS = "/api/v1/gateway/sandbox/settings"


@pytest.fixture
def fake() -> Iterator[FakeStripe]:
    with running_fake_stripe() as server:
        yield server


@pytest.fixture
def container(settings: Settings, clock: FixedClock, fake: FakeStripe) -> Iterator[Container]:
    """The app with both gateways: the sandbox and Stripe (pointed at the fake)."""
    c = build(
        settings.model_copy(
            update={
                "stripe_api_key": "sk_test_x",
                "stripe_api_base": fake.url,
                "stripe_webhook_secret": STRIPE_SECRET,
            }
        ),
        clock=clock,
        fast_hashing=True,
    )
    yield c
    c.dispose()


def _processing_refund(c: Container, gateway: str) -> Refund:
    """A refund the worker has sent to `gateway`, which accepted it."""
    store = make_store(c)
    buyer = make_user(c, role=Role.buyer, email="ann@example.com")
    support = make_user(c, role=Role.support)
    order = make_order(c, buyer_id=buyer, store_id=store)
    pay(c, order)
    refund_id = refunds.issue_manual_refund(
        c.uow(),
        c.ctx,
        actor=actor_of(c, support),
        order_id=order,
        amount=1000,
        reason="goodwill",
        gateway=gateway,
    )
    _worker(c).run_once()
    refund = _ledger(c, refund_id)
    assert refund.status is RefundStatus.processing
    assert refund.gateway_reference is not None
    return refund


def _ledger(c: Container, refund_id: int) -> Refund:
    with c.uow() as uow:
        found = uow.refunds.get(refund_id)
    assert found is not None
    return found


def _stripe_event(event_type: str, refund: dict[str, Any]) -> bytes:
    return json.dumps(
        {
            "id": "evt_1",
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "data": {"object": refund},
        }
    ).encode()


def _stripe_signature(payload: bytes, secret: str = STRIPE_SECRET) -> str:
    """As Stripe signs: t=<unix time>,v1=HMAC-SHA256(secret, "<t>.<payload>")."""
    t = int(time.time())
    mac = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def _settled_at_stripe(fake: FakeStripe, reference: str) -> dict[str, Any]:
    fake.settle(reference, reference="74987564123000000000042")
    return fake.refunds[reference]


def test_signed_stripe_refund_updated_moves_a_processing_refund_to_succeeded(
    client: TestClient, container: Container, fake: FakeStripe
) -> None:
    refund = _processing_refund(container, "stripe")
    assert refund.gateway_reference is not None
    payload = _stripe_event("refund.updated", _settled_at_stripe(fake, refund.gateway_reference))
    response = client.post(
        WEBHOOK.format("stripe"),
        content=payload,
        headers={"Stripe-Signature": _stripe_signature(payload)},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"received": True, "refund_id": refund.id, "status": "succeeded"}
    settled = _ledger(container, refund.id)
    assert settled.status is RefundStatus.succeeded
    assert settled.trace_number == "74987564123000000000042"


@pytest.mark.parametrize("event_type", ["refund.failed", "charge.refund.updated"])
def test_signed_stripe_failure_event_moves_a_processing_refund_to_failed(
    client: TestClient, container: Container, fake: FakeStripe, event_type: str
) -> None:
    refund = _processing_refund(container, "stripe")
    assert refund.gateway_reference is not None
    fake.settle(
        refund.gateway_reference, status="failed", failure_reason="expired_or_canceled_card"
    )
    payload = _stripe_event(event_type, fake.refunds[refund.gateway_reference])
    response = client.post(
        WEBHOOK.format("stripe"),
        content=payload,
        headers={"Stripe-Signature": _stripe_signature(payload)},
    )
    assert response.json()["status"] == "failed"
    failed = _ledger(container, refund.id)
    assert failed.status is RefundStatus.failed
    assert failed.needs_attention


def test_signed_stripe_failure_hint_for_a_refund_stripe_reports_succeeded_is_ignored_and_logged(
    client: TestClient,
    container: Container,
    fake: FakeStripe,
    caplog: pytest.LogCaptureFixture,
) -> None:
    refund = _processing_refund(container, "stripe")
    assert refund.gateway_reference is not None
    at_stripe = _settled_at_stripe(fake, refund.gateway_reference)
    claimed = at_stripe | {"status": "failed", "failure_reason": "lost_or_stolen_card"}
    payload = _stripe_event("refund.failed", claimed)
    with caplog.at_level(logging.WARNING):
        response = client.post(
            WEBHOOK.format("stripe"),
            content=payload,
            headers={"Stripe-Signature": _stripe_signature(payload)},
        )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "succeeded"
    settled = _ledger(container, refund.id)
    assert settled.status is RefundStatus.succeeded
    assert settled.trace_number == "74987564123000000000042"
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert f"refund {refund.id}" in warning.getMessage()
    assert "hinted failed" in warning.getMessage()
    assert "confirmed succeeded" in warning.getMessage()


def test_signed_stripe_success_hint_for_a_refund_stripe_still_has_pending_changes_nothing(
    client: TestClient, container: Container, fake: FakeStripe
) -> None:
    refund = _processing_refund(container, "stripe")
    assert refund.gateway_reference is not None
    claimed = fake.refunds[refund.gateway_reference] | {
        "status": "succeeded",
        "destination_details": {"type": "card", "card": {"reference": "99999999999999999999999"}},
    }
    payload = _stripe_event("refund.updated", claimed)
    response = client.post(
        WEBHOOK.format("stripe"),
        content=payload,
        headers={"Stripe-Signature": _stripe_signature(payload)},
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "processing"
    assert _ledger(container, refund.id) == refund


def test_stripe_webhook_while_stripe_cannot_be_reached_answers_503_and_changes_nothing(
    client: TestClient, container: Container, fake: FakeStripe
) -> None:
    refund = _processing_refund(container, "stripe")
    assert refund.gateway_reference is not None
    fake.settle(refund.gateway_reference, status="failed", failure_reason="expired_card")
    payload = _stripe_event("refund.failed", fake.refunds[refund.gateway_reference])
    fake.fail_with(503, "api_error", "Service unavailable.")
    response = client.post(
        WEBHOOK.format("stripe"),
        content=payload,
        headers={"Stripe-Signature": _stripe_signature(payload)},
    )
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "gateway_unavailable"
    assert _ledger(container, refund.id) == refund


@pytest.mark.parametrize(
    "signature",
    [
        "t=1700000000,v1=" + "0" * 64,
        "",
        "garbage",
    ],
)
def test_stripe_webhook_with_a_bad_signature_is_refused_and_changes_nothing(
    client: TestClient, container: Container, fake: FakeStripe, signature: str
) -> None:
    refund = _processing_refund(container, "stripe")
    assert refund.gateway_reference is not None
    payload = _stripe_event("refund.updated", _settled_at_stripe(fake, refund.gateway_reference))
    response = client.post(
        WEBHOOK.format("stripe"), content=payload, headers={"Stripe-Signature": signature}
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_signature"
    assert "Stripe-Signature" in response.json()["error"]["message"]
    assert _ledger(container, refund.id) == refund


def test_stripe_webhook_signed_with_another_secret_is_refused(
    client: TestClient, container: Container, fake: FakeStripe
) -> None:
    refund = _processing_refund(container, "stripe")
    assert refund.gateway_reference is not None
    payload = _stripe_event("refund.updated", _settled_at_stripe(fake, refund.gateway_reference))
    response = client.post(
        WEBHOOK.format("stripe"),
        content=payload,
        headers={"Stripe-Signature": _stripe_signature(payload, "whsec_someone_else")},
    )
    assert response.status_code == 401
    assert _ledger(container, refund.id).status is RefundStatus.processing


def test_stripe_webhook_about_an_unknown_refund_is_acknowledged_and_ignored(
    client: TestClient,
) -> None:
    payload = _stripe_event(
        "refund.updated", {"id": "re_not_ours", "object": "refund", "status": "succeeded"}
    )
    response = client.post(
        WEBHOOK.format("stripe"),
        content=payload,
        headers={"Stripe-Signature": _stripe_signature(payload)},
    )
    assert response.status_code == 200
    assert response.json() == {"received": True, "ignored": True}


def test_stripe_event_type_we_do_not_follow_is_acknowledged_and_ignored(
    client: TestClient, container: Container, fake: FakeStripe
) -> None:
    refund = _processing_refund(container, "stripe")
    assert refund.gateway_reference is not None
    payload = _stripe_event(
        "charge.dispute.created", _settled_at_stripe(fake, refund.gateway_reference)
    )
    response = client.post(
        WEBHOOK.format("stripe"),
        content=payload,
        headers={"Stripe-Signature": _stripe_signature(payload)},
    )
    assert response.json() == {"received": True, "ignored": True}
    assert _ledger(container, refund.id).status is RefundStatus.processing


def test_webhook_for_an_unknown_gateway_is_not_found(client: TestClient) -> None:
    response = client.post(WEBHOOK.format("paypal"), content=b"{}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def _sandbox_headers(payload: str, secret: str) -> dict[str, str]:
    now = datetime.now(UTC)
    signature = Webhook(secret).sign("msg_1", now, payload)
    return {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
    }


def _install_sandbox_secret(c: Container) -> str:
    """T1: a Standard Webhooks secret made from this install's own secret, not a constant."""
    return "whsec_" + base64.b64encode(c.install_secret("sandbox-webhook").encode()).decode()


def test_signed_sandbox_webhook_moves_a_refund_the_sandbox_settled_to_succeeded(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    refund = _processing_refund(container, "sandbox")
    clock.advance(timedelta(hours=2))
    payload = json.dumps({"reference": refund.gateway_reference, "status": "succeeded"})
    response = client.post(
        WEBHOOK.format("sandbox"),
        content=payload,
        headers=_sandbox_headers(payload, _install_sandbox_secret(container)),
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "succeeded"
    settled = _ledger(container, refund.id)
    assert settled.status is RefundStatus.succeeded
    assert settled.trace_number is not None
    assert len(settled.trace_number) == 23


@pytest.mark.parametrize(
    "secret",
    [
        OLD_SANDBOX_CONSTANT,
        "whsec_" + base64.b64encode(b"a secret someone guessed").decode(),
        None,
    ],
    ids=["old-constant", "guessed", "this-install"],
)
@pytest.mark.parametrize("claimed", ["failed", "succeeded"])
def test_sandbox_webhook_with_any_signature_changes_no_refund_the_sandbox_has_not_settled(
    client: TestClient, container: Container, secret: str | None, claimed: str
) -> None:
    refund = _processing_refund(container, "sandbox")
    payload = json.dumps(
        {
            "reference": refund.gateway_reference,
            "status": claimed,
            "trace_number": "70000000000000000000123",
            "failure_reason": "forged",
        }
    )
    headers = _sandbox_headers(payload, secret or _install_sandbox_secret(container))
    client.post(WEBHOOK.format("sandbox"), content=payload, headers=headers)
    client.post(WEBHOOK.format("sandbox"), content=payload, headers=headers)
    assert _ledger(container, refund.id) == refund


def test_sandbox_failure_hint_for_a_refund_the_sandbox_settled_is_ignored_and_logged(
    client: TestClient,
    container: Container,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    refund = _processing_refund(container, "sandbox")
    clock.advance(timedelta(hours=2))
    payload = json.dumps(
        {"reference": refund.gateway_reference, "status": "failed", "trace_number": "1"}
    )
    with caplog.at_level(logging.WARNING):
        response = client.post(
            WEBHOOK.format("sandbox"),
            content=payload,
            headers=_sandbox_headers(payload, _install_sandbox_secret(container)),
        )
    assert response.status_code == 200, response.text
    settled = _ledger(container, refund.id)
    assert settled.status is RefundStatus.succeeded
    assert settled.trace_number != "1"
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert f"refund {refund.id}" in warning.getMessage()
    assert "hinted failed" in warning.getMessage()
    assert "confirmed succeeded" in warning.getMessage()


def test_sandbox_webhook_secret_is_per_install_and_shown_to_the_operator(
    client: TestClient, container: Container, settings: Settings, clock: FixedClock
) -> None:
    shown = client.get(SETTINGS, headers=operator_headers(container)).json()["webhook_secret"]
    other = build(settings.model_copy(update={"secret_key": "another install"}), clock=clock)
    assert shown == _install_sandbox_secret(container)
    assert shown != _install_sandbox_secret(other)
    assert shown != OLD_SANDBOX_CONSTANT
    other.dispose()


def test_sandbox_webhook_signed_with_another_secret_is_refused(
    client: TestClient, container: Container
) -> None:
    refund = _processing_refund(container, "sandbox")
    payload = json.dumps({"reference": refund.gateway_reference, "status": "succeeded"})
    response = client.post(
        WEBHOOK.format("sandbox"),
        content=payload,
        headers=_sandbox_headers(payload, "whsec_" + "b3RoZXItc2VjcmV0LW9mLXNvbWVvbmU="),
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_signature"
    assert _ledger(container, refund.id) == refund


@pytest.mark.parametrize(
    "headers",
    [{}, {"webhook-id": "msg_1", "webhook-timestamp": "1", "webhook-signature": "nonsense"}],
)
def test_sandbox_webhook_without_a_valid_signature_header_is_refused(
    client: TestClient, headers: dict[str, str]
) -> None:
    response = client.post(
        WEBHOOK.format("sandbox"),
        content=json.dumps({"reference": "sbre_x", "status": "succeeded"}),
        headers=headers,
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_signature"


def test_signed_sandbox_webhook_with_an_unknown_status_is_invalid(
    client: TestClient, container: Container
) -> None:
    payload = json.dumps({"reference": "sbre_x", "status": "done"})
    response = client.post(
        WEBHOOK.format("sandbox"),
        content=payload,
        headers=_sandbox_headers(payload, _install_sandbox_secret(container)),
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "status"


def test_sandbox_settings_are_read_and_changed_by_the_operator(
    client: TestClient, container: Container
) -> None:
    op = operator_headers(container)
    secret = _install_sandbox_secret(container)
    assert client.get(SETTINGS, headers=op).json() == {
        "fail_next": 0,
        "fail_always": False,
        "decline_always": False,
        "settle_seconds": 3600,
        "webhook_secret": secret,
    }
    response = client.put(SETTINGS, json={"fail_next": 2, "settle_seconds": 60}, headers=op)
    assert response.status_code == 200
    assert response.json() == {
        "fail_next": 2,
        "fail_always": False,
        "decline_always": False,
        "settle_seconds": 60,
        "webhook_secret": secret,
    }
    sandbox = container.gateways["sandbox"]
    assert isinstance(sandbox, SandboxGateway)
    assert sandbox.settings() == SandboxSettings(fail_next=2, settle_seconds=60)


def test_sandbox_settings_refuse_a_negative_count(client: TestClient, container: Container) -> None:
    response = client.put(SETTINGS, json={"fail_next": -1}, headers=operator_headers(container))
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "fail_next"


@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_sandbox_settings_need_the_operator_token(
    client: TestClient, container: Container, method: str
) -> None:
    make_user(container, role=Role.support, email="sue@example.com")
    body = {"fail_always": True}
    anonymous = client.request(method, SETTINGS, json=body)
    support = client.request(
        method, SETTINGS, json=body, headers=user_headers(container, "sue@example.com")
    )
    assert anonymous.status_code == 401
    assert support.status_code == 403
    sandbox = container.gateways["sandbox"]
    assert isinstance(sandbox, SandboxGateway)
    assert sandbox.settings() == SandboxSettings()
