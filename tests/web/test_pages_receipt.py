"""§2 confirm receipt and protection pages: the buyer's warning and confirm (303 + flash, the
order completed), the panel's link, the request for more time and its errors by the field, the
seller's request page with Grant and Decline, and the conflicts re-rendered with their sentence."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from recourse.container import Container
from recourse.domain.roles import Role
from recourse.integrations.clock import FixedClock
from tests.factories import get_order, make_order, make_store, make_user, pay, ship_all
from tests.web.test_pages import csrf_from, login


def _world(container: Container) -> int:
    store = make_store(container, name="Maison Lune")
    buyer = make_user(container, role=Role.buyer, email="ann@example.com", name="Ann")
    make_user(container, role=Role.seller, email="sam@example.com", store_ids=[store])
    make_user(container, role=Role.buyer, email="other@example.com")
    order = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order)
    return order


def test_buyer_confirms_receipt_after_the_warning(client: TestClient, container: Container) -> None:
    order = _world(container)
    ship_all(container, order)
    login(client, "ann@example.com")
    page = client.get(f"/orders/{order}")
    assert f'href="/orders/{order}/confirm-receipt"' in page.text
    form = client.get(f"/orders/{order}/confirm-receipt")
    assert form.status_code == 200
    assert "Confirming receipt ends buyer protection." in form.text
    assert "no longer return this order or open a dispute" in form.text
    assert "If you do not confirm, protection runs until" in form.text
    assert f'action="/orders/{order}/confirm-receipt"' in form.text
    done = client.post(f"/orders/{order}/confirm-receipt", data={"csrf_token": csrf_from(form)})
    assert (done.status_code, done.headers["location"]) == (303, f"/orders/{order}")
    after = client.get(f"/orders/{order}")
    assert "you confirmed receipt and the order is completed" in after.text
    assert get_order(container, order).receipt_confirmed_at is not None
    again = client.get(f"/orders/{order}/confirm-receipt")
    assert "You confirmed receipt, so the order is completed." in again.text
    assert "Yes, confirm receipt" not in again.text
    twice = client.post(f"/orders/{order}/confirm-receipt", data={"csrf_token": csrf_from(again)})
    assert twice.status_code == 409
    assert "Receipt can be confirmed once the order has shipped" in twice.text


def test_before_shipment_and_after_protection(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    order = _world(container)
    login(client, "ann@example.com")
    page = client.get(f"/orders/{order}/confirm-receipt")
    assert "once the seller has shipped the order" in page.text
    assert "Yes, confirm receipt" not in page.text
    ship_all(container, order)
    ends = get_order(container, order).deadlines.protection_ends_at
    assert ends is not None
    clock.set(ends + timedelta(minutes=1))
    login(client, "ann@example.com")  # the earlier session has long expired
    form = client.get(f"/orders/{order}/confirm-receipt")
    assert "Buyer protection ended on" in form.text
    late = client.post(f"/orders/{order}/confirm-receipt", data={"csrf_token": csrf_from(form)})
    assert late.status_code == 409
    assert "Buyer protection ended on" in late.text


def test_others_do_not_see_the_page(client: TestClient, container: Container) -> None:
    order = _world(container)
    ship_all(container, order)
    login(client, "other@example.com")
    assert client.get(f"/orders/{order}/confirm-receipt").status_code == 404


def test_buyer_asks_for_more_time_and_the_seller_grants(
    client: TestClient, container: Container
) -> None:
    order = _world(container)
    ship_all(container, order)
    ends = get_order(container, order).deadlines.protection_ends_at
    assert ends is not None
    login(client, "ann@example.com")
    form = client.get(f"/orders/{order}/confirm-receipt")
    url = f"/orders/{order}/protection-extension"
    bad = client.post(url, data={"csrf_token": csrf_from(form), "days": "45", "reason": "x"})
    assert bad.status_code == 422
    assert "Choose between 1 and 30 days." in bad.text and 'aria-invalid="true"' in bad.text
    blank = client.post(url, data={"csrf_token": csrf_from(form), "days": "7", "reason": " "})
    assert blank.status_code == 422 and 'id="reason-error"' in blank.text
    sent = client.post(
        url, data={"csrf_token": csrf_from(form), "days": "7", "reason": "Travelling"}
    )
    assert (sent.status_code, sent.headers["location"]) == (303, f"/orders/{order}")
    waiting = client.get(f"/orders/{order}/confirm-receipt")
    assert "extend protection by 7 days. They have not answered yet." in waiting.text
    again = client.post(url, data={"csrf_token": csrf_from(form), "days": "3", "reason": "More"})
    assert again.status_code == 409

    login(client, "sam@example.com")
    page = client.get(f"/seller/orders/{order}")
    prefix = f"/seller/orders/{order}/protection-extension/"
    assert f'href="{prefix[:-1]}"' in page.text  # the panel's link
    request_page = client.get(prefix[:-1])
    assert request_page.status_code == 200
    request_id = int(request_page.text.split(f'action="{prefix}')[1].split("/")[0])
    assert "Travelling" in request_page.text and "by 7 days" in request_page.text
    granted = client.post(
        f"{prefix}{request_id}/grant", data={"csrf_token": csrf_from(request_page)}
    )
    assert (granted.status_code, granted.headers["location"]) == (303, f"/seller/orders/{order}")
    assert "Buyer protection extended" in client.get(f"/seller/orders/{order}").text
    assert get_order(container, order).deadlines.protection_ends_at == ends + timedelta(days=7)
    late = client.post(
        f"{prefix}{request_id}/decline", data={"csrf_token": csrf_from(request_page)}
    )
    assert late.status_code == 409 and "already been answered" in late.text
    assert (
        client.post(
            f"{prefix}{request_id + 1}/grant", data={"csrf_token": csrf_from(request_page)}
        ).status_code
        == 404
    )
    assert "has not asked for more protection" in client.get(prefix[:-1]).text


def test_the_seller_declines(client: TestClient, container: Container) -> None:
    order = _world(container)
    ship_all(container, order)
    ends = get_order(container, order).deadlines.protection_ends_at
    login(client, "ann@example.com")
    form = client.get(f"/orders/{order}/confirm-receipt")
    client.post(
        f"/orders/{order}/protection-extension",
        data={"csrf_token": csrf_from(form), "days": "2", "reason": "Late parcel"},
    )
    login(client, "sam@example.com")
    prefix = f"/seller/orders/{order}/protection-extension/"
    page = client.get(prefix[:-1])
    request_id = int(page.text.split(f'action="{prefix}')[1].split("/")[0])
    declined = client.post(f"{prefix}{request_id}/decline", data={"csrf_token": csrf_from(page)})
    assert declined.status_code == 303
    assert get_order(container, order).deadlines.protection_ends_at == ends
    assert prefix[:-1] not in client.get(f"/seller/orders/{order}").text
