"""Cancellation pages (C1, C4 to C11): the buyer's card and cancel flow (form → quote →
confirm → done), the seller's inbox, answers and own cancels, and the stores' metrics."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from recourse.bootstrap import make_worker
from recourse.container import Container
from recourse.domain.order import NewLine, OrderStatus, PaymentMethod, PaymentStatus, derive_status
from recourse.domain.roles import Role
from recourse.domain.shipment import ShipmentLine
from recourse.integrations.clock import FixedClock
from recourse.services import cancellations, orders, shipping
from tests.factories import (
    OPERATOR,
    actor_of,
    get_order,
    make_order,
    make_store,
    make_user,
    pay,
    ship_all,
)
from tests.web.test_pages import csrf_from, login, signed_in

BUYER = "ann@example.com"
SELLER = "sam@example.com"
HIDDEN = re.compile(r'<input type="hidden" name="([\w-]+)" value="([^"]*)"')


def hidden_fields(html: str, action: str) -> dict[str, str]:
    """The hidden inputs of the form posting to `action`, as the browser would send them."""
    form = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', html, re.S)
    assert form, f"no form posting to {action}"
    return dict(HIDDEN.findall(form.group(0)))


def world(container: Container, **policy: Any) -> dict[str, int]:
    """A store with this policy, its seller, and a buyer (who is not signed in yet)."""
    store = make_store(container, name="Maison Lune", **policy)
    buyer = make_user(container, email=BUYER, name="Ann Buyer")
    seller = make_user(container, role=Role.seller, email=SELLER, store_ids=[store])
    return {"store": store, "buyer": buyer, "seller": seller}


def quote(client: TestClient, order: int, **fields: str) -> Response:
    page = client.get(f"/orders/{order}/cancel")
    data = {"csrf_token": csrf_from(page), "items": "0", "reason": "changed_mind", "note": ""}
    return client.post(f"/orders/{order}/cancel/quote", data={**data, **fields})


def confirm(client: TestClient, order: int, quote_page: Response) -> Response:
    fields = hidden_fields(quote_page.text, f"/orders/{order}/cancel")
    return client.post(f"/orders/{order}/cancel", data={**fields, "action": "confirm"})


def request_cancellation(client: TestClient, container: Container, clock: FixedClock) -> int:
    """At an approval store, two hours after payment: the buyer asks the seller to cancel."""
    w = world(container, buyer_cancel="approval")
    order = make_order(container, buyer_id=w["buyer"], store_id=w["store"])
    pay(container, order)
    clock.advance(timedelta(hours=2))
    login(client, BUYER)
    done = confirm(client, order, quote(client, order, note="Found it at my local shop"))
    assert done.status_code == 303
    return order


def pending_id(container: Container, order: int) -> int:
    with container.uow() as uow:
        pending = uow.cancellations.pending_for_order(order)
    assert pending is not None
    return pending.id


def test_shipped_order_shows_why_and_what_instead_but_no_cancel_button(
    client: TestClient, container: Container
) -> None:
    w = world(container)
    order = make_order(container, buyer_id=w["buyer"], store_id=w["store"])
    pay(container, order)
    ship_all(container, order)
    login(client, BUYER)

    page = client.get(f"/orders/{order}").text
    cancel = client.get(f"/orders/{order}/cancel")

    assert f'href="/orders/{order}/cancel"' not in page
    assert "Everything in this order has shipped, so it can no longer be cancelled." in page
    assert "Ask the seller to stop the parcel" in page
    assert "Refuse the delivery" in page
    assert "Return it after it arrives" in page
    assert cancel.status_code == 409
    assert "Refuse the delivery" in cancel.text
    assert 'action="/orders/' not in cancel.text.split("<main", 1)[1]


def test_payment_under_review_says_until_when_in_the_buyers_time_zone(
    client: TestClient, container: Container
) -> None:
    w = world(container)
    order = make_order(container, buyer_id=w["buyer"], store_id=w["store"])
    orders.record_payment(
        container.uow(),
        container.ctx,
        actor=OPERATOR,
        order_id=order,
        status=PaymentStatus.review,
    )
    login(client, BUYER)

    page = client.get(f"/orders/{order}").text

    assert "Your payment is being verified" in page
    assert "Possible again from <strong>03 Mar 2026, 10:00 CET</strong>." in page
    assert '<span class="alt-title">Wait</span>' in page


def test_unpaid_order_cancels_at_once_with_nothing_to_refund(
    client: TestClient, container: Container
) -> None:
    w = world(container, buyer_cancel="approval")
    order = make_order(container, buyer_id=w["buyer"], store_id=w["store"])
    login(client, BUYER)

    card = client.get(f"/orders/{order}").text
    form = client.get(f"/orders/{order}/cancel")
    step2 = quote(client, order)
    done = confirm(client, order, step2)
    done_page = client.get(done.headers["location"])
    after = client.get(f"/orders/{order}").text

    assert f'<a class="button" href="/orders/{order}/cancel">Cancel order</a>' in card
    assert form.status_code == 200
    assert "<legend>Why do you want to cancel?</legend>" in form.text
    assert "No payment has been taken for this order, so there is nothing to refund." in step2.text
    assert "Your order is cancelled at once." in step2.text
    assert done.status_code == 303
    assert done.headers["location"].startswith(f"/orders/{order}/cancel/done?c=")
    assert "Your order is cancelled" in done_page.text
    assert "nothing to refund" in done_page.text
    assert '<h2 id="status-title">Cancelled</h2>' in after
    assert f'href="/orders/{order}/cancel"' not in after


def test_paid_ten_minutes_ago_refunds_everything_and_emails_the_buyer(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    w = world(container, buyer_cancel="approval")
    order = make_order(container, buyer_id=w["buyer"], store_id=w["store"])
    pay(container, order)
    clock.advance(timedelta(minutes=10))
    login(client, BUYER)

    step2 = quote(client, order)
    done = confirm(client, order, step2)
    done_page = client.get(done.headers["location"]).text
    make_worker(container).run_once()
    mail = client.get("/mail").text

    assert "<dt>Items</dt><dd>€50.00</dd>" in step2.text
    assert "<dt>Tax</dt><dd>€4.75</dd>" in step2.text
    assert "<dt>Shipping</dt><dd>€4.99</dd>" in step2.text
    assert "<dt>Total refund</dt><dd>€59.74</dd>" in step2.text
    assert "€59.74 goes back to your card, expected between 5 Mar and 30 Mar 2026." in step2.text
    assert "Cancel and refund €59.74" in step2.text
    assert "Your order is cancelled" in done_page
    assert "<strong>€59.74</strong> goes back to your card." in done_page
    assert "between 5 Mar and 30 Mar 2026" in done_page
    assert f"Order #{order} is cancelled" in mail


def test_request_reaches_the_seller_inbox_and_approving_refunds_the_buyer(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    order = request_cancellation(client, container, clock)
    buyer_card = client.get(f"/orders/{order}").text
    login(client, SELLER)
    clock.advance(timedelta(hours=30))

    inbox = client.get("/seller/requests").text
    seller_page = client.get(f"/seller/orders/{order}")
    approved = client.post(
        f"/seller/orders/{order}/cancellations/{pending_id(container, order)}/approve",
        data={"csrf_token": csrf_from(seller_page)},
    )
    flashed = client.get(approved.headers["location"]).text
    login(client, BUYER)
    buyer_after = client.get(f"/orders/{order}").text

    assert "You asked to cancel on <time" in buyer_card
    assert "02 Mar 2026, 12:00 CET</time>; the seller answers by <strong>" in buyer_card
    assert "04 Mar 2026, 12:00 CET</time></strong> — if they don't, it is approved" in buyer_card
    assert "Withdraw request" in buyer_card
    assert f'href="/seller/orders/{order}#cancel-request">Order #{order}</a>' in inbox
    assert '<span class="countdown urgent">Answer within 18 hours</span>' in inbox
    assert "Found it at my local shop" in inbox
    assert "<dt>Items</dt><dd>2 \N{MULTIPLICATION SIGN} Desk lamp</dd>" in inbox
    assert "Ann Buyer" in inbox
    assert 'Cancellation requests <span class="unread-count">1' in inbox
    assert "The buyer asks to cancel" in seller_page.text
    assert approved.status_code == 303
    assert "You approved the cancellation. The buyer gets €59.74 back to the buyer" in flashed
    assert 'id="refunds"' in buyer_after
    assert '<a href="#refunds">Refund of €59.74</a>' in buyer_after
    assert "Approved by the seller" in buyer_after


def test_rejecting_as_already_shipped_without_tracking_is_explained_with_values_kept(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    order = request_cancellation(client, container, clock)
    login(client, SELLER)
    page = client.get(f"/seller/orders/{order}")

    response = client.post(
        f"/seller/orders/{order}/cancellations/{pending_id(container, order)}/reject",
        data={
            "csrf_token": csrf_from(page),
            "reason": "already_shipped",
            "carrier": "DHL",
            "tracking_number": "",
            "note": "It left this morning",
        },
    )

    assert response.status_code == 422
    assert "Enter the parcel&#39;s tracking number." in response.text
    assert '<option value="already_shipped" selected>' in response.text
    assert 'value="DHL"' in response.text
    assert "It left this morning</textarea>" in response.text
    assert 'id="reject-tracking_number" name="tracking_number"' in response.text
    assert 'aria-describedby="parcel-hint reject-tracking_number-error" aria-invalid="true"' in (
        response.text
    )
    assert pending_id(container, order)


def test_rejection_with_tracking_shows_the_buyer_the_reason_and_the_parcel(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    order = request_cancellation(client, container, clock)
    login(client, SELLER)
    page = client.get(f"/seller/orders/{order}")

    rejected = client.post(
        f"/seller/orders/{order}/cancellations/{pending_id(container, order)}/reject",
        data={
            "csrf_token": csrf_from(page),
            "reason": "already_shipped",
            "carrier": "DHL",
            "tracking_number": "JJD42",
            "note": "",
        },
    )
    login(client, BUYER)
    buyer_page = client.get(f"/orders/{order}").text

    assert rejected.status_code == 303
    assert "The seller declined to cancel" in buyer_page
    assert "<dt>Seller's reason</dt><dd>The parcel has already left</dd>" in buyer_page
    assert 'Left with DHL, tracking <code class="tracking-number">JJD42</code>' in buyer_page
    assert "Refuse the delivery" in buyer_page
    assert derive_status(get_order(container, order), clock.now()) is OrderStatus.shipped


def test_after_a_refusal_the_closed_cancel_is_explained_once(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    order = request_cancellation(client, container, clock)
    login(client, SELLER)
    page = client.get(f"/seller/orders/{order}")
    client.post(
        f"/seller/orders/{order}/cancellations/{pending_id(container, order)}/reject",
        data={
            "csrf_token": csrf_from(page),
            "reason": "already_shipped",
            "carrier": "DHL",
            "tracking_number": "JJD42",
            "note": "",
        },
    )
    login(client, BUYER)
    buyer_page = client.get(f"/orders/{order}").text

    assert "The seller declined to cancel" in buyer_page
    # the closed cancel is explained once (other paths, e.g. the return, explain themselves)
    assert buyer_page.count("so it can no longer be cancelled") == 1
    assert buyer_page.count("option-cancel") == 1


def test_buyer_withdraws_a_pending_request(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    order = request_cancellation(client, container, clock)
    request_id = pending_id(container, order)
    page = client.get(f"/orders/{order}")

    response = client.post(
        f"/orders/{order}/cancellations/{request_id}/withdraw",
        data={"csrf_token": csrf_from(page)},
    )
    after = client.get(response.headers["location"]).text
    again = client.post(
        f"/orders/{order}/cancellations/{request_id}/withdraw",
        data={"csrf_token": csrf_from(page)},
    )

    assert response.status_code == 303
    assert "You withdrew your cancellation request." in after
    assert "Withdrawn" in after
    assert f'href="/orders/{order}/cancel">Cancel order</a>' in after
    assert again.status_code == 409
    assert "This request is no longer waiting for an answer: it is withdrawn." in again.text


def test_partial_cancel_quotes_the_exact_share_of_each_line(
    client: TestClient, container: Container
) -> None:
    w = world(container, buyer_cancel="instant", allow_partial_cancel=True)
    order = make_order(
        container,
        buyer_id=w["buyer"],
        store_id=w["store"],
        shipping_fee=1001,
        lines=[
            NewLine("BOWL", "Bowl", 1333, 5, discount=101, tax=1267),
            NewLine("CUP", "Cup", 999, 2, discount=0, tax=380),
        ],
    )
    pay(container, order)
    bowl, cup = (line.id for line in get_order(container, order).lines)
    login(client, BUYER)

    card = client.get(f"/orders/{order}").text
    form = client.get(f"/orders/{order}/cancel?items=1")
    step2 = client.post(
        f"/orders/{order}/cancel/quote",
        data={
            "csrf_token": csrf_from(form),
            "items": "1",
            f"qty-{bowl}": "2",
            f"qty-{cup}": "0",
            "reason": "found_cheaper",
            "note": "",
        },
    )
    done = confirm(client, order, step2)

    assert f'href="/orders/{order}/cancel?items=1">Cancel items</a>' in card
    assert f'name="qty-{bowl}" min="0" max="5"' in form.text
    # 2/5 of the bowl's net price (6564 → 2625) and tax (1267 → 506); no shipping yet.
    assert "<li>2 \N{MULTIPLICATION SIGN} Bowl</li>" in step2.text
    assert "<dt>Items</dt><dd>€26.25</dd>" in step2.text
    assert "<dt>Tax</dt><dd>€5.06</dd>" in step2.text
    assert "<dt>Shipping</dt>" not in step2.text
    assert "<dt>Total refund</dt><dd>€31.31</dd>" in step2.text
    assert "These items are cancelled at once" in step2.text
    assert done.status_code == 303
    assert [line.qty.cancelled for line in get_order(container, order).lines] == [2, 0]


def test_other_without_a_note_is_refused_next_to_the_note(
    client: TestClient, container: Container
) -> None:
    w = world(container)
    order = make_order(container, buyer_id=w["buyer"], store_id=w["store"])
    pay(container, order)
    login(client, BUYER)

    response = quote(client, order, reason="other", note="  ")

    assert response.status_code == 409
    assert '<p class="field-error" id="note-error">Tell us a little more' in response.text
    assert 'id="reason-other" name="reason" value="other" checked' in response.text
    assert get_order(container, order).lines[0].qty.cancelled == 0


def test_order_changed_between_quote_and_confirm_shows_the_new_quote(
    client: TestClient, container: Container
) -> None:
    w = world(container, buyer_cancel="instant", allow_partial_cancel=True)
    order = make_order(
        container,
        buyer_id=w["buyer"],
        store_id=w["store"],
        lines=[NewLine("A", "Vase", 1000, 2), NewLine("B", "Plate", 500, 1)],
    )
    pay(container, order)
    vase, plate = (line.id for line in get_order(container, order).lines)
    login(client, BUYER)
    step2 = quote(client, order, items="1", **{f"qty-{vase}": "1", f"qty-{plate}": "0"})
    shipping.ship_order(
        container.uow(),
        container.ctx,
        actor=actor_of(container, w["seller"]),
        order_id=order,
        lines=[ShipmentLine(plate, 1)],
        carrier="DHL",
        tracking_number="7",
    )

    response = confirm(client, order, step2)
    fresh = hidden_fields(response.text, f"/orders/{order}/cancel")

    assert response.status_code == 409
    assert "The order changed since you looked; here is the new refund." in response.text
    assert fresh["quote_id"] != hidden_fields(step2.text, f"/orders/{order}/cancel")["quote_id"]
    assert "<dt>Total refund</dt><dd>€10.00</dd>" in response.text
    assert get_order(container, order).lines[0].qty.cancelled == 0


@pytest.mark.parametrize(
    "path",
    [
        "/orders/{order}/cancel",
        "/orders/{order}/cancel?items=1",
        "/orders/{order}/cancel/done?c={request}",
    ],
)
def test_another_buyer_gets_404_on_every_cancel_page(
    client: TestClient, container: Container, clock: FixedClock, path: str
) -> None:
    order = request_cancellation(client, container, clock)
    url = path.format(order=order, request=pending_id(container, order))
    signed_in(client, container, email="eve@example.com")

    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/orders/{order}/cancel/quote",
        "/orders/{order}/cancel",
        "/orders/{order}/cancellations/{request}/withdraw",
    ],
)
def test_another_buyer_gets_404_on_every_cancel_form(
    client: TestClient, container: Container, clock: FixedClock, path: str
) -> None:
    order = request_cancellation(client, container, clock)
    request_id = pending_id(container, order)
    url = path.format(order=order, request=request_id)
    signed_in(client, container, email="eve@example.com")
    token = csrf_from(client.get("/orders"))

    response = client.post(url, data={"csrf_token": token, "reason": "changed_mind"})

    assert response.status_code == 404
    assert pending_id(container, order) == request_id


def test_missing_csrf_token_is_refused_and_nothing_changes(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    w = world(container)
    order = make_order(container, buyer_id=w["buyer"], store_id=w["store"])
    pay(container, order)
    login(client, BUYER)
    step2 = quote(client, order)
    fields = hidden_fields(step2.text, f"/orders/{order}/cancel")

    without = client.post(
        f"/orders/{order}/cancel",
        data={k: v for k, v in fields.items() if k != "csrf_token"} | {"action": "confirm"},
    )
    forged_quote = quote(client, order, csrf_token="forged")

    assert without.status_code == 422
    assert "The form expired or came from elsewhere." in without.text
    assert forged_quote.status_code == 422
    assert get_order(container, order).lines[0].qty.cancelled == 0


def test_seller_of_another_store_gets_404(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    order = request_cancellation(client, container, clock)
    request_id = pending_id(container, order)
    signed_in(
        client, container, role=Role.seller, store_ids=[make_store(container)], email="x@e.com"
    )
    token = csrf_from(client.get("/seller/orders"))

    inbox = client.get("/seller/requests").text
    answers = [
        client.post(
            f"/seller/orders/{order}/cancellations/{request_id}/{action}",
            data={"csrf_token": token, "reason": "made_to_order"},
        ).status_code
        for action in ("approve", "reject")
    ]
    cancel = client.post(
        f"/seller/orders/{order}/cancel/quote",
        data={"csrf_token": token, "reason": "out_of_stock"},
    )

    assert f"Order #{order}" not in inbox
    assert "No cancellation requests are waiting for an answer." in inbox
    assert answers == [404, 404]
    assert cancel.status_code == 404
    assert pending_id(container, order) == request_id


def test_shipping_while_a_request_is_pending_says_why(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    order = request_cancellation(client, container, clock)
    lamp = get_order(container, order).lines[0].id
    login(client, SELLER)
    page = client.get(f"/seller/orders/{order}")

    response = client.post(
        f"/seller/orders/{order}/shipments",
        data={
            "csrf_token": csrf_from(page),
            f"qty-{lamp}": "2",
            "carrier": "DHL",
            "tracking_number": "T-1",
        },
    )

    assert "Answer the request</a> before you ship these items" in page.text
    assert response.status_code == 409
    assert "The buyer asked to cancel these items. Reject the request first" in response.text
    assert get_order(container, order).lines[0].qty.shipped == 0


def test_seller_cancels_out_of_stock_items_after_seeing_the_buyers_refund(
    client: TestClient, container: Container
) -> None:
    w = world(container)
    order = make_order(
        container,
        buyer_id=w["buyer"],
        store_id=w["store"],
        payment_method=PaymentMethod.wallet,
        lines=[NewLine("LAMP", "Desk lamp", 2500, 2, tax=475), NewLine("BULB", "Bulb", 300, 3)],
    )
    pay(container, order)
    lamp, bulb = (line.id for line in get_order(container, order).lines)
    login(client, SELLER)
    page = client.get(f"/seller/orders/{order}")

    missing = client.post(
        f"/seller/orders/{order}/cancel/quote",
        data={
            "csrf_token": csrf_from(page),
            f"cancel-qty-{lamp}": "0",
            f"cancel-qty-{bulb}": "1",
            "note": "",
        },
    )
    step2 = client.post(
        f"/seller/orders/{order}/cancel/quote",
        data={
            "csrf_token": csrf_from(page),
            f"cancel-qty-{lamp}": "0",
            f"cancel-qty-{bulb}": "2",
            "reason": "out_of_stock",
            "note": "",
        },
    )
    fields = hidden_fields(step2.text, f"/seller/orders/{order}/cancel")
    done = client.post(f"/seller/orders/{order}/cancel", data={**fields, "action": "confirm"})
    flashed = client.get(done.headers["location"]).text

    assert "Cancel items" in page.text
    assert missing.status_code == 422
    assert '<p class="field-error" id="cancel-reason-error">Choose a reason.</p>' in missing.text
    assert '<details class="refund-form-box" open>' in missing.text
    assert "<dt>Total refund</dt><dd>€6.00</dd>" in step2.text
    assert "goes back to the buyer&#39;s digital wallet" in step2.text
    assert "Cancelled 2 \N{MULTIPLICATION SIGN} Bulb. The buyer gets €6.00 back" in flashed
    assert [line.qty.cancelled for line in get_order(container, order).lines] == [0, 2]


def test_seller_metrics_and_support_sees_every_store(
    client: TestClient, container: Container
) -> None:
    w = world(container)
    other = make_store(container, name="Volt")
    cancelled = make_order(container, buyer_id=w["buyer"], store_id=w["store"])
    kept = make_order(container, buyer_id=w["buyer"], store_id=w["store"])
    pay(container, cancelled)
    pay(container, kept)
    cancellations.cancel_order(
        container.uow(),
        container.ctx,
        actor=actor_of(container, w["seller"]),
        order_id=cancelled,
        reason="out_of_stock",
    )
    login(client, SELLER)

    inbox = client.get("/seller/requests").text
    signed_in(client, container, role=Role.support, email="sue@example.com")
    support = client.get("/support/metrics").text

    assert '<td data-label="Rate" class="num">50%</td>' in inbox
    assert '<td data-label="Seller-fault" class="num">1</td>' in inbox
    assert "Volt" not in inbox
    assert "Maison Lune" in support
    assert f'href="/support/orders?store={other}">Volt</a>' in support


def test_answering_without_a_csrf_token_changes_nothing(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    order = request_cancellation(client, container, clock)
    request_id = pending_id(container, order)
    login(client, SELLER)

    approve = client.post(f"/seller/orders/{order}/cancellations/{request_id}/approve", data={})
    reject = client.post(
        f"/seller/orders/{order}/cancellations/{request_id}/reject",
        data={"csrf_token": "forged", "reason": "made_to_order"},
    )

    assert (approve.status_code, reject.status_code) == (422, 422)
    assert "The form expired or came from elsewhere." in approve.text
    assert pending_id(container, order) == request_id


def test_partial_request_confirms_the_items_asked_for_and_the_quoted_refund(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    w = world(container, buyer_cancel="approval", allow_partial_cancel=True)
    order = make_order(
        container,
        buyer_id=w["buyer"],
        store_id=w["store"],
        shipping_fee=1001,
        lines=[
            NewLine("BOWL", "Bowl", 1333, 5, discount=101, tax=1267),
            NewLine("CUP", "Cup", 999, 2, discount=0, tax=380),
        ],
    )
    pay(container, order)
    clock.advance(timedelta(hours=2))
    bowl, cup = (line.id for line in get_order(container, order).lines)
    login(client, BUYER)
    form = client.get(f"/orders/{order}/cancel?items=1")
    step2 = client.post(
        f"/orders/{order}/cancel/quote",
        data={
            "csrf_token": csrf_from(form),
            "items": "1",
            f"qty-{bowl}": "2",
            f"qty-{cup}": "0",
            "reason": "found_cheaper",
            "note": "",
        },
    )
    done = confirm(client, order, step2)
    done_page = client.get(done.headers["location"]).text
    make_worker(container).run_once()
    assert container.mailbox is not None
    to_seller = [
        m for m in container.mailbox.list(to=SELLER) if m["template"] == "cancellation_requested"
    ]
    seller_mail = container.mailbox.get(to_seller[0]["key"])
    assert seller_mail is not None

    assert "<dt>Total refund</dt><dd>€31.31</dd>" in step2.text
    assert "full refund" not in done_page
    assert "You asked to cancel 2 \N{MULTIPLICATION SIGN} Bowl." in done_page
    assert "approved automatically and €31.31 goes back to your card" in done_page
    assert "  - 2 x Bowl\n" in seller_mail["text"]
    assert "the buyer refunded €31.31" in seller_mail["text"]


@pytest.mark.parametrize(
    ("method", "destination"),
    [
        (PaymentMethod.card, "the buyer's card"),
        (PaymentMethod.wallet, "the buyer's digital wallet"),
        (PaymentMethod.bank_transfer, "the buyer's bank account"),
        (PaymentMethod.store_balance, "the buyer's store balance"),
        (PaymentMethod.coupon, "a new coupon"),
    ],
)
def test_seller_quote_says_where_the_refund_goes_for_every_payment_method(
    client: TestClient, container: Container, method: PaymentMethod, destination: str
) -> None:
    w = world(container)
    order = make_order(container, buyer_id=w["buyer"], store_id=w["store"], payment_method=method)
    pay(container, order)
    lines = get_order(container, order).lines
    login(client, SELLER)
    page = client.get(f"/seller/orders/{order}")
    step2 = client.post(
        f"/seller/orders/{order}/cancel/quote",
        data={
            "csrf_token": csrf_from(page),
            **{f"cancel-qty-{line.id}": str(line.qty.active) for line in lines},
            "reason": "out_of_stock",
            "note": "",
        },
    )

    assert step2.status_code == 200, step2.text[-2000:]
    assert f"€59.74 goes back to {destination}, expected" in html.unescape(step2.text)
