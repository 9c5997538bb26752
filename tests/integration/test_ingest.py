"""§2 ingest: a bad order is refused with the field named, and nothing of it is written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from recourse.container import Container
from recourse.domain.errors import InvalidInput, NotAllowed, NotFound, RuleConflict
from recourse.domain.order import NewLine, PaymentMethod
from recourse.services import orders
from tests.factories import get_order
from tests.integration.support import (
    OPERATOR,
    Parties,
    outbox_rows,
    row_counts,
    stored_status,
)

Change = Callable[[orders.OrderInput, Parties], orders.OrderInput]


def good_order(parties: Parties) -> orders.OrderInput:
    return orders.OrderInput(
        buyer_id=parties.buyer_id,
        store_id=parties.store_id,
        currency="EUR",
        shipping_fee=499,
        payment_method=PaymentMethod.card,
        lines=[NewLine("SKU-1", "Lamp", 2500, 2, 0, 475), NewLine("SKU-2", "Bulb", 300, 3, 0, 0)],
        external_id="shop-1001",
    )


BAD_INPUTS: dict[str, tuple[Change, str]] = {
    "unknown_currency": (lambda d, p: replace(d, currency="ABC"), "currency"),
    "negative_quantity": (
        lambda d, p: replace(d, lines=[NewLine("SKU-1", "Lamp", 2500, -1), *d.lines[1:]]),
        "lines[0].quantity",
    ),
    "discount_larger_than_the_line": (
        lambda d, p: replace(d, lines=[d.lines[0], NewLine("SKU-2", "Bulb", 300, 3, 901)]),
        "lines[1].discount",
    ),
    "no_lines": (lambda d, p: replace(d, lines=[]), "lines"),
    "negative_shipping": (lambda d, p: replace(d, shipping_fee=-1), "shipping_fee"),
    "bad_country": (lambda d, p: replace(d, country="Germany"), "country"),
}


MISSING_PARTIES: dict[str, tuple[Change, str]] = {
    "unknown_buyer": (lambda d, p: replace(d, buyer_id=987654), "buyer_id"),
    "seller_given_as_buyer": (
        lambda d, p: replace(d, buyer_id=int(p.seller.user_id or 0)),
        "buyer_id",
    ),
    "unknown_store": (lambda d, p: replace(d, store_id=987654), "store_id"),
}


@pytest.mark.parametrize(("change", "field"), MISSING_PARTIES.values(), ids=MISSING_PARTIES.keys())
def test_an_order_for_a_buyer_or_store_that_does_not_exist_names_it_and_writes_nothing(
    container: Container, parties: Parties, change: Change, field: str
) -> None:
    before = row_counts(container)

    with pytest.raises(NotFound) as caught:
        orders.ingest_order(
            container.uow(),
            container.ctx,
            actor=OPERATOR,
            data=change(good_order(parties), parties),
        )

    assert caught.value.facts["field"] == field
    assert row_counts(container) == before


@pytest.mark.parametrize(("change", "field"), BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_a_bad_order_names_the_field_and_writes_nothing(
    container: Container, parties: Parties, change: Change, field: str
) -> None:
    before = row_counts(container)

    with pytest.raises(InvalidInput) as caught:
        orders.ingest_order(
            container.uow(),
            container.ctx,
            actor=OPERATOR,
            data=change(good_order(parties), parties),
        )

    assert caught.value.field == field
    assert row_counts(container) == before


def test_a_good_order_writes_the_order_its_lines_a_timeline_entry_and_its_deadline(
    container: Container, parties: Parties
) -> None:
    before = row_counts(container)

    order_id = orders.ingest_order(
        container.uow(), container.ctx, actor=OPERATOR, data=good_order(parties)
    )

    after = row_counts(container)
    assert {k: after[k] - before[k] for k in ("orders", "order_lines", "timeline")} == {
        "orders": 1,
        "order_lines": 2,
        "timeline": 1,
    }
    order = get_order(container, order_id)
    assert order.deadlines.pay_by is not None
    assert {
        "name": "order.payment_window_ends",
        "subject_id": order_id,
        "due_at": order.deadlines.pay_by.isoformat(),
    } in [row["payload"] for row in outbox_rows(container, "deadline")]
    assert (order.currency, order.country, order.external_id) == ("EUR", "DE", "shop-1001")
    assert [(line.sku, line.quantity) for line in order.lines] == [("SKU-1", 2), ("SKU-2", 3)]
    assert stored_status(container, order_id) == "awaiting_payment"


def test_the_currency_code_is_normalised(container: Container, parties: Parties) -> None:
    order_id = orders.ingest_order(
        container.uow(),
        container.ctx,
        actor=OPERATOR,
        data=replace(good_order(parties), currency=" jpy "),
    )

    assert get_order(container, order_id).currency == "JPY"


def test_the_same_external_id_twice_for_a_store_is_a_conflict_and_writes_nothing(
    container: Container, parties: Parties
) -> None:
    first = orders.ingest_order(
        container.uow(), container.ctx, actor=OPERATOR, data=good_order(parties)
    )
    before = row_counts(container)

    with pytest.raises(RuleConflict) as caught:
        orders.ingest_order(
            container.uow(), container.ctx, actor=OPERATOR, data=good_order(parties)
        )

    assert (caught.value.code, caught.value.facts["order_id"]) == ("duplicate_external_id", first)
    assert row_counts(container) == before


def test_only_the_operator_ingests_orders(container: Container, parties: Parties) -> None:
    before = row_counts(container)

    with pytest.raises(NotAllowed):
        orders.ingest_order(
            container.uow(), container.ctx, actor=parties.seller, data=good_order(parties)
        )

    assert row_counts(container) == before
