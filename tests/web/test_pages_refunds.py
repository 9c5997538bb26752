"""Refund pages (F4, F5): the order page panel, the buyer's Refunds, support's manual refund
through quote and confirm, and retrying refunds that need attention."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import update

from recourse.bootstrap import Container
from recourse.cli import _worker
from recourse.db.models import RefundRow
from recourse.db.queries.refunds import RefundView, refunds_of_order
from recourse.domain.errors import InvalidInput
from recourse.domain.roles import Role
from recourse.integrations.clock import FixedClock
from recourse.integrations.gateways.sandbox import SandboxGateway, SandboxSettings
from recourse.services import refunds
from recourse.web.pages.support.refunds import parse_amount
from tests.factories import actor_of, get_order, make_order, make_store, make_user, pay
from tests.web.test_pages import csrf_from, login, signed_in

STEP = re.compile(r'<li class="step step-(\w+)"[^>]*>\s*<span class="step-label">([^<]+)</span>')


def paid_order(container: Container, buyer: int, *, currency: str = "EUR") -> int:
    order = make_order(container, buyer_id=buyer, store_id=make_store(container), currency=currency)
    pay(container, order)
    return order


def captured(container: Container, order: int) -> int:
    return get_order(container, order).payment.amount_captured


def issue(container: Container, order: int, amount: int) -> int:
    agent = make_user(container, role=Role.support)
    return refunds.issue_manual_refund(
        container.uow(),
        container.ctx,
        actor=actor_of(container, agent),
        order_id=order,
        amount=amount,
        reason="goodwill",
        gateway="sandbox",
    )


def ledger(container: Container, order: int) -> list[RefundView]:
    with container.read_session() as session:
        return refunds_of_order(session, order)


def sandbox(container: Container) -> SandboxGateway:
    gateway = container.gateways["sandbox"]
    assert isinstance(gateway, SandboxGateway)
    return gateway


def steps(html: str) -> list[tuple[str, str]]:
    return [(state, label) for state, label in STEP.findall(html)]


def hidden_fields(html: str, action: str) -> dict[str, str]:
    """The hidden inputs of the form posting to `action`, as the browser would send them."""
    form = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', html, re.S)
    assert form, f"no form posting to {action}"
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.group(0)))


def as_support(client: TestClient, container: Container, order: int) -> Response:
    signed_in(client, container, role=Role.support)
    return client.get(f"/support/orders/{order}")


def quote(client: TestClient, order: int, page: Response, amount: str, **extra: str) -> Response:
    return client.post(
        f"/support/orders/{order}/refunds/quote",
        data={
            "csrf_token": csrf_from(page),
            "amount": amount,
            "reason": "goodwill",
            "note": "",
            **extra,
        },
    )


def test_buyer_sees_the_refund_with_its_amount_expected_dates_and_steps(
    client: TestClient, container: Container
) -> None:
    buyer = signed_in(client, container, email="ana@example.com")
    order = paid_order(container, buyer)
    issue(container, order, 1250)

    page = client.get(f"/orders/{order}").text

    assert 'id="refunds"' in page
    assert "€12.50" in page
    assert "to your card" in page
    assert "Expect it on your statement between 5 Mar and 30 Mar 2026." in page
    assert steps(page) == [
        ("done", "Recorded"),
        ("todo", "Sent to your bank"),
        ("todo", "Money sent"),
    ]


def test_after_the_gateway_settles_the_page_shows_money_sent_and_the_trace_number(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    buyer = signed_in(client, container, email="ana@example.com")
    order = paid_order(container, buyer)
    issue(container, order, 1250)
    worker = _worker(container)
    worker.run_once()
    clock.advance(timedelta(hours=2))
    worker.run_once()
    (settled,) = ledger(container, order)
    assert settled.trace_number

    page = client.get(f"/orders/{order}").text
    listing = client.get("/refunds").text

    assert steps(page) == [
        ("done", "Recorded"),
        ("done", "Sent to your bank"),
        ("done", "Money sent"),
    ]
    assert (
        "Your bank can trace it with reference "
        f'<code class="trace-number">{settled.trace_number}</code>' in page
    )
    assert f'href="/orders/{order}#refunds"' in listing
    assert "badge-refund-succeeded" in listing


def test_seller_sees_the_panel_without_the_trace_number(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    store = make_store(container)
    order = make_order(container, buyer_id=make_user(container), store_id=store)
    pay(container, order)
    issue(container, order, 500)
    worker = _worker(container)
    worker.run_once()
    clock.advance(timedelta(hours=2))
    worker.run_once()
    (settled,) = ledger(container, order)
    signed_in(client, container, role=Role.seller, store_ids=[store])

    page = client.get(f"/seller/orders/{order}").text

    assert "€5.00" in page
    assert "Expected on the buyer&#39;s statement between 5 Mar and 30 Mar 2026." in page
    assert str(settled.trace_number) not in page


def test_another_buyer_gets_404_on_the_order_and_sees_no_refunds(
    client: TestClient, container: Container
) -> None:
    owner = make_user(container)
    order = paid_order(container, owner)
    issue(container, order, 1250)
    signed_in(client, container, email="ben@example.com")

    response = client.get(f"/orders/{order}")
    listing = client.get("/refunds").text

    assert response.status_code == 404
    assert f"/orders/{order}" not in listing
    assert "€12.50" not in listing
    assert "No refunds yet." in listing


def test_buyer_refunds_are_listed_newest_first_and_paged(
    client: TestClient, container: Container
) -> None:
    buyer = signed_in(client, container, email="ana@example.com")
    orders = [paid_order(container, buyer) for _ in range(21)]
    for order in orders:
        issue(container, order, 100)

    first = client.get("/refunds").text
    older = re.search(r'href="/refunds(\?cursor=\d+)"', first)
    assert older
    second = client.get(f"/refunds{older.group(1)}").text

    listed = [int(n) for n in re.findall(r'href="/orders/(\d+)#refunds"', first)]
    assert listed == orders[::-1][:20]
    assert [int(n) for n in re.findall(r'href="/orders/(\d+)#refunds"', second)] == orders[:1]


@pytest.mark.parametrize(
    ("currency", "typed", "minor", "shown"),
    [
        ("EUR", "12.50", 1250, "€12.50"),
        ("JPY", "1200", 1200, "¥1,200"),
        ("KWD", "1.250", 1250, "KWD1.250"),
    ],
)
def test_support_issues_a_refund_through_quote_and_confirm(
    client: TestClient, container: Container, currency: str, typed: str, minor: int, shown: str
) -> None:
    order = paid_order(container, make_user(container), currency=currency)
    page = as_support(client, container, order)

    quoted = quote(client, order, page, typed)
    confirm = hidden_fields(quoted.text, f"/support/orders/{order}/refunds")
    nothing_yet = ledger(container, order)
    response = client.post(
        f"/support/orders/{order}/refunds", data={**confirm, "action": "confirm"}
    )
    after = client.get(f"/support/orders/{order}").text

    assert quoted.status_code == 200
    assert f"Refund {shown}" in quoted.text
    assert "remains refundable of" in quoted.text
    assert "expected between 5 Mar and 30 Mar 2026." in quoted.text
    assert nothing_yet == []
    assert response.status_code == 303
    assert response.headers["location"] == f"/support/orders/{order}"
    assert [(r.amount, r.currency, r.reason) for r in ledger(container, order)] == [
        (minor, currency, "goodwill")
    ]
    assert "issued. The buyer is told by email" in after


def test_quote_sentence_names_what_remains_of_the_capture(
    client: TestClient, container: Container
) -> None:
    order = paid_order(container, make_user(container))
    total = captured(container, order)
    page = as_support(client, container, order)

    quoted = quote(client, order, page, "12.50").text

    remaining = f"€{(total - 1250) // 100}.{(total - 1250) % 100:02d}"
    whole = f"€{total // 100}.{total % 100:02d}"
    assert (
        f"Refund €12.50 to the buyer&#39;s card; {remaining} remains refundable of "
        f"{whole} captured; expected between 5 Mar and 30 Mar 2026."
    ) in quoted


def test_too_many_decimals_answers_422_next_to_the_field_and_writes_nothing(
    client: TestClient, container: Container
) -> None:
    order = paid_order(container, make_user(container))
    page = as_support(client, container, order)

    quoted = quote(client, order, page, "12.345")
    confirmed = client.post(
        f"/support/orders/{order}/refunds",
        data={
            "csrf_token": csrf_from(page),
            "amount": "12.345",
            "reason": "goodwill",
            "currency": "EUR",
            "action": "confirm",
        },
    )

    assert [quoted.status_code, confirmed.status_code] == [422, 422]
    assert (
        '<p class="field-error" id="amount-error">EUR amounts have at most 2 decimals; '
        "12.345 has 3." in quoted.text
    )
    assert 'value="12.345"' in quoted.text
    assert 'aria-invalid="true"' in quoted.text
    assert ledger(container, order) == []


def test_refund_above_what_is_left_answers_409_with_the_refundable_amount(
    client: TestClient, container: Container
) -> None:
    order = paid_order(container, make_user(container))
    issue(container, order, captured(container, order) - 100)
    page = as_support(client, container, order)

    response = quote(client, order, page, "2.00", note="Parcel arrived wet")

    assert response.status_code == 409
    assert "€1.00 can still be refunded." in response.text
    assert 'value="2.00"' in response.text
    assert "Parcel arrived wet" in response.text
    assert len(ledger(container, order)) == 1


def test_confirm_after_another_refund_took_the_rest_answers_409(
    client: TestClient, container: Container
) -> None:
    order = paid_order(container, make_user(container))
    page = as_support(client, container, order)
    quoted = quote(client, order, page, "12.50")
    issue(container, order, captured(container, order) - 1000)

    response = client.post(
        f"/support/orders/{order}/refunds",
        data={
            **hidden_fields(quoted.text, f"/support/orders/{order}/refunds"),
            "action": "confirm",
        },
    )

    assert response.status_code == 409
    assert "€10.00 can still be refunded." in response.text
    assert 'value="12.50"' in response.text
    assert len(ledger(container, order)) == 1


def test_back_returns_to_the_form_with_the_values_kept(
    client: TestClient, container: Container
) -> None:
    order = paid_order(container, make_user(container))
    page = as_support(client, container, order)
    quoted = quote(client, order, page, "7.25", note="Lid was cracked")

    response = client.post(
        f"/support/orders/{order}/refunds",
        data={**hidden_fields(quoted.text, f"/support/orders/{order}/refunds"), "action": "back"},
    )

    assert response.status_code == 200
    assert 'value="7.25"' in response.text
    assert '<option value="goodwill" selected>' in response.text
    assert "Lid was cracked</textarea>" in response.text
    assert ledger(container, order) == []


@pytest.mark.parametrize("role", [Role.buyer, Role.seller])
def test_only_support_may_post_the_refund_forms(
    client: TestClient, container: Container, role: Role
) -> None:
    store = make_store(container)
    buyer = make_user(container, email="owner@example.com")
    order = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order)
    make_user(container, role=Role.seller, email="seller@example.com", store_ids=[store])
    login(client, "owner@example.com" if role is Role.buyer else "seller@example.com")
    token = csrf_from(client.get("/notifications"))
    form = {"csrf_token": token, "amount": "1.00", "reason": "goodwill", "currency": "EUR"}

    responses = [
        client.post(f"/support/orders/{order}/refunds/quote", data=form),
        client.post(f"/support/orders/{order}/refunds", data={**form, "action": "confirm"}),
        client.get("/support/refunds"),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert ledger(container, order) == []


def test_refund_form_without_csrf_token_writes_nothing(
    client: TestClient, container: Container
) -> None:
    order = paid_order(container, make_user(container))
    as_support(client, container, order)

    response = client.post(
        f"/support/orders/{order}/refunds",
        data={"amount": "1.00", "reason": "goodwill", "currency": "EUR", "action": "confirm"},
    )

    assert response.status_code == 422
    assert ledger(container, order) == []


def test_support_retries_a_refund_that_kept_failing(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    buyer = make_user(container, email="ana@example.com")
    order = paid_order(container, buyer)
    sandbox(container).configure(SandboxSettings(fail_always=True))
    refund_id = issue(container, order, 1250)
    worker = _worker(container)
    for _ in range(container.settings.refund_max_attempts):
        worker.run_once()
        clock.advance(timedelta(hours=7))
    login(client, "ana@example.com")
    buyer_page = client.get(f"/orders/{order}").text
    signed_in(client, container, role=Role.support)
    stuck = client.get("/support/refunds")
    order_page = client.get(f"/support/orders/{order}").text
    sandbox(container).configure(SandboxSettings())

    response = client.post(
        f"/support/refunds/{refund_id}/retry",
        data=hidden_fields(stuck.text, f"/support/refunds/{refund_id}/retry"),
    )
    after = client.get("/support/refunds").text
    worker.run_once()

    assert "taking longer than usual. Our support team is on it." in buyer_page
    assert f'href="/support/orders/{order}#refunds"' in stuck.text
    assert f'<td data-label="Attempts" class="num">{container.settings.refund_max_attempts}' in (
        stuck.text
    )
    assert "Needs attention" in order_page
    assert f'action="/support/refunds/{refund_id}/retry"' in order_page
    assert response.status_code == 303
    assert f"Refund #{refund_id} will be sent again." in after
    assert "No refund needs attention" in after
    assert [r.status for r in ledger(container, order)] == ["processing"]


def test_buyer_sees_a_failed_refund_calmly(client: TestClient, container: Container) -> None:
    buyer = signed_in(client, container, email="ana@example.com")
    order = paid_order(container, buyer)
    sandbox(container).configure(SandboxSettings(decline_always=True))
    issue(container, order, 1250)
    _worker(container).run_once()

    page = client.get(f"/orders/{order}").text

    assert steps(page)[-1] == ("failed", "Failed")
    assert "Our support team is on it." in page
    assert "Expect it on your statement" not in page


@pytest.mark.parametrize(
    ("typed", "currency", "minor"),
    [
        ("12.50", "EUR", 1250),
        ("12.5", "EUR", 1250),
        (" 0.01 ", "EUR", 1),
        ("1200", "JPY", 1200),
        ("1.250", "KWD", 1250),
        ("0.001", "KWD", 1),
        ("99999999.99", "EUR", 9999999999),
    ],
)
def test_typed_amounts_become_exact_minor_units(typed: str, currency: str, minor: int) -> None:
    assert parse_amount(typed, currency) == minor


@pytest.mark.parametrize(
    ("typed", "currency"),
    [
        ("12.345", "EUR"),
        ("1200.5", "JPY"),
        ("1.2345", "KWD"),
        ("-5", "EUR"),
        ("0", "EUR"),
        ("0.00", "EUR"),
        ("12,50", "EUR"),
        ("1e3", "EUR"),
        ("twelve", "EUR"),
        ("", "EUR"),
        (".5", "EUR"),
        ("١٢", "EUR"),
    ],
)
def test_amounts_that_are_not_exact_positive_numbers_are_refused(typed: str, currency: str) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        parse_amount(typed, currency)
    assert excinfo.value.field == "amount"


def test_confirming_the_same_quote_twice_issues_one_refund(
    client: TestClient, container: Container
) -> None:
    order = paid_order(container, make_user(container))
    page = as_support(client, container, order)
    quoted = quote(client, order, page, "3.00")
    confirm = hidden_fields(quoted.text, f"/support/orders/{order}/refunds")

    first = client.post(f"/support/orders/{order}/refunds", data={**confirm, "action": "confirm"})
    again = client.post(f"/support/orders/{order}/refunds", data={**confirm, "action": "confirm"})

    assert first.status_code == again.status_code == 303
    assert [r.amount for r in ledger(container, order)] == [300]


def test_the_refund_form_offers_the_reason_catalogue(
    client: TestClient, container: Container
) -> None:
    order = paid_order(container, make_user(container))

    page = as_support(client, container, order).text

    assert re.findall(r'<option value="(\w+)"', page) == [
        "goodwill",
        "item_not_received",
        "damaged_or_defective",
        "not_as_described",
        "price_adjustment",
        "duplicate_charge",
        "late_delivery",
        "other",
    ]
    assert '<option value="item_not_received">Item not received</option>' in page


def test_the_reason_other_without_a_note_answers_422_next_to_the_note(
    client: TestClient, container: Container
) -> None:
    order = paid_order(container, make_user(container))
    page = as_support(client, container, order)

    quoted = quote(client, order, page, "1.00", reason="other", note="  ")
    confirmed = client.post(
        f"/support/orders/{order}/refunds",
        data={
            "csrf_token": csrf_from(page),
            "amount": "1.00",
            "reason": "other",
            "note": "",
            "currency": "EUR",
            "action": "confirm",
        },
    )

    assert [quoted.status_code, confirmed.status_code] == [422, 422]
    assert '<p class="field-error" id="note-error">' in quoted.text
    assert '<p class="field-error" id="note-error">' in confirmed.text
    assert ledger(container, order) == []


def test_a_refund_recorded_with_a_free_text_reason_still_shows_it(
    client: TestClient, container: Container
) -> None:
    buyer = make_user(container, email="ana@example.com")
    order = paid_order(container, buyer)
    issue(container, order, 1250)
    with container.engine.begin() as conn:
        conn.execute(update(RefundRow).values(reason="Parcel lost in the flood"))

    page = as_support(client, container, order)

    assert page.status_code == 200
    assert "Parcel lost in the flood" in page.text
