"""§5 the dispute pages: the buyer's form (the kinds the guide opens, the closed ones with why,
the amount in the order's currency, a photo) and the dispute's page with its steps, proposals,
support's questions and decision with its rationale; the sellers' list and answers as forms;
the order pages list the order's disputes; another party gets 404; errors come back on the
form by their field."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from fastapi.testclient import TestClient
from PIL import Image

from recourse.container import Container
from recourse.domain.returns import ReturnLine
from recourse.domain.roles import Role
from recourse.domain.shipment import CarrierEvent
from recourse.integrations.clock import FixedClock
from recourse.services import disputes
from recourse.services import returns as return_services
from tests.factories import (
    actor_of,
    carrier_event,
    get_order,
    make_order,
    make_store,
    make_user,
    pay,
    ship_all,
)
from tests.web.test_pages import csrf_from, login
from tests.web.test_pages_cancellations import (
    BUYER,
    SELLER,
    pending_id,
    request_cancellation,
)

DISPUTE_URL = re.compile(r"/orders/(\d+)/disputes/(\d+)$")


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 40, 40)).save(out, format="PNG")
    return out.getvalue()


class People:
    def __init__(self, container: Container) -> None:
        store = make_store(container, name="Maison Lune")
        self.buyer = make_user(container, role=Role.buyer, email="ann@example.com", name="Ann")
        self.seller = make_user(
            container, role=Role.seller, email="sam@example.com", store_ids=[store]
        )
        make_user(container, role=Role.buyer, email="other@example.com")
        other_store = make_store(container, name="Elsewhere")
        make_user(container, role=Role.seller, email="olga@example.com", store_ids=[other_store])
        self.agent = make_user(container, role=Role.support, email="sue@example.com")
        self.other_agent = make_user(container, role=Role.support, email="sid@example.com")
        self.order = make_order(container, buyer_id=self.buyer, store_id=store)
        pay(container, self.order)
        carrier_event(container, ship_all(container, self.order), CarrierEvent.delivered)


def _open(client: TestClient, order: int, **fields: str) -> object:
    form = client.get(f"/orders/{order}/dispute")
    data = {
        "csrf_token": csrf_from(form),
        "type": "not_as_described",
        "wanted": "full_refund",
        "description": "The shade arrived cracked.",
        **fields,
    }
    files = {"files": ("crack.png", _png(), "image/png")}
    return client.post(f"/orders/{order}/dispute", data=data, files=files)


def _opened(client: TestClient, p: People) -> int:
    login(client, "ann@example.com")
    sent = _open(client, p.order)
    assert sent.status_code == 303, sent.text  # type: ignore[attr-defined]
    found = DISPUTE_URL.search(sent.headers["location"])  # type: ignore[attr-defined]
    assert found is not None
    return int(found.group(2))


def test_the_buyer_opens_a_dispute_with_a_photo_and_lands_on_it(
    client: TestClient, container: Container
) -> None:
    p = People(container)
    login(client, "ann@example.com")
    form = client.get(f"/orders/{p.order}/dispute")
    assert form.status_code == 200
    assert 'value="not_as_described"' in form.text
    assert "Not received" in form.text  # closed: said with why
    assert 'type="file" id="dispute-files" name="files" multiple' in form.text
    dispute_id = _opened(client, p)
    page = client.get(f"/orders/{p.order}/disputes/{dispute_id}")
    assert page.status_code == 200
    assert "Waiting for the seller" in page.text
    assert 'aria-current="step"' in page.text
    assert re.search(r'href="/files/\d+"', page.text)
    assert "The shade arrived cracked." in page.text
    assert "Withdraw the dispute" in page.text
    order_page = client.get(f"/orders/{p.order}")
    assert f'href="/orders/{p.order}/disputes/{dispute_id}"' in order_page.text
    # one open dispute per order: the form points to it
    again = client.get(f"/orders/{p.order}/dispute")
    assert f'href="/orders/{p.order}/disputes/{dispute_id}"' in again.text


def test_the_form_comes_back_with_the_field_that_is_wrong(
    client: TestClient, container: Container
) -> None:
    p = People(container)
    login(client, "ann@example.com")
    no_text = _open(client, p.order, description="  ")
    assert no_text.status_code == 422  # type: ignore[attr-defined]
    assert 'id="description-error"' in no_text.text  # type: ignore[attr-defined]
    floaty = _open(client, p.order, wanted="partial_refund", amount="12.345")
    assert floaty.status_code == 422  # type: ignore[attr-defined]
    assert 'id="amount-error"' in floaty.text  # type: ignore[attr-defined]
    too_much = _open(client, p.order, wanted="partial_refund", amount="99999")
    assert too_much.status_code == 409  # type: ignore[attr-defined]
    assert 'id="amount-error"' in too_much.text  # type: ignore[attr-defined]
    closed = _open(client, p.order, type="not_received")
    assert closed.status_code == 409  # type: ignore[attr-defined]
    assert 'id="type-error"' in closed.text  # type: ignore[attr-defined]


def test_the_seller_counters_the_buyer_escalates_support_asks_and_decides(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    p = People(container)
    dispute_id = _opened(client, p)
    login(client, "sam@example.com")
    listed = client.get("/seller/disputes")
    assert listed.status_code == 200
    assert f'href="/seller/orders/{p.order}/disputes/{dispute_id}"' in listed.text
    url = f"/seller/orders/{p.order}/disputes/{dispute_id}"
    page = client.get(url)
    assert "Accept the buyer's request" in page.text
    countered = client.post(
        f"{url}/respond",
        data={
            "csrf_token": csrf_from(page),
            "answer": "counter",
            "wanted": "partial_refund",
            "amount": "10.00",
            "note": "A small scratch; happy to refund part.",
        },
    )
    assert countered.status_code == 303, countered.text

    login(client, "ann@example.com")
    mine = f"/orders/{p.order}/disputes/{dispute_id}"
    page = client.get(mine)
    assert "The seller's proposal" in page.text
    assert "A small scratch; happy to refund part." in page.text
    escalated = client.post(f"{mine}/escalate", data={"csrf_token": csrf_from(page)})
    assert escalated.status_code == 303
    assert "With support" in client.get(mine).text

    support = actor_of(container, p.agent)
    disputes.assign(container.uow(), container.ctx, actor=support, dispute_id=dispute_id)
    disputes.request_info(
        container.uow(),
        container.ctx,
        actor=support,
        dispute_id=dispute_id,
        party="buyer",
        question="Can you send a photo of the whole lamp?",
        due_at=clock.now() + timedelta(days=2),
    )
    page = client.get(mine)
    assert "Can you send a photo of the whole lamp?" in page.text
    answered = client.post(
        f"{mine}/answer-info",
        data={
            "csrf_token": csrf_from(page),
            "request_id": re.search(r'name="request_id" value="(\d+)"', page.text).group(1),  # type: ignore[union-attr]
            "answer": "Here it is.",
        },
        files={"files": ("lamp.png", _png(), "image/png")},
    )
    assert answered.status_code == 303, answered.text
    assert "Here it is." in client.get(mine).text

    disputes.decide(
        container.uow(),
        container.ctx,
        actor=support,
        dispute_id=dispute_id,
        outcome="partial_refund",
        amount=1500,
        rationale="The photos show a cracked shade; half the lamp's price is fair.",
    )
    page = client.get(mine)
    assert "The photos show a cracked shade; half the lamp&#39;s price is fair." in page.text
    assert "Your refund" in page.text
    login(client, "sam@example.com")
    assert "half the lamp&#39;s price is fair." in client.get(url).text


def test_another_party_gets_404(client: TestClient, container: Container) -> None:
    p = People(container)
    dispute_id = _opened(client, p)
    login(client, "other@example.com")
    assert client.get(f"/orders/{p.order}/disputes/{dispute_id}").status_code == 404
    assert client.get(f"/orders/{p.order}/dispute").status_code == 404
    login(client, "olga@example.com")
    assert client.get(f"/seller/orders/{p.order}/disputes/{dispute_id}").status_code == 404
    assert f"Dispute #{dispute_id}" not in client.get("/seller/disputes").text
    login(client, "sam@example.com")
    assert client.get(f"/orders/{p.order}/disputes/{dispute_id}").status_code == 404
    # a dispute under another order's address
    assert client.get(f"/seller/orders/{p.order + 1000}/disputes/{dispute_id}").status_code == 404


def test_a_refused_cancellation_is_escalated_from_its_card_with_the_kind_chosen(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    order = request_cancellation(client, container, clock)
    cancellation = pending_id(container, order)
    login(client, SELLER)
    page = client.get(f"/seller/orders/{order}")
    rejected = client.post(
        f"/seller/orders/{order}/cancellations/{cancellation}/reject",
        data={
            "csrf_token": csrf_from(page),
            "reason": "already_shipped",
            "carrier": "DHL",
            "tracking_number": "JJD42",
            "note": "",
        },
    )
    assert rejected.status_code == 303
    login(client, BUYER)
    link = f"/orders/{order}/dispute?type=cancellation_refused:{cancellation}"
    assert f'href="{link}"' in client.get(f"/orders/{order}").text
    form = client.get(link)
    assert form.status_code == 200
    assert re.search(rf'value="cancellation_refused:{cancellation}" required checked', form.text), (
        form.text
    )
    sent = client.post(
        f"/orders/{order}/dispute",
        data={
            "csrf_token": csrf_from(form),
            "type": f"cancellation_refused:{cancellation}",
            "wanted": "full_refund",
            "description": "Nothing was ever scanned by DHL.",
        },
    )
    assert sent.status_code == 303, sent.text
    page = client.get(sent.headers["location"])
    assert "Cancellation refused" in page.text
    # the guide's paths on the order page lead to the dispute's forms
    order_page = client.get(f"/orders/{order}").text
    assert "#withdraw" in order_page or "Withdraw the dispute" in order_page
    login(client, SELLER)
    seller_page = client.get(f"/seller/orders/{order}").text
    assert re.search(rf'href="/seller/orders/{order}/disputes/\d+#respond"', seller_page)


def test_the_seller_accepts_and_both_see_the_refund_it_made(
    client: TestClient, container: Container
) -> None:
    p = People(container)
    dispute_id = _opened(client, p)
    login(client, "sam@example.com")
    url = f"/seller/orders/{p.order}/disputes/{dispute_id}"
    page = client.get(url)
    accepted = client.post(
        f"{url}/respond", data={"csrf_token": csrf_from(page), "answer": "accept"}
    )
    assert accepted.status_code == 303, accepted.text
    page = client.get(url)
    assert "Resolved" in page.text
    assert "Refunds from this dispute" in page.text
    assert "Your answer" not in page.text  # nothing left to answer
    assert f"Dispute #{dispute_id}" not in client.get("/seller/disputes").text
    login(client, "ann@example.com")
    page = client.get(f"/orders/{p.order}/disputes/{dispute_id}")
    assert "Your refund" in page.text
    assert "The seller accepted the buyer" in page.text


def test_the_sellers_silence_reads_as_carried_out_without_the_worker(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    p = People(container)
    dispute_id = _opened(client, p)
    clock.advance(timedelta(days=30))
    login(client, "sam@example.com")
    url = f"/seller/orders/{p.order}/disputes/{dispute_id}"
    page = client.get(url)
    assert "No answer in time" in page.text
    assert 'action="' + url + '/respond"' not in page.text
    late = client.post(f"{url}/respond", data={"csrf_token": csrf_from(page), "answer": "accept"})
    assert late.status_code == 409
    assert "carried out automatically" in late.text


def test_the_buyer_withdraws_and_an_empty_proposal_comes_back_with_its_field(
    client: TestClient, container: Container
) -> None:
    p = People(container)
    dispute_id = _opened(client, p)
    login(client, "sam@example.com")
    url = f"/seller/orders/{p.order}/disputes/{dispute_id}"
    page = client.get(url)
    no_amount = client.post(
        f"{url}/respond",
        data={"csrf_token": csrf_from(page), "answer": "counter", "wanted": "partial_refund"},
    )
    assert no_amount.status_code == 422
    assert 'id="amount-error"' in no_amount.text
    client.post(
        f"{url}/respond",
        data={
            "csrf_token": csrf_from(page),
            "answer": "counter",
            "wanted": "return_and_refund",
        },
    )
    login(client, "ann@example.com")
    mine = f"/orders/{p.order}/disputes/{dispute_id}"
    page = client.get(mine)
    assert "Make a new proposal" in page.text
    no_want = client.post(f"{mine}/propose", data={"csrf_token": csrf_from(page)})
    assert no_want.status_code == 422
    assert 'id="wanted-error"' in no_want.text
    gone = client.post(f"{mine}/withdraw", data={"csrf_token": csrf_from(page)})
    assert gone.status_code == 303
    page = client.get(mine)
    assert "The buyer withdrew the dispute." in page.text
    assert "Withdraw the dispute" not in page.text


def test_a_party_adds_evidence_to_an_open_dispute(client: TestClient, container: Container) -> None:
    p = People(container)
    dispute_id = _opened(client, p)
    login(client, "sam@example.com")
    url = f"/seller/orders/{p.order}/disputes/{dispute_id}"
    page = client.get(url)
    none = client.post(f"{url}/evidence", data={"csrf_token": csrf_from(page)})
    assert none.status_code == 422
    assert 'id="files-error"' in none.text
    added = client.post(
        f"{url}/evidence",
        data={"csrf_token": csrf_from(page)},
        files={"files": ("label.png", _png(), "image/png")},
    )
    assert added.status_code == 303, added.text
    assert "Photo: label.png" in client.get(url).text


def test_the_buyer_appeals_and_a_second_agent_decides_the_appeal(
    client: TestClient, container: Container
) -> None:
    p = People(container)
    dispute_id = _opened(client, p)
    mine = f"/orders/{p.order}/disputes/{dispute_id}"
    page = client.get(mine)
    client.post(f"{mine}/escalate", data={"csrf_token": csrf_from(page)})
    agent, other_agent = actor_of(container, p.agent), actor_of(container, p.other_agent)
    disputes.assign(container.uow(), container.ctx, actor=agent, dispute_id=dispute_id)
    disputes.decide(
        container.uow(),
        container.ctx,
        actor=agent,
        dispute_id=dispute_id,
        outcome="no_refund",
        rationale="The listing said the shade may vary.",
    )
    page = client.get(mine)
    assert "The listing said the shade may vary." in page.text
    assert "Appeal until" in page.text
    no_reason = client.post(f"{mine}/appeal", data={"csrf_token": csrf_from(page), "reason": ""})
    assert no_reason.status_code == 422
    assert 'id="reason-error"' in no_reason.text
    appealed = client.post(
        f"{mine}/appeal", data={"csrf_token": csrf_from(page), "reason": "It is cracked."}
    )
    assert appealed.status_code == 303, appealed.text
    page = client.get(mine)
    assert "A different support agent looks at the appeal" in page.text
    assert "Send the appeal" not in page.text
    disputes.assign(container.uow(), container.ctx, actor=other_agent, dispute_id=dispute_id)
    disputes.decide(
        container.uow(),
        container.ctx,
        actor=other_agent,
        dispute_id=dispute_id,
        outcome="full_refund",
        rationale="On a second look the photo shows a crack.",
    )
    page = client.get(mine)
    assert "Support&#39;s decision on the appeal" in page.text or (
        "Support's decision on the appeal" in page.text
    )
    assert "On a second look the photo shows a crack." in page.text
    assert "The listing said the shade may vary." in page.text
    assert "Your refund" in page.text


def test_a_declined_return_is_escalated_from_its_page_with_the_kind_chosen(
    client: TestClient, container: Container
) -> None:
    p = People(container)
    line = get_order(container, p.order).lines[0].id
    return_id = return_services.request_return(
        container.uow(),
        container.ctx,
        actor=actor_of(container, p.buyer),
        order_id=p.order,
        lines=[ReturnLine(line, 1)],
        reason="damaged",
        description="Cracked shade.",
    )
    return_services.decline_return(
        container.uow(),
        container.ctx,
        actor=actor_of(container, p.seller),
        return_id=return_id,
        reason="It was fine when it left.",
    )
    login(client, "ann@example.com")
    link = f"/orders/{p.order}/dispute?type=return_refused:{return_id}"
    assert f'href="{link}"' in client.get(f"/orders/{p.order}/returns/{return_id}").text
    form = client.get(link)
    assert f'value="return_refused:{return_id}" required checked' in form.text
