"""§1 as a table: every route of the app, and what each party gets from it in the seeded world.

Columns are the parties, in PARTIES order. The API answers 401 to anonymous callers, 404 for
another party's object (never 403: it must not confirm the object exists), 403 for "visible to
you, but not your action", and 2xx to the right parties. Pages send anonymous visitors to the
login page (LOGIN), send a signed-in person whose page this is not to their own (AWAY), and
otherwise answer as the API does. On pages "operator" is a request carrying the operator's API
token and no session: a token does not sign anyone in to the pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from httpx import Response
from starlette.routing import Mount

from tests.factories import PASSWORD
from tests.reliability.world import World

PARTIES = ("anonymous", "other_buyer", "other_seller", "buyer", "seller", "support", "operator")
LOGIN = "303 to /login"
AWAY = "303 elsewhere"
SUCCESS = frozenset({200, 201, 202, AWAY})

Outcome = int | str
Ids = dict[str, Callable[[World], object]]
Body = Callable[[World, str], dict[str, Any]] | None


@dataclass(frozen=True)
class Rule:
    method: str
    path: str
    expect: tuple[Outcome, ...]
    ids: Ids = field(default_factory=dict)
    body: Body = None
    # A request that changes the session or the world even when it is refused.
    always_fresh: bool = False
    query: Callable[[World], str] | None = None

    def __post_init__(self) -> None:
        assert len(self.expect) == len(PARTIES), f"{self.method} {self.path}: one per party"

    @property
    def is_page(self) -> bool:
        return not self.path.startswith("/api/")

    def url(self, world: World) -> str:
        path = self.path.format(**{name: get(world) for name, get in self.ids.items()})
        return f"{path}?{self.query(world)}" if self.query else path

    def needs_fresh_world(self, party: str) -> bool:
        """Writes that are let through change the world; they get one of their own."""
        expected = self.expect[PARTIES.index(party)]
        return self.method != "GET" and (self.always_fresh or expected in SUCCESS)


def _order(name: str) -> Ids:
    return {"order_id": lambda w: getattr(w, name)}


def _request() -> Ids:
    return {"order_id": lambda w: w.requested_order, "cancellation_id": lambda w: w.request}


def _return(order: str = "delivered_order", ret: str = "buyer_return") -> Ids:
    return {"order_id": lambda w: getattr(w, order), "return_id": lambda w: getattr(w, ret)}


def _dispute() -> Ids:
    return {"order_id": lambda w: w.disputed_order, "dispute_id": lambda w: w.dispute}


def _same(body: dict[str, Any]) -> Body:
    return lambda w, party: body


SELLER_REASON = {"seller": "out_of_stock", "other_seller": "out_of_stock"}

# anonymous, other_buyer, other_seller, buyer, seller, support, operator
EVERYONE = (401, 200, 200, 200, 200, 200, 200)
OPERATOR_ONLY = (401, 403, 403, 403, 403, 403, 200)
PUBLIC = (200, 200, 200, 200, 200, 200, 200)
ORDER_READ = (401, 404, 404, 200, 200, 200, 200)
STORE_STAFF_READ = (401, 404, 404, 404, 200, 200, 200)
SUPPORT_PAGE = (LOGIN, 404, 404, 404, 404, 200, LOGIN)
SUPPORT_ACTION = (LOGIN, 404, 404, 404, 404, AWAY, LOGIN)
SIGNED_IN_PAGE = (LOGIN, 200, 200, 200, 200, 200, LOGIN)
BUYER_PAGE = (LOGIN, 404, 404, 200, 404, 404, LOGIN)
BUYER_ACTION = (LOGIN, 404, 404, AWAY, 404, 404, LOGIN)
SELLER_PAGE = (LOGIN, 404, 404, 404, 200, 404, LOGIN)
SELLER_ACTION = (LOGIN, 404, 404, 404, AWAY, 404, LOGIN)

RULES: tuple[Rule, ...] = (
    Rule("GET", "/api/openapi.json", PUBLIC),
    Rule("GET", "/api/docs", PUBLIC),
    Rule("GET", "/api/docs/assets/{path}", PUBLIC, {"path": lambda w: "swagger-ui.css"}),
    Rule("GET", "/static/{path}", PUBLIC, {"path": lambda w: "recourse.css"}),
    Rule("GET", "/healthz", PUBLIC),
    Rule("GET", "/readyz", PUBLIC),
    Rule("GET", "/metrics", PUBLIC),
    # The help centre (H2) is for everyone, signed in or not.
    Rule("GET", "/help", PUBLIC),
    Rule("GET", "/help/search", PUBLIC, query=lambda w: "q=refund+card"),
    Rule("GET", "/help/{slug}", PUBLIC, {"slug": lambda w: "refund-timing"}),
    Rule(
        "POST",
        "/api/v1/stores",
        (401, 403, 403, 403, 403, 403, 201),
        body=_same({"name": "Nouvelle", "country": "FR"}),
    ),
    Rule("GET", "/api/v1/stores/{store_id}", STORE_STAFF_READ, {"store_id": lambda w: w.store}),
    Rule(
        "PUT",
        "/api/v1/stores/{store_id}/policy",
        (401, 404, 404, 404, 200, 403, 200),
        {"store_id": lambda w: w.store},
        _same({"processing_days": 5}),
    ),
    Rule(
        "POST",
        "/api/v1/users",
        (401, 403, 403, 403, 403, 403, 201),
        body=_same({"email": "new@rel.example", "name": "New", "role": "buyer", "country": "DE"}),
    ),
    Rule("GET", "/api/v1/users/me", EVERYONE),
    Rule(
        "GET",
        "/api/v1/users/{user_id}",
        (401, 404, 404, 200, 404, 200, 200),
        {"user_id": lambda w: w.users["buyer"]},
    ),
    Rule(
        "POST",
        "/api/v1/orders",
        (401, 403, 403, 403, 403, 403, 201),
        body=lambda w, party: {
            "buyer_id": w.users["buyer"],
            "store_id": w.store,
            "currency": "EUR",
            "shipping_fee": 499,
            "payment_method": "card",
            "lines": [{"sku": "MUG-1", "title": "Mug", "unit_price": 1200, "quantity": 1}],
        },
    ),
    Rule("GET", "/api/v1/orders", EVERYONE),
    Rule("GET", "/api/v1/orders/{order_id}", ORDER_READ, _order("requested_order")),
    Rule("GET", "/api/v1/orders/{order_id}/options", ORDER_READ, _order("requested_order")),
    Rule(
        "POST",
        "/api/v1/orders/{order_id}/payment",
        OPERATOR_ONLY,
        _order("unpaid_order"),
        _same({"status": "review"}),
    ),
    Rule(
        "POST",
        "/api/v1/orders/{order_id}/shipments",
        (401, 404, 404, 403, 201, 403, 201),
        _order("shipped_order"),
        lambda w, party: {
            "lines": [{"line_id": w.unshipped_line, "quantity": 1}],
            "carrier": "DHL",
            "tracking_number": "JJD0000000002",
        },
    ),
    Rule(
        "POST",
        "/api/v1/shipments/{shipment_id}/events",
        OPERATOR_ONLY,
        {"shipment_id": lambda w: w.shipment},
        _same({"type": "in_transit"}),
    ),
    Rule("GET", "/api/v1/refunds", EVERYONE),
    Rule("GET", "/api/v1/refunds/{refund_id}", ORDER_READ, {"refund_id": lambda w: w.refund}),
    Rule("GET", "/api/v1/orders/{order_id}/refunds", ORDER_READ, _order("shipped_order")),
    Rule(
        "POST",
        "/api/v1/orders/{order_id}/refunds",
        (401, 404, 404, 403, 403, 201, 403),
        _order("shipped_order"),
        _same({"amount": 100, "reason": "goodwill"}),
    ),
    Rule(
        "POST",
        "/api/v1/orders/{order_id}/cancellation-quote",
        (401, 404, 404, 200, 200, 403, 403),
        _order("requested_order"),
        _same({}),
    ),
    Rule(
        "POST",
        "/api/v1/orders/{order_id}/cancellations",
        (401, 404, 404, 201, 201, 403, 403),
        _order("unpaid_order"),
        lambda w, party: {"reason": SELLER_REASON.get(party, "changed_mind")},
    ),
    Rule("GET", "/api/v1/orders/{order_id}/cancellations", ORDER_READ, _order("requested_order")),
    Rule(
        "GET",
        "/api/v1/cancellations/{cancellation_id}",
        ORDER_READ,
        {"cancellation_id": lambda w: w.request},
    ),
    Rule(
        "POST",
        "/api/v1/cancellations/{cancellation_id}/approve",
        (401, 404, 404, 403, 200, 403, 403),
        {"cancellation_id": lambda w: w.request},
    ),
    Rule(
        "POST",
        "/api/v1/cancellations/{cancellation_id}/reject",
        (401, 404, 404, 403, 200, 403, 403),
        {"cancellation_id": lambda w: w.request},
        _same({"reason": "made_to_order"}),
    ),
    Rule(
        "POST",
        "/api/v1/cancellations/{cancellation_id}/withdraw",
        (401, 404, 404, 200, 403, 403, 403),
        {"cancellation_id": lambda w: w.request},
    ),
    # §4 returns: the world's buyer return waits for the seller's answer, so its buyer meets 409
    # for a second return, an offer answer or shipping, and its seller for a receipt; the
    # refused parcel waits for its buyer's reason.
    *(
        Rule(
            "POST",
            f"/api/v1/orders/{{order_id}}{path}",
            (401, 404, 404, 409, 403, 403, 403),
            _order("delivered_order"),
            _same(body),
        )
        for path, body in (
            ("/return-quote", {"lines": [{"line_id": 1, "quantity": 1}], "reason": "damaged"}),
            (
                "/returns",
                {
                    "lines": [{"line_id": 1, "quantity": 1}],
                    "reason": "damaged",
                    "description": "Cracked",
                },
            ),
        )
    ),
    Rule("GET", "/api/v1/orders/{order_id}/returns", ORDER_READ, _order("delivered_order")),
    Rule("GET", "/api/v1/returns/{return_id}", ORDER_READ, {"return_id": lambda w: w.buyer_return}),
    *(
        Rule(
            "POST",
            f"/api/v1/returns/{{return_id}}/{action}",
            (401, 404, 404, 403, 200, 403, 403),
            {"return_id": lambda w: w.buyer_return},
            _same(body),
        )
        for action, body in (
            ("approve", {"return_address": "Returns desk, 1 Main St"}),
            ("decline", {"reason": "Worn"}),
            ("offer", {"amount": 100}),
        )
    ),
    *(
        Rule(
            "POST",
            f"/api/v1/returns/{{return_id}}/{action}",
            (401, 404, 404, 409, 403, 403, 403),
            {"return_id": lambda w: w.buyer_return},
            _same(body),
        )
        for action, body in (
            ("accept-offer", {}),
            ("decline-offer", {}),
            ("ship", {"carrier": "DHL", "tracking_number": "RET1"}),
        )
    ),
    Rule(
        "POST",
        "/api/v1/returns/{return_id}/receive",
        (401, 404, 404, 403, 409, 403, 403),
        {"return_id": lambda w: w.buyer_return},
        _same({"condition": "ok"}),
    ),
    Rule(
        "POST",
        "/api/v1/returns/{return_id}/withdraw",
        (401, 404, 404, 200, 403, 403, 403),
        {"return_id": lambda w: w.buyer_return},
    ),
    Rule(
        "POST",
        "/api/v1/returns/{return_id}/reason",
        (401, 404, 404, 200, 403, 403, 403),
        {"return_id": lambda w: w.parcel_return},
        _same({"reason": "damaged"}),
    ),
    # §5 disputes: the world's dispute waits for the seller's answer (awaiting_seller), so a
    # second one is 409 for its buyer, proposals wait for negotiation, support's steps for an
    # escalation and appeals for a decision (409); a party's step is 403 for the other party
    # and for support and the operator, who act for a party only with an audit note.
    Rule("GET", "/api/v1/orders/{order_id}/disputes", ORDER_READ, _order("disputed_order")),
    Rule(
        "POST",
        "/api/v1/orders/{order_id}/disputes",
        (401, 404, 404, 409, 403, 403, 403),
        _order("disputed_order"),
        _same({"type": "not_as_described", "wanted": "full_refund", "description": "Chipped"}),
    ),
    Rule("GET", "/api/v1/disputes/{dispute_id}", ORDER_READ, {"dispute_id": lambda w: w.dispute}),
    *(
        Rule(
            "POST",
            f"/api/v1/disputes/{{dispute_id}}/{action}",
            expect,
            {"dispute_id": lambda w: w.dispute},
            _same(body),
        )
        for action, expect, body in (
            ("respond", (401, 404, 404, 403, 200, 403, 403), {"action": "accept"}),
            ("accept", (401, 404, 404, 409, 200, 403, 403), {}),
            (
                "propose",
                (401, 404, 404, 409, 409, 403, 403),
                {"wanted": "partial_refund", "amount": 500},
            ),
            ("escalate", (401, 404, 404, 200, 200, 403, 403), {}),
            ("assign", (401, 404, 404, 403, 403, 409, 403), {}),
            (
                "request-info",
                (401, 404, 404, 403, 403, 409, 403),
                {"party": "buyer", "question": "Photo?", "due_at": "2099-01-01T00:00:00+00:00"},
            ),
            (
                "answer-info",
                (401, 404, 404, 404, 404, 403, 403),
                {"request_id": 1, "answer": "Here"},
            ),
            (
                "decide",
                (401, 404, 404, 403, 403, 409, 403),
                {"outcome": "no_refund", "rationale": "As described."},
            ),
            ("appeal", (401, 404, 404, 409, 409, 403, 403), {"reason": "Wrong"}),
            ("withdraw", (401, 404, 404, 200, 403, 403, 403), {}),
            # C10: support only, on a cancellation_refused dispute (the world's is not one)
            ("force-cancel", (401, 404, 404, 403, 403, 409, 403), {"rationale": "No scan."}),
        )
    ),
    Rule(
        "POST",
        "/api/v1/disputes/{dispute_id}/evidence",
        (401, 404, 404, 200, 422, 422, 403),
        {"dispute_id": lambda w: w.dispute},
        lambda w, party: {"file_ids": [w.dispute_file]},
    ),
    Rule("GET", "/api/v1/cancellation-reasons", EVERYONE),
    Rule(
        "POST",
        "/api/v1/cancellation-reasons",
        (401, 403, 403, 403, 403, 403, 201),
        body=_same(
            {"code": "gift_declined", "label": "Gift declined", "actor": "buyer", "fault": "buyer"}
        ),
    ),
    Rule(
        "POST",
        "/api/v1/cancellation-reasons/{code}/retire",
        OPERATOR_ONLY,
        {"code": lambda w: "found_cheaper"},
    ),
    Rule(
        "POST",
        "/api/v1/cancellation-reasons/{code}/restore",
        OPERATOR_ONLY,
        {"code": lambda w: "found_cheaper"},
    ),
    Rule(
        "GET",
        "/api/v1/stores/{store_id}/metrics",
        STORE_STAFF_READ,
        {"store_id": lambda w: w.store},
    ),
    Rule("GET", "/api/v1/platform-policy", EVERYONE),
    Rule("PUT", "/api/v1/platform-policy", OPERATOR_ONLY, body=_same({"protection_days": 60})),
    Rule("GET", "/api/v1/settlement-profiles", EVERYONE),
    Rule(
        "PUT",
        "/api/v1/settlement-profiles/{method}",
        OPERATOR_ONLY,
        {"method": lambda w: "card"},
        _same({"min_business_days": 3, "max_business_days": 20}),
    ),
    Rule("GET", "/api/v1/event-types", EVERYONE),
    Rule(
        "POST",
        "/api/v1/webhook-endpoints",
        (401, 403, 403, 403, 403, 403, 201),
        body=_same({"url": "http://127.0.0.1:9/more", "events": ["order.*"]}),
    ),
    Rule("GET", "/api/v1/webhook-endpoints", OPERATOR_ONLY),
    Rule(
        "GET",
        "/api/v1/webhook-endpoints/{endpoint_id}",
        OPERATOR_ONLY,
        {"endpoint_id": lambda w: w.endpoint},
    ),
    Rule(
        "PATCH",
        "/api/v1/webhook-endpoints/{endpoint_id}",
        OPERATOR_ONLY,
        {"endpoint_id": lambda w: w.endpoint},
        _same({"description": "The shop"}),
    ),
    Rule(
        "GET",
        "/api/v1/webhook-endpoints/{endpoint_id}/deliveries",
        OPERATOR_ONLY,
        {"endpoint_id": lambda w: w.endpoint},
    ),
    Rule(
        "POST",
        "/api/v1/webhook-deliveries/{delivery_id}/replay",
        (401, 403, 403, 403, 403, 403, 202),
        {"delivery_id": lambda w: w.delivery},
    ),
    # The provider's signature is the authentication: without one, everyone gets 401.
    Rule(
        "POST",
        "/api/v1/gateway/{name}/webhook",
        (401, 401, 401, 401, 401, 401, 401),
        {"name": lambda w: "sandbox"},
        _same({"reference": "sbre_x", "status": "succeeded"}),
    ),
    Rule("GET", "/api/v1/gateway/sandbox/settings", OPERATOR_ONLY),
    Rule("PUT", "/api/v1/gateway/sandbox/settings", OPERATOR_ONLY, body=_same({"fail_next": 0})),
    Rule("GET", "/", (LOGIN, AWAY, AWAY, AWAY, AWAY, AWAY, LOGIN)),
    Rule("GET", "/login", (200, AWAY, AWAY, AWAY, AWAY, AWAY, 200)),
    Rule(
        "POST",
        "/login",
        (AWAY, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY),
        body=lambda w, party: {"email": w.emails["buyer"], "password": PASSWORD},
    ),
    Rule("POST", "/logout", (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN), always_fresh=True),
    # Anyone may choose the language; a signed-in person's choice is saved on their account.
    Rule(
        "POST",
        "/language",
        (LOGIN, AWAY, AWAY, AWAY, AWAY, AWAY, LOGIN),
        body=lambda w, party: {"lang": "es"},
        always_fresh=True,
    ),
    Rule("GET", "/orders", (LOGIN, 200, AWAY, 200, AWAY, AWAY, LOGIN)),
    Rule(
        "GET",
        "/orders/{order_id}",
        (LOGIN, 404, AWAY, 200, AWAY, AWAY, LOGIN),
        _order("requested_order"),
    ),
    Rule("GET", "/seller/orders", (LOGIN, 404, 200, 404, 200, 404, LOGIN)),
    Rule(
        "GET",
        "/seller/orders/{order_id}",
        (LOGIN, 404, 404, 404, 200, 404, LOGIN),
        _order("requested_order"),
    ),
    Rule(
        "POST",
        "/seller/orders/{order_id}/shipments",
        (LOGIN, 404, 404, 404, AWAY, 404, LOGIN),
        _order("shipped_order"),
        lambda w, party: {
            "carrier": "DHL",
            "tracking_number": "JJD0000000003",
            f"qty-{w.unshipped_line}": "1",
        },
    ),
    Rule("GET", "/support/orders", SUPPORT_PAGE),
    Rule("GET", "/support/orders/{order_id}", SUPPORT_PAGE, _order("requested_order")),
    Rule("GET", "/support/outbox", SUPPORT_PAGE),
    Rule(
        "POST",
        "/support/outbox/{message_id}/retry",
        SUPPORT_ACTION,
        {"message_id": lambda w: w.dead_letter},
    ),
    Rule("GET", "/support/webhooks", SUPPORT_PAGE),
    Rule(
        "GET",
        "/support/webhooks/endpoints/{endpoint_id}",
        SUPPORT_PAGE,
        {"endpoint_id": lambda w: w.endpoint},
    ),
    Rule(
        "POST",
        "/support/webhooks/deliveries/{delivery_id}/replay",
        SUPPORT_ACTION,
        {"delivery_id": lambda w: w.delivery},
    ),
    Rule("GET", "/mail", SIGNED_IN_PAGE),
    Rule(
        "GET",
        "/mail/{key}",
        (LOGIN, 404, 404, 200, 404, 200, LOGIN),
        {"key": lambda w: w.mail_key},
    ),
    Rule("GET", "/refunds", (LOGIN, 200, AWAY, 200, AWAY, AWAY, LOGIN)),
    Rule("GET", "/support/refunds", SUPPORT_PAGE),
    Rule(
        "POST",
        "/support/refunds/{refund_id}/retry",
        SUPPORT_ACTION,
        {"refund_id": lambda w: w.refund},
    ),
    Rule(
        "POST",
        "/support/orders/{order_id}/refunds/quote",
        SUPPORT_PAGE,
        _order("shipped_order"),
        _same({"amount": "1.00", "reason": "goodwill", "note": ""}),
    ),
    Rule(
        "POST",
        "/support/orders/{order_id}/refunds",
        SUPPORT_ACTION,
        _order("shipped_order"),
        _same({"amount": "1.00", "reason": "goodwill", "note": "", "currency": "EUR"}),
    ),
    Rule("GET", "/orders/{order_id}/cancel", BUYER_PAGE, _order("unpaid_order")),
    Rule(
        "POST",
        "/orders/{order_id}/cancel/quote",
        BUYER_PAGE,
        _order("unpaid_order"),
        _same({"reason": "changed_mind", "note": ""}),
    ),
    Rule(
        "POST",
        "/orders/{order_id}/cancel",
        BUYER_ACTION,
        _order("unpaid_order"),
        _same({"reason": "changed_mind", "note": ""}),
    ),
    Rule(
        "GET",
        "/orders/{order_id}/cancel/done",
        BUYER_PAGE,
        _order("requested_order"),
        query=lambda w: f"c={w.request}",
    ),
    Rule(
        "POST",
        "/orders/{order_id}/cancellations/{cancellation_id}/withdraw",
        BUYER_ACTION,
        _request(),
    ),
    # H2 "Contact support": the order's buyer and sellers write; support reads and closes.
    Rule("GET", "/orders/{order_id}/support", BUYER_PAGE, _order("requested_order")),
    Rule(
        "POST",
        "/orders/{order_id}/support",
        BUYER_ACTION,
        _order("requested_order"),
        _same({"message": "Where is my parcel?"}),
    ),
    Rule("GET", "/seller/orders/{order_id}/support", SELLER_PAGE, _order("requested_order")),
    Rule(
        "POST",
        "/seller/orders/{order_id}/support",
        SELLER_ACTION,
        _order("requested_order"),
        _same({"message": "The address looks wrong."}),
    ),
    Rule("GET", "/support/tickets", SUPPORT_PAGE),
    Rule(
        "POST",
        "/support/tickets/{ticket_id}/close",
        SUPPORT_ACTION,
        {"ticket_id": lambda w: w.ticket},
    ),
    Rule(
        "POST",
        "/api/v1/orders/{order_id}/support-tickets",
        (401, 404, 404, 201, 201, 403, 403),
        _order("requested_order"),
        _same({"message": "Where is my parcel?"}),
    ),
    Rule("GET", "/api/v1/support-tickets", (401, 403, 403, 403, 403, 200, 200)),
    # §2 confirm receipt and protection: the buyer confirms or asks for more time (the world's
    # buyer already waits for an answer: one request at a time); the store's sellers answer.
    Rule("GET", "/orders/{order_id}/confirm-receipt", BUYER_PAGE, _order("shipped_order")),
    Rule("POST", "/orders/{order_id}/confirm-receipt", BUYER_ACTION, _order("shipped_order")),
    Rule(
        "POST",
        "/orders/{order_id}/protection-extension",
        (LOGIN, 404, 404, 409, 404, 404, LOGIN),
        _order("shipped_order"),
        _same({"days": "5", "reason": "Away until then"}),
    ),
    Rule(
        "GET",
        "/seller/orders/{order_id}/protection-extension",
        SELLER_PAGE,
        _order("shipped_order"),
    ),
    *(
        Rule(
            "POST",
            f"/seller/orders/{{order_id}}/protection-extension/{{request_id}}/{answer}",
            SELLER_ACTION,
            {"order_id": lambda w: w.shipped_order, "request_id": lambda w: w.extension},
            always_fresh=True,
        )
        for answer in ("grant", "decline")
    ),
    Rule(
        "POST",
        "/api/v1/orders/{order_id}/confirm-receipt",
        (401, 404, 404, 200, 403, 403, 403),
        _order("shipped_order"),
    ),
    Rule("GET", "/seller/requests", (LOGIN, 404, 200, 404, 200, 404, LOGIN)),
    # §4 returns pages: the buyer's wizard and return page, the seller's inbox and answers,
    # support's problems and read-only return. The world's buyer return waits for the seller
    # (so a second one, an offer answer or shipping it back is a 409 for its buyer); the
    # refused parcel waits to come back (its buyer gives a reason, its sellers confirm it).
    Rule("GET", "/orders/{order_id}/return", BUYER_PAGE, _order("delivered_order")),
    Rule(
        "POST",
        "/orders/{order_id}/return/quote",
        (LOGIN, 404, 404, 409, 404, 404, LOGIN),
        _order("delivered_order"),
        lambda w, party: {"reason": "damaged", "description": "Cracked", "qty-1": "1"},
    ),
    Rule(
        "POST",
        "/orders/{order_id}/return",
        (LOGIN, 404, 404, 409, 404, 404, LOGIN),
        _order("delivered_order"),
        lambda w, party: {"reason": "damaged", "description": "Cracked", "qty-1": "1"},
    ),
    Rule("GET", "/orders/{order_id}/returns/{return_id}", BUYER_PAGE, _return()),
    *(
        Rule(
            "POST",
            f"/orders/{{order_id}}/returns/{{return_id}}/{action}",
            (LOGIN, 404, 404, 409, 404, 404, LOGIN),
            _return(),
            _same({"carrier": "DHL", "tracking_number": "RET1"}),
        )
        for action in ("accept-offer", "decline-offer", "ship")
    ),
    Rule("POST", "/orders/{order_id}/returns/{return_id}/withdraw", BUYER_ACTION, _return()),
    Rule(
        "POST",
        "/orders/{order_id}/returns/{return_id}/reason",
        BUYER_ACTION,
        _return("refused_order", "parcel_return"),
        _same({"reason": "damaged"}),
    ),
    Rule("GET", "/seller/returns", (LOGIN, 404, 200, 404, 200, 404, LOGIN)),
    Rule("GET", "/seller/orders/{order_id}/returns/{return_id}", SELLER_PAGE, _return()),
    Rule(
        "POST",
        "/seller/orders/{order_id}/returns/{return_id}/approve",
        SELLER_ACTION,
        _return(),
        _same({"return_address": "1 Rue X, Paris"}),
    ),
    Rule(
        "POST",
        "/seller/orders/{order_id}/returns/{return_id}/decline",
        SELLER_ACTION,
        _return(),
        _same({"decline_reason": "Used"}),
    ),
    Rule(
        "POST",
        "/seller/orders/{order_id}/returns/{return_id}/offer",
        SELLER_ACTION,
        _return(),
        _same({"amount": "1.00"}),
    ),
    Rule(
        "POST",
        "/seller/orders/{order_id}/returns/{return_id}/receive",
        (LOGIN, 404, 404, 404, 409, 404, LOGIN),
        _return(),
        _same({"condition": "ok"}),
    ),
    Rule(
        "POST",
        "/seller/orders/{order_id}/returns/{return_id}/parcel-back",
        SELLER_ACTION,
        _return("refused_order", "parcel_return"),
    ),
    # §5 dispute pages: the buyer's form and dispute page, the sellers' list and dispute page.
    # The world's dispute waits for the seller's answer: a second one, accepting (no seller
    # proposal yet), proposing (not negotiating) and appealing (nothing decided) are 409 on the
    # page; a question support never asked is 404; evidence without a file is 422.
    Rule("GET", "/orders/{order_id}/dispute", BUYER_PAGE, _order("disputed_order")),
    Rule(
        "POST",
        "/orders/{order_id}/dispute",
        (LOGIN, 404, 404, 409, 404, 404, LOGIN),
        _order("disputed_order"),
        _same({"type": "not_as_described", "wanted": "full_refund", "description": "Chipped"}),
    ),
    Rule("GET", "/orders/{order_id}/disputes/{dispute_id}", BUYER_PAGE, _dispute()),
    *(
        Rule(
            "POST",
            f"/orders/{{order_id}}/disputes/{{dispute_id}}/{action}",
            expect,
            _dispute(),
            _same(body),
        )
        for action, expect, body in (
            ("accept", (LOGIN, 404, 404, 409, 404, 404, LOGIN), {}),
            ("propose", (LOGIN, 404, 404, 409, 404, 404, LOGIN), {"wanted": "full_refund"}),
            ("escalate", BUYER_ACTION, {}),
            ("withdraw", BUYER_ACTION, {}),
            ("appeal", (LOGIN, 404, 404, 409, 404, 404, LOGIN), {"reason": "Wrong"}),
            (
                "answer-info",
                (LOGIN, 404, 404, 404, 404, 404, LOGIN),
                {"request_id": "1", "answer": "Here"},
            ),
            ("evidence", (LOGIN, 404, 404, 422, 404, 404, LOGIN), {}),
        )
    ),
    Rule("GET", "/seller/disputes", (LOGIN, 404, 200, 404, 200, 404, LOGIN)),
    Rule("GET", "/seller/orders/{order_id}/disputes/{dispute_id}", SELLER_PAGE, _dispute()),
    *(
        Rule(
            "POST",
            f"/seller/orders/{{order_id}}/disputes/{{dispute_id}}/{action}",
            expect,
            _dispute(),
            _same(body),
        )
        for action, expect, body in (
            ("respond", SELLER_ACTION, {"answer": "accept"}),
            ("accept", SELLER_ACTION, {}),
            ("escalate", SELLER_ACTION, {}),
            ("appeal", (LOGIN, 404, 404, 404, 409, 404, LOGIN), {"reason": "Wrong"}),
            (
                "answer-info",
                (LOGIN, 404, 404, 404, 404, 404, LOGIN),
                {"request_id": "1", "answer": "Here"},
            ),
            ("evidence", (LOGIN, 404, 404, 404, 422, 404, LOGIN), {}),
        )
    ),
    Rule("GET", "/support/returns", SUPPORT_PAGE),
    Rule("GET", "/support/orders/{order_id}/returns/{return_id}", SUPPORT_PAGE, _return()),
    # T6 evidence files: a party of the order (or support) uploads; the body here carries no
    # file, so the parties get 422 past the access check. The world's file is the buyer's, on
    # the shipped order, attached: its parties and support fetch it, nobody else.
    Rule(
        "POST",
        "/api/v1/orders/{order_id}/files",
        (401, 404, 404, 422, 422, 422, 404),
        _order("shipped_order"),
    ),
    Rule(
        "GET",
        "/api/v1/files/{file_id}",
        (401, 404, 404, 200, 200, 200, 404),
        {"file_id": lambda w: w.evidence_file},
    ),
    Rule(
        "GET",
        "/files/{file_id}",
        (LOGIN, 404, 404, 200, 200, 200, LOGIN),
        {"file_id": lambda w: w.evidence_file},
    ),
    Rule("GET", "/support/metrics", SUPPORT_PAGE),
    Rule("GET", "/support/dashboard", SUPPORT_PAGE),
    # D5 support's dispute console: the queue and the case page; the world's dispute waits for
    # the seller, so support's own steps are 409 on the case page (forcing a cancellation too:
    # it is not a refused cancellation), it has no question to answer (404), and acting for a
    # party (with an audit note) goes through.
    Rule("GET", "/support/disputes", SUPPORT_PAGE),
    Rule(
        "GET", "/support/disputes/{dispute_id}", SUPPORT_PAGE, {"dispute_id": lambda w: w.dispute}
    ),
    *(
        Rule(
            "POST",
            f"/support/disputes/{{dispute_id}}/{action}",
            expect,
            {"dispute_id": lambda w: w.dispute},
            _same(body),
        )
        for action, expect, body in (
            ("assign", (LOGIN, 404, 404, 404, 404, 409, LOGIN), {"assignee_id": "me"}),
            (
                "request-info",
                (LOGIN, 404, 404, 404, 404, 409, LOGIN),
                {"party": "buyer", "question": "Photo?", "due_at": "2099-01-01T00:00"},
            ),
            (
                "decide",
                (LOGIN, 404, 404, 404, 404, 409, LOGIN),
                {"outcome": "no_refund", "rationale": "As described."},
            ),
            (
                "force-cancellation",
                (LOGIN, 404, 404, 404, 404, 409, LOGIN),
                {"force_rationale": "Never scanned."},
            ),
            (
                "answer-info",
                (LOGIN, 404, 404, 404, 404, 404, LOGIN),
                {"request_id": "1", "party": "buyer", "answer": "Yes", "audit_note": "Phoned."},
            ),
            (
                "on-behalf",
                SUPPORT_ACTION,
                {"party": "buyer", "step": "escalate", "audit_note": "Buyer phoned."},
            ),
        )
    ),
    Rule(
        "POST",
        "/seller/orders/{order_id}/cancellations/{cancellation_id}/approve",
        SELLER_ACTION,
        _request(),
    ),
    Rule(
        "POST",
        "/seller/orders/{order_id}/cancellations/{cancellation_id}/reject",
        SELLER_ACTION,
        _request(),
        _same({"reason": "made_to_order", "note": ""}),
    ),
    Rule(
        "POST",
        "/seller/orders/{order_id}/cancel/quote",
        SELLER_PAGE,
        _order("shipped_order"),
        lambda w, party: {"reason": "out_of_stock", f"cancel-qty-{w.unshipped_line}": "1"},
    ),
    Rule(
        "POST",
        "/seller/orders/{order_id}/cancel",
        SELLER_ACTION,
        _order("shipped_order"),
        lambda w, party: {"reason": "out_of_stock", f"cancel-qty-{w.unshipped_line}": "1"},
    ),
    Rule("GET", "/notifications", SIGNED_IN_PAGE),
    Rule("POST", "/notifications/read-all", (LOGIN, AWAY, AWAY, AWAY, AWAY, AWAY, LOGIN)),
    Rule(
        "POST",
        "/notifications/{notification_id}/read",
        (LOGIN, 404, 404, AWAY, 404, 404, LOGIN),
        {"notification_id": lambda w: w.notification},
    ),
    # M1/S1 the order's conversation: the parties read and write, support reads; the buyer of
    # the shipped order already waits for an answer to stop its parcel (one at a time).
    Rule(
        "GET",
        "/api/v1/orders/{order_id}/messages",
        (401, 404, 404, 200, 200, 200, 403),
        _order("shipped_order"),
    ),
    Rule(
        "POST",
        "/api/v1/orders/{order_id}/messages",
        (401, 404, 404, 201, 201, 403, 403),
        _order("shipped_order"),
        _same({"body": "Hello"}),
    ),
    Rule(
        "POST",
        "/api/v1/orders/{order_id}/messages/read",
        (401, 404, 404, 200, 200, 200, 403),
        _order("shipped_order"),
        _same({"up_to": 0}),
    ),
    Rule(
        "POST",
        "/api/v1/orders/{order_id}/intercept",
        (401, 404, 404, 409, 403, 403, 403),
        _order("shipped_order"),
        _same({}),
    ),
    Rule(
        "POST",
        "/api/v1/orders/{order_id}/intercept/{request_id}/answer",
        (401, 404, 404, 403, 200, 403, 403),
        {"order_id": lambda w: w.shipped_order, "request_id": lambda w: w.intercept},
        _same({"outcome": "cannot"}),
    ),
    Rule("GET", "/orders/{order_id}/messages", BUYER_PAGE, _order("shipped_order")),
    Rule(
        "POST",
        "/orders/{order_id}/messages",
        BUYER_ACTION,
        _order("shipped_order"),
        _same({"body": "Hello"}),
    ),
    Rule(
        "POST",
        "/orders/{order_id}/messages/intercept",
        (LOGIN, 404, 404, 409, 404, 404, LOGIN),
        _order("shipped_order"),
        _same({"note": ""}),
    ),
    Rule("GET", "/seller/orders/{order_id}/messages", SELLER_PAGE, _order("shipped_order")),
    Rule(
        "POST",
        "/seller/orders/{order_id}/messages",
        SELLER_ACTION,
        _order("shipped_order"),
        _same({"body": "Hello"}),
    ),
    Rule(
        "POST",
        "/seller/orders/{order_id}/messages/intercept/{request_id}/answer",
        SELLER_ACTION,
        {"order_id": lambda w: w.shipped_order, "request_id": lambda w: w.intercept},
        _same({"outcome": "cannot", "note": ""}),
        always_fresh=True,
    ),
    Rule("GET", "/support/orders/{order_id}/messages", SUPPORT_PAGE, _order("shipped_order")),
)


def route_keys(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path template) of every route the app serves; a mount serves its files."""
    keys: set[tuple[str, str]] = set()
    for route in iter_route_contexts(app.routes):
        mounted = isinstance(route.original_route, Mount)
        methods = {"GET"} if mounted else set(route.methods or ()) - {"HEAD"}
        path = f"{route.path}/{{path}}" if mounted else str(route.path)
        keys.update((method, path) for method in methods)
    return keys


def cases(*, fresh: bool) -> Iterator[Any]:
    """(rule, party, expected) for every cell of the table: the writes each party is let
    through (`fresh`), or everything else."""
    for rule in RULES:
        for party, expected in zip(PARTIES, rule.expect, strict=True):
            if rule.needs_fresh_world(party) is fresh:
                yield pytest.param(
                    rule, party, expected, id=f"{rule.method} {rule.path} as {party}"
                )


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# Where a party finds a form (and so the session's CSRF token).
FORM_PAGE = {"anonymous": "/login", "operator": "/login"}


def csrf_token(client: TestClient, party: str) -> str:
    page = client.get(FORM_PAGE.get(party, "/notifications"))
    found = CSRF.search(page.text)
    assert found, f"no CSRF token on {page.request.url} for {party}"
    return found.group(1)


def page_client(
    app: FastAPI, world: World, party: str, *, raise_server_exceptions: bool = True
) -> tuple[TestClient, str]:
    """A browser for `party`: signed in with a password, or carrying only an API token."""
    client = TestClient(
        app,
        follow_redirects=False,
        headers=world.headers_for_pages(party),
        raise_server_exceptions=raise_server_exceptions,
    )
    email = world.emails.get(party)
    if email is not None:
        token = csrf_token(client, "anonymous")
        signed = client.post(
            "/login", data={"email": email, "password": PASSWORD, "csrf_token": token}
        )
        assert signed.status_code == 303, signed.text[:300]
    return client, csrf_token(client, party)


def browsers_for(
    rule: Rule, app: FastAPI, world: World, party: str
) -> dict[str, tuple[TestClient, str]]:
    """A signed-in browser when the rule is a page; API rules need none."""
    if not rule.is_page:
        return {}
    return {party: page_client(app, world, party)}


def outcome(response: Response) -> Outcome:
    if response.status_code != 303:
        return response.status_code
    return LOGIN if response.headers["location"].startswith("/login") else AWAY


def send(
    rule: Rule,
    world: World,
    party: str,
    api: TestClient,
    pages: dict[str, tuple[TestClient, str]],
) -> Response:
    """The rule's request as `party`: JSON with a bearer token, or a form with the CSRF token."""
    body = rule.body(world, party) if rule.body else None
    if rule.is_page:
        client, token = pages[party]
        form = {**(body or {}), "csrf_token": token}
        data = None if rule.method == "GET" else form
        response: Response = client.request(rule.method, rule.url(world), data=data)
        return response
    answer: Response = api.request(
        rule.method, rule.url(world), json=body, headers=world.headers(party)
    )
    return answer
