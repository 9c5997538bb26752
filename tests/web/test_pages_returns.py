"""§4 the returns pages: the buyer's wizard (quote before confirming, photos kept and carried),
the return page with its steps and the buyer's actions, the seller's inbox and answers, support's
list of problems; another party gets 404; errors come back on the form by their field."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from fastapi.testclient import TestClient
from PIL import Image

from recourse.container import Container
from recourse.domain.roles import Role
from recourse.domain.shipment import CarrierEvent
from recourse.integrations.clock import FixedClock
from tests.factories import (
    carrier_event,
    get_order,
    make_order,
    make_store,
    make_user,
    pay,
    ship_all,
)
from tests.web.test_pages import csrf_from, login

RETURN_URL = re.compile(r"/orders/(\d+)/returns/(\d+)$")


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 40, 40)).save(out, format="PNG")
    return out.getvalue()


def _delivered(container: Container, **policy: object) -> int:
    store = make_store(container, name="Maison Lune", **policy)
    buyer = make_user(container, role=Role.buyer, email="ann@example.com", name="Ann")
    make_user(container, role=Role.seller, email="sam@example.com", store_ids=[store])
    make_user(container, role=Role.buyer, email="other@example.com")
    other_store = make_store(container, name="Elsewhere")
    make_user(container, role=Role.seller, email="olga@example.com", store_ids=[other_store])
    make_user(container, role=Role.support, email="sue@example.com")
    order = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order)
    carrier_event(container, ship_all(container, order), CarrierEvent.delivered)
    return order


def _line(container: Container, order: int) -> int:
    return get_order(container, order).lines[0].id


def _quote(client: TestClient, order: int, line: int, reason: str, **extra: object) -> object:
    form = client.get(f"/orders/{order}/return")
    data = {
        "csrf_token": csrf_from(form),
        f"qty-{line}": "1",
        "reason": reason,
        "description": "The shade is cracked.",
        **extra,
    }
    files = {"files": ("crack.png", _png(), "image/png")}
    return client.post(f"/orders/{order}/return/quote", data=data, files=files)


def _request(client: TestClient, container: Container, order: int, reason: str) -> int:
    login(client, "ann@example.com")
    quote = _quote(client, order, _line(container, order), reason)
    assert quote.status_code == 200, quote.text
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', quote.text))
    sent = client.post(f"/orders/{order}/return", data={**fields, "action": "confirm"})
    assert sent.status_code == 303, sent.text
    found = RETURN_URL.search(sent.headers["location"])
    assert found is not None
    return int(found.group(2))


def test_the_wizard_shows_what_can_go_back_and_the_reasons_by_category(
    client: TestClient, container: Container
) -> None:
    order = _delivered(container)
    login(client, "ann@example.com")
    page = client.get(f"/orders/{order}/return")
    assert page.status_code == 200
    assert "Desk lamp" in page.text
    assert 'max="2"' in page.text
    assert '<optgroup label="Changed my mind">' in page.text
    assert '<optgroup label="Not as described">' in page.text
    assert 'type="file" id="files" name="files" multiple' in page.text
    assert 'enctype="multipart/form-data"' in page.text
    login(client, "other@example.com")
    assert client.get(f"/orders/{order}/return").status_code == 404
    login(client, "sam@example.com")
    assert client.get(f"/orders/{order}/return").status_code == 404


def test_the_buyer_sees_the_quote_then_confirms_and_lands_on_the_return(
    client: TestClient, container: Container
) -> None:
    order = _delivered(container)
    login(client, "ann@example.com")
    quote = _quote(client, order, _line(container, order), "damaged")
    assert quote.status_code == 200, quote.text
    assert "Check and confirm" in quote.text
    assert "Total refund" in quote.text
    assert "crack.png" in quote.text
    assert "answers by" in quote.text
    return_id = _request(client, container, order, "damaged")
    page = client.get(f"/orders/{order}/returns/{return_id}")
    assert page.status_code == 200
    assert "Waiting for the seller" in page.text
    assert 'aria-current="step"' in page.text
    assert re.search(r'href="/files/\d+"', page.text)
    assert "Withdraw the return" in page.text
    order_page = client.get(f"/orders/{order}")
    assert f'href="/orders/{order}/returns/{return_id}"' in order_page.text


def test_errors_come_back_on_the_form(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    order = _delivered(container, return_window_days=14)
    line = _line(container, order)
    login(client, "ann@example.com")
    no_reason = _quote(client, order, line, "")
    assert no_reason.status_code == 422
    assert 'id="reason-error"' in no_reason.text
    too_many = _quote(client, order, line, "damaged", **{f"qty-{line}": "9"})
    assert too_many.status_code in (409, 422)
    assert f'id="qty-{line}-error"' in too_many.text
    form = client.get(f"/orders/{order}/return")
    bad_file = client.post(
        f"/orders/{order}/return/quote",
        data={"csrf_token": csrf_from(form), f"qty-{line}": "1", "reason": "damaged"},
        files={"files": ("photo.jpg", b"<html><script>x</script></html>", "image/jpeg")},
    )
    assert bad_file.status_code == 422
    assert 'id="files-error"' in bad_file.text
    clock.advance(timedelta(days=15))
    login(client, "ann@example.com")
    late = _quote(client, order, line, "wrong_size")
    assert late.status_code == 409
    assert 'id="reason-error"' in late.text


def test_seller_approves_buyer_ships_seller_confirms_and_the_buyer_is_refunded(
    client: TestClient, container: Container
) -> None:
    order = _delivered(container)
    return_id = _request(client, container, order, "damaged")

    login(client, "sam@example.com")
    inbox = client.get("/seller/returns")
    assert inbox.status_code == 200
    assert f"/seller/orders/{order}/returns/{return_id}" in inbox.text
    page = client.get(f"/seller/orders/{order}/returns/{return_id}")
    assert page.status_code == 200
    assert 'name="return_address"' in page.text
    missing = client.post(
        f"/seller/orders/{order}/returns/{return_id}/approve",
        data={"csrf_token": csrf_from(page), "return_address": " "},
    )
    assert missing.status_code == 422
    assert 'id="return_address-error"' in missing.text
    approved = client.post(
        f"/seller/orders/{order}/returns/{return_id}/approve",
        data={"csrf_token": csrf_from(page), "return_address": "Maison Lune\n1 Rue X\nParis"},
    )
    assert approved.status_code == 303

    login(client, "ann@example.com")
    page = client.get(f"/orders/{order}/returns/{return_id}")
    assert "1 Rue X" in page.text
    shipped = client.post(
        f"/orders/{order}/returns/{return_id}/ship",
        data={"csrf_token": csrf_from(page), "carrier": "DHL", "tracking_number": "RET123"},
    )
    assert shipped.status_code == 303

    login(client, "sam@example.com")
    page = client.get(f"/seller/orders/{order}/returns/{return_id}")
    assert "Confirm what came back" in page.text
    received = client.post(
        f"/seller/orders/{order}/returns/{return_id}/receive",
        data={"csrf_token": csrf_from(page), "condition": "ok"},
    )
    assert received.status_code == 303

    login(client, "ann@example.com")
    page = client.get(f"/orders/{order}/returns/{return_id}")
    assert "Your refund" in page.text
    assert 'href="/refunds"' in page.text


def test_an_offer_is_answered_by_the_buyer(client: TestClient, container: Container) -> None:
    order = _delivered(container)
    return_id = _request(client, container, order, "damaged")
    login(client, "sam@example.com")
    page = client.get(f"/seller/orders/{order}/returns/{return_id}")
    bad = client.post(
        f"/seller/orders/{order}/returns/{return_id}/offer",
        data={"csrf_token": csrf_from(page), "amount": "5,5x"},
    )
    assert bad.status_code == 422
    assert 'id="amount-error"' in bad.text
    offered = client.post(
        f"/seller/orders/{order}/returns/{return_id}/offer",
        data={"csrf_token": csrf_from(page), "amount": "5.00"},
    )
    assert offered.status_code == 303
    login(client, "ann@example.com")
    page = client.get(f"/orders/{order}/returns/{return_id}")
    assert "€5.00" in page.text
    accepted = client.post(
        f"/orders/{order}/returns/{return_id}/accept-offer",
        data={"csrf_token": csrf_from(page)},
    )
    assert accepted.status_code == 303
    after = client.get(f"/orders/{order}/returns/{return_id}")
    assert "Kept for a partial refund" in after.text


def test_a_problem_reaches_support_and_others_get_404(
    client: TestClient, container: Container
) -> None:
    order = _delivered(container)
    return_id = _request(client, container, order, "damaged")
    login(client, "sam@example.com")
    page = client.get(f"/seller/orders/{order}/returns/{return_id}")
    client.post(
        f"/seller/orders/{order}/returns/{return_id}/approve",
        data={"csrf_token": csrf_from(page), "return_address": "1 Rue X"},
    )
    login(client, "ann@example.com")
    page = client.get(f"/orders/{order}/returns/{return_id}")
    client.post(
        f"/orders/{order}/returns/{return_id}/ship",
        data={"csrf_token": csrf_from(page), "carrier": "DHL", "tracking_number": "RET1"},
    )
    login(client, "sam@example.com")
    page = client.get(f"/seller/orders/{order}/returns/{return_id}")
    problem = client.post(
        f"/seller/orders/{order}/returns/{return_id}/receive",
        data={"csrf_token": csrf_from(page), "condition": "problem", "note": "Box empty"},
        files={"files": ("empty.png", _png(), "image/png")},
    )
    assert problem.status_code == 303

    login(client, "sue@example.com")
    listed = client.get("/support/returns")
    assert listed.status_code == 200
    assert f"/support/orders/{order}/returns/{return_id}" in listed.text
    page = client.get(f"/support/orders/{order}/returns/{return_id}")
    assert page.status_code == 200
    assert "Box empty" in page.text
    # R4: the problem opened the return's dispute, at support already; the seller's report is
    # named as theirs, and their column says why it has no proposal
    with container.uow() as uow:
        (dispute,) = uow.disputes.for_order(order)
    assert dispute.opened_on_problem
    case = client.get(f"/support/disputes/{dispute.id}")
    assert case.status_code == 200
    assert "What the seller found in the returned parcel" in case.text
    assert "Reported a problem with the returned item instead of refunding it" in case.text
    login(client, "ann@example.com")
    mine = client.get(f"/orders/{order}/disputes/{dispute.id}")
    assert "What the seller found in the returned parcel" in mine.text
    assert "Box empty" in mine.text

    login(client, "other@example.com")
    assert client.get(f"/orders/{order}/returns/{return_id}").status_code == 404
    login(client, "olga@example.com")
    assert client.get(f"/seller/orders/{order}/returns/{return_id}").status_code == 404
    assert f"/returns/{return_id}" not in client.get("/seller/returns").text


def test_a_refused_parcel_opens_a_return_the_buyer_explains_and_the_seller_confirms(
    client: TestClient, container: Container
) -> None:
    store = make_store(container, name="Maison Lune")
    buyer = make_user(container, role=Role.buyer, email="ann@example.com")
    make_user(container, role=Role.seller, email="sam@example.com", store_ids=[store])
    order = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order)
    carrier_event(container, ship_all(container, order), CarrierEvent.refused)

    login(client, "ann@example.com")
    order_page = client.get(f"/orders/{order}")
    found = re.search(rf'href="/orders/{order}/returns/(\d+)"', order_page.text)
    assert found is not None, "the order page lists the parcel's return"
    return_id = int(found.group(1))
    page = client.get(f"/orders/{order}/returns/{return_id}")
    assert "Parcel on its way back" in page.text
    assert "Why did the parcel come back?" in page.text
    assert "Withdraw the return" not in page.text
    given = client.post(
        f"/orders/{order}/returns/{return_id}/reason",
        data={"csrf_token": csrf_from(page), "reason": "damaged"},
    )
    assert given.status_code == 303
    assert "Why did the parcel come back?" not in client.get(given.headers["location"]).text

    login(client, "sam@example.com")
    inbox = client.get("/seller/returns")
    assert "Parcel refused or sent back" in inbox.text
    page = client.get(f"/seller/orders/{order}/returns/{return_id}")
    assert "The parcel is back" in page.text
    back = client.post(
        f"/seller/orders/{order}/returns/{return_id}/parcel-back",
        data={"csrf_token": csrf_from(page)},
    )
    assert back.status_code == 303

    login(client, "ann@example.com")
    page = client.get(f"/orders/{order}/returns/{return_id}")
    assert "Your refund" in page.text


def test_the_buyer_declines_an_offer_then_withdraws_and_a_mismatched_address_is_404(
    client: TestClient, container: Container
) -> None:
    order = _delivered(container)
    return_id = _request(client, container, order, "damaged")
    login(client, "sam@example.com")
    page = client.get(f"/seller/orders/{order}/returns/{return_id}")
    client.post(
        f"/seller/orders/{order}/returns/{return_id}/offer",
        data={"csrf_token": csrf_from(page), "amount": "5.00"},
    )
    login(client, "ann@example.com")
    page = client.get(f"/orders/{order}/returns/{return_id}")
    declined = client.post(
        f"/orders/{order}/returns/{return_id}/decline-offer",
        data={"csrf_token": csrf_from(page)},
    )
    assert declined.status_code == 303
    page = client.get(f"/orders/{order}/returns/{return_id}")
    assert "Waiting for the seller" in page.text
    again = client.post(
        f"/orders/{order}/returns/{return_id}/accept-offer",
        data={"csrf_token": csrf_from(page)},
    )
    assert again.status_code == 409
    assert 'class="form-error"' in again.text
    withdrawn = client.post(
        f"/orders/{order}/returns/{return_id}/withdraw",
        data={"csrf_token": csrf_from(page)},
    )
    assert withdrawn.status_code == 303
    assert "You withdrew this return." in client.get(withdrawn.headers["location"]).text

    login(client, "sam@example.com")
    page = client.get(f"/seller/orders/{order}/returns/{return_id}")
    assert "Approve the return" not in page.text
    placed = get_order(container, order)
    other = make_order(container, buyer_id=placed.buyer_id, store_id=placed.store_id)
    assert client.get(f"/seller/orders/{other}/returns/{return_id}").status_code == 404
