"""Bad input: refused with a 4xx, never a 5xx, and nothing written.

The cases share one world (they are all refusals) and compare the row count of every table
before and after, so a refusal that still wrote something (or a crash half-way) shows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from recourse.db.models import Base
from tests.reliability.access import AWAY, PARTIES, RULES, SUCCESS, Rule, page_client
from tests.reliability.conftest import Seeded
from tests.reliability.world import World

BEYOND_64_BITS = 2**63
RIGHT_PARTIES = ("operator", "support", "seller", "buyer")
TWO_MB = 2 * 1024 * 1024
# Every `{..._id}` in a route is a whole number; new routes (returns, disputes) join by name.
INT_IDS = re.compile(r"\{\w+_id\}")


def row_counts(seeded: Seeded) -> dict[str, int]:
    with seeded.container.read_session() as session:
        return {
            table.name: int(session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
        }


def an_order(w: World, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "buyer_id": w.users["buyer"],
        "store_id": w.store,
        "currency": "EUR",
        "shipping_fee": 499,
        "payment_method": "card",
        "lines": [{"sku": "MUG-1", "title": "Mug", "unit_price": 1200, "quantity": 1}],
    }
    return {**body, **changes}


def a_line(**changes: Any) -> dict[str, Any]:
    return {"sku": "MUG-1", "title": "Mug", "unit_price": 1200, "quantity": 1, **changes}


@dataclass(frozen=True)
class Bad:
    """One bad request: who sends it, where, what it carries, and the answers allowed."""

    name: str
    party: str
    method: str
    url: Callable[[World], str]
    send: Callable[[World], dict[str, Any]]
    allowed: frozenset[int]
    page: bool = False

    @property
    def id(self) -> str:
        return self.name


def api(
    name: str,
    method: str,
    url: Callable[[World], str],
    send: Callable[[World], dict[str, Any]],
    allowed: frozenset[int] | set[int] = frozenset({422}),
    party: str = "operator",
) -> Bad:
    return Bad(name, party, method, url, send, frozenset(allowed))


def page(
    name: str,
    party: str,
    url: Callable[[World], str],
    form: Callable[[World], dict[str, str]],
    allowed: frozenset[int] | set[int] = frozenset({422}),
) -> Bad:
    return Bad(name, party, "POST", url, lambda w: {"data": form(w)}, frozenset(allowed), True)


def raw(body: bytes | str, content_type: str = "application/json") -> dict[str, Any]:
    return {"content": body, "headers": {"content-type": content_type}}


def orders(w: World) -> str:
    return "/api/v1/orders"


def manual_refund(w: World) -> str:
    return f"/api/v1/orders/{w.shipped_order}/refunds"


def refund_form(w: World) -> str:
    return f"/support/orders/{w.shipped_order}/refunds"


def cancel_form(w: World) -> str:
    return f"/orders/{w.unpaid_order}/cancel"


def padded_order(w: World) -> dict[str, Any]:
    """A valid order, made 2 MB long with whitespace JSON allows."""
    text = json.dumps(an_order(w))
    return raw(text + " " * (TWO_MB - len(text)))


def nested(depth: int) -> str:
    return '{"lines":' * depth + "[]" + "}" * depth


SIZE_AND_SHAPE = [
    # With no limit on the body, a valid order of any size is read, parsed and stored.
    api("a 2 MB order is too large", "POST", orders, padded_order, {413}),
    api(
        "a 2 MB line title",
        "POST",
        orders,
        lambda w: {"json": an_order(w, lines=[a_line(title="x" * TWO_MB)])},
        {413, 422},
    ),
    api(
        "501 lines (500 is the limit)",
        "POST",
        orders,
        lambda w: {
            "json": an_order(w, lines=[a_line(sku=f"SKU-{i}") for i in range(501)]),
        },
    ),
    api("JSON nested 100 000 deep", "POST", orders, lambda w: raw(nested(100_000)), {413, 422}),
    api(
        "JSON sent as text/plain",
        "POST",
        orders,
        lambda w: raw(json.dumps(an_order(w)), "text/plain"),
        {415, 422},
    ),
    api(
        "a form instead of JSON",
        "POST",
        orders,
        lambda w: {"data": {"buyer_id": str(w.users["buyer"])}},
        {415, 422},
    ),
    api(
        "bytes that are not UTF-8",
        "POST",
        orders,
        lambda w: raw(b'{"buyer_id": 1, "currency": "\xff\xfe\xfd"}'),
    ),
    api("not JSON at all", "POST", orders, lambda w: raw(b"buyer_id=1&")),
]

MONEY = [
    api(
        "a negative unit price",
        "POST",
        orders,
        lambda w: {"json": an_order(w, lines=[a_line(unit_price=-1)])},
    ),
    api(
        "a fractional unit price",
        "POST",
        orders,
        lambda w: {"json": an_order(w, lines=[a_line(unit_price=12.5)])},
    ),
    api(
        "a price as a string",
        "POST",
        orders,
        lambda w: {"json": an_order(w, lines=[a_line(unit_price="1200")])},
    ),
    api(
        "a negative shipping fee",
        "POST",
        orders,
        lambda w: {"json": an_order(w, shipping_fee=-499)},
    ),
    api(
        "a negative discount",
        "POST",
        orders,
        lambda w: {"json": an_order(w, lines=[a_line(discount=-100)])},
    ),
    api(
        "a negative tax",
        "POST",
        orders,
        lambda w: {"json": an_order(w, lines=[a_line(tax=-100)])},
    ),
    api(
        "a zero quantity",
        "POST",
        orders,
        lambda w: {"json": an_order(w, lines=[a_line(quantity=0)])},
    ),
    api(
        "a negative refund",
        "POST",
        manual_refund,
        lambda w: {"json": {"amount": -100, "reason": "goodwill"}},
        party="support",
    ),
    api(
        "a fractional refund",
        "POST",
        manual_refund,
        lambda w: {"json": {"amount": 1.5, "reason": "goodwill"}},
        party="support",
    ),
    api(
        "a refund of nothing",
        "POST",
        manual_refund,
        lambda w: {"json": {"amount": 0, "reason": "goodwill"}},
        party="support",
    ),
    page(
        "a negative refund typed by support",
        "support",
        refund_form,
        lambda w: {"amount": "-5", "reason": "goodwill", "currency": "EUR"},
    ),
    page(
        "more decimals than EUR has",
        "support",
        refund_form,
        lambda w: {"amount": "1.234", "reason": "goodwill", "currency": "EUR"},
    ),
    page(
        "an amount in exponent notation",
        "support",
        refund_form,
        lambda w: {"amount": "1e3", "reason": "goodwill", "currency": "EUR"},
    ),
    page(
        "a negative quantity to ship",
        "seller",
        lambda w: f"/seller/orders/{w.shipped_order}/shipments",
        lambda w: {
            "carrier": "DHL",
            "tracking_number": "JJD0000000009",
            f"qty-{w.unshipped_line}": "-1",
        },
    ),
]

LONG_TEXT = [
    page(
        "a 10 000-character note on the buyer's cancel form",
        "buyer",
        cancel_form,
        lambda w: {"reason": "other", "note": "x" * 10_000},
    ),
    page(
        "a 10 000-character note on the buyer's cancel quote",
        "buyer",
        lambda w: f"/orders/{w.unpaid_order}/cancel/quote",
        lambda w: {"reason": "other", "note": "x" * 10_000},
    ),
    page(
        "a 10 000-character note on the seller's cancel form",
        "seller",
        lambda w: f"/seller/orders/{w.shipped_order}/cancel",
        lambda w: {
            "reason": "out_of_stock",
            "note": "x" * 10_000,
            f"cancel-qty-{w.unshipped_line}": "1",
        },
    ),
    page(
        "a 10 000-character note rejecting a request",
        "seller",
        lambda w: f"/seller/orders/{w.requested_order}/cancellations/{w.request}/reject",
        lambda w: {"reason": "other", "note": "x" * 10_000},
    ),
    page(
        "a 10 000-character note on a support refund",
        "support",
        refund_form,
        lambda w: {"amount": "1.00", "reason": "goodwill", "note": "x" * 10_000},
    ),
    page(
        "a 3 MB form field",
        "seller",
        lambda w: f"/seller/orders/{w.shipped_order}/shipments",
        lambda w: {"carrier": "D" * 3_000_000, "tracking_number": "JJD0000000009"},
        {400, 413, 422},
    ),
]

# Text a database cannot store (PostgreSQL refuses a NUL; both refuse a lone surrogate), and
# numbers past a 32-bit column, once stored on SQLite and failed on PostgreSQL.
UNSTORABLE = [
    api(
        "a NUL in a line title",
        "POST",
        orders,
        lambda w: {"json": an_order(w, lines=[a_line(title="Mug\x00")])},
    ),
    api(
        "a lone surrogate in a line title",
        "POST",
        orders,
        lambda w: raw(json.dumps(an_order(w, lines=[a_line(title="Mug\ud800")]))),
    ),
    api(
        "a quantity past 32 bits",
        "POST",
        orders,
        lambda w: {"json": an_order(w, lines=[a_line(quantity=2**31)])},
    ),
    api(
        "a reason for a refund that is not in the catalogue",
        "POST",
        manual_refund,
        lambda w: {"json": {"amount": 100, "reason": "because I said so"}},
        party="support",
    ),
    page(
        "a NUL in a tracking number typed by a seller",
        "seller",
        lambda w: f"/seller/orders/{w.shipped_order}/shipments",
        lambda w: {
            "carrier": "DHL",
            "tracking_number": "JJD\x000009",
            f"qty-{w.unshipped_line}": "1",
        },
    ),
    page(
        "a NUL in the note of a support refund",
        "support",
        refund_form,
        lambda w: {"amount": "1.00", "reason": "goodwill", "note": "ok\x00", "currency": "EUR"},
    ),
    page(
        "a NUL in the note of the buyer's cancel form",
        "buyer",
        cancel_form,
        lambda w: {"reason": "other", "note": "changed my mind\x00"},
    ),
]


def right_party(rule: Rule) -> str:
    """A party the rule lets through, so the request reaches the database: the one who sees
    most, answered (2xx) rather than sent to their own page if there is such a one; or one a
    rule of the seeded world answers 409 (the request got past the door to the rules), 422
    (past the door, but the world's body is not a whole request) or, last, 404 (the world holds
    nothing of the kind for anyone)."""
    outcomes = dict(zip(PARTIES, rule.expect, strict=True))
    allowed = (
        [party for party in RIGHT_PARTIES if outcomes[party] in SUCCESS]
        or [party for party in RIGHT_PARTIES if outcomes[party] == 409]
        # past the door but the world's body is not enough (an upload with no file)
        or [party for party in RIGHT_PARTIES if outcomes[party] == 422]
        # the door lets them look, but the world holds nothing for them to find (a question
        # nobody asked): a number beyond 64 bits must still be a clean 404 or 422
        or [party for party in RIGHT_PARTIES if outcomes[party] == 404]
    )
    return min(allowed, key=lambda party: outcomes[party] == AWAY)


def huge_ids(rule: Rule) -> Bad:
    path = INT_IDS.sub(str(BEYOND_64_BITS), rule.path)
    form_or_json = "data" if not rule.path.startswith("/api/") else "json"
    return Bad(
        f"{rule.method} {rule.path} with ids beyond 64 bits",
        right_party(rule),
        rule.method,
        lambda w: path,
        lambda w: {form_or_json: rule.body(w, right_party(rule)) if rule.body else None},
        frozenset({404, 422}),
        not rule.path.startswith("/api/"),
    )


def query(name: str, party: str, url: str, pages: bool = False) -> Bad:
    return Bad(name, party, "GET", lambda w: url, lambda w: {}, frozenset({200, 422}), pages)


BIG = BEYOND_64_BITS
NUMBERS_BEYOND_64_BITS = [
    *(huge_ids(rule) for rule in RULES if INT_IDS.search(rule.path)),
    query("a cursor beyond 64 bits", "operator", f"/api/v1/orders?cursor={BIG}"),
    query("a store filter beyond 64 bits", "operator", f"/api/v1/orders?store_id={BIG}"),
    query("a buyer filter beyond 64 bits", "operator", f"/api/v1/orders?buyer_id={BIG}"),
    query("a refunds cursor beyond 64 bits", "operator", f"/api/v1/refunds?cursor={BIG}"),
    query(
        "an endpoints cursor beyond 64 bits", "operator", f"/api/v1/webhook-endpoints?cursor={BIG}"
    ),
    query("the buyer's orders cursor beyond 64 bits", "buyer", f"/orders?cursor={BIG}", True),
    query(
        "the seller's orders cursor beyond 64 bits", "seller", f"/seller/orders?cursor={BIG}", True
    ),
    query("support's store filter beyond 64 bits", "support", f"/support/orders?store={BIG}", True),
    query("the refunds cursor beyond 64 bits", "buyer", f"/refunds?cursor={BIG}", True),
    query("the notifications cursor beyond 64 bits", "buyer", f"/notifications?cursor={BIG}", True),
    api("a buyer id beyond 64 bits", "POST", orders, lambda w: {"json": an_order(w, buyer_id=BIG)}),
    api("a store id beyond 64 bits", "POST", orders, lambda w: {"json": an_order(w, store_id=BIG)}),
    api(
        "a unit price beyond 64 bits",
        "POST",
        orders,
        lambda w: {"json": an_order(w, lines=[a_line(unit_price=BIG)])},
    ),
    api(
        "a line total beyond 64 bits",
        "POST",
        orders,
        lambda w: {"json": an_order(w, lines=[a_line(unit_price=2**62, quantity=4)])},
    ),
    api(
        "a quantity beyond 64 bits",
        "POST",
        orders,
        lambda w: {"json": an_order(w, lines=[a_line(quantity=BIG)])},
    ),
    api(
        "a tax beyond 64 bits",
        "POST",
        orders,
        lambda w: {"json": an_order(w, lines=[a_line(tax=BIG)])},
    ),
    api(
        "a shipping fee beyond 64 bits",
        "POST",
        orders,
        lambda w: {"json": an_order(w, shipping_fee=BIG)},
    ),
    api(
        "a seller's store beyond 64 bits",
        "POST",
        lambda w: "/api/v1/users",
        lambda w: {
            "json": {
                "email": "new.seller@rel.example",
                "name": "New",
                "role": "seller",
                "country": "DE",
                "store_ids": [BIG],
            }
        },
    ),
    api(
        "a sandbox outage beyond 64 bits",
        "PUT",
        lambda w: "/api/v1/gateway/sandbox/settings",
        lambda w: {"json": {"fail_next": BIG}},
    ),
    page(
        "notifications read up to an id beyond 64 bits",
        "buyer",
        lambda w: "/notifications/read-all",
        lambda w: {"up_to": str(BIG)},
        {303, 422},
    ),
]


Sender = tuple[TestClient, str]


@pytest.fixture(scope="module")
def senders(shared: Seeded) -> dict[tuple[str, bool], Sender]:
    """Each party's browser (signed in, with its CSRF token) or API client, made when first
    needed; a 5xx is an answer like any other."""

    class Senders(dict[tuple[str, bool], Sender]):
        def __missing__(self, key: tuple[str, bool]) -> Sender:
            party, page = key
            made = self[key] = (
                page_client(shared.app, shared.world, party, raise_server_exceptions=False)
                if page
                else (
                    TestClient(
                        shared.app,
                        follow_redirects=False,
                        raise_server_exceptions=False,
                        headers=shared.world.headers(party),
                    ),
                    "",
                )
            )
            return made

    return Senders()


def send(sender: Sender, world: World, bad: Bad) -> Any:
    client, token = sender
    request = bad.send(world)
    form = {**(request.get("data") or {}), "csrf_token": token}
    with_token = {"data": form} if bad.page and bad.method != "GET" else {}
    return client.request(bad.method, bad.url(world), **{**request, **with_token})


@pytest.mark.parametrize(
    "bad", SIZE_AND_SHAPE + MONEY + LONG_TEXT + UNSTORABLE, ids=lambda bad: bad.id
)
def test_bad_input_is_refused_and_nothing_is_written(
    shared: Seeded, senders: dict[tuple[str, bool], Sender], bad: Bad
) -> None:
    sender = senders[bad.party, bad.page]
    before = row_counts(shared)

    response = send(sender, shared.world, bad)

    assert response.status_code in bad.allowed, response.text[:300]
    assert row_counts(shared) == before


@pytest.mark.parametrize("bad", NUMBERS_BEYOND_64_BITS, ids=lambda bad: bad.id)
def test_numbers_beyond_64_bits_are_refused_not_a_server_error(
    shared: Seeded, senders: dict[tuple[str, bool], Sender], bad: Bad
) -> None:
    sender = senders[bad.party, bad.page]
    before = row_counts(shared)

    response = send(sender, shared.world, bad)

    assert response.status_code in bad.allowed, response.text[:300]
    assert row_counts(shared) == before
