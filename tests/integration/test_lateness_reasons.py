"""C4/C5: the seller-fault lateness reasons are offered, and accepted, only once the seller is
past ship-by — a buyer cannot count a cancellation against a store that is not late."""

from __future__ import annotations

from datetime import timedelta

import pytest

from recourse.container import Container
from recourse.domain.errors import RuleConflict
from recourse.domain.roles import Role
from recourse.integrations.clock import FixedClock
from recourse.services import cancellations
from tests.factories import actor_of, make_order, make_store, make_user, pay

LATENESS = {"not_shipped_in_time", "shipping_too_slow"}


@pytest.fixture
def paid(container: Container) -> dict[str, object]:
    store = make_store(container, name="Volt", buyer_cancel="instant")
    buyer = make_user(container, role=Role.buyer, email="lia@example.com")
    order_id = make_order(container, buyer_id=buyer, store_id=store)
    order = pay(container, order_id)
    return {
        "order_id": order_id,
        "buyer": actor_of(container, buyer),
        "ship_by": order.deadlines.ship_by,
    }


def _offered(c: Container, p: dict[str, object]) -> set[str]:
    preview = cancellations.preview_cancellation(
        c.uow(),
        c.ctx,
        actor=p["buyer"],
        order_id=p["order_id"],  # type: ignore[arg-type]
    )
    return {r.code for r in preview.reasons}


def test_lateness_reasons_are_not_offered_before_ship_by_and_are_after(
    container: Container, clock: FixedClock, paid: dict[str, object]
) -> None:
    offered = _offered(container, paid)
    assert "changed_mind" in offered
    assert not LATENESS & offered, offered
    clock.set(paid["ship_by"] + timedelta(minutes=1))  # type: ignore[operator]
    assert _offered(container, paid) >= LATENESS


@pytest.mark.parametrize("code", sorted(LATENESS))
def test_cancel_with_a_lateness_reason_before_ship_by_is_a_conflict_naming_the_date(
    container: Container, paid: dict[str, object], code: str
) -> None:
    with pytest.raises(RuleConflict) as refused:
        cancellations.cancel_order(
            container.uow(),
            container.ctx,
            actor=paid["buyer"],  # type: ignore[arg-type]
            order_id=paid["order_id"],  # type: ignore[arg-type]
            reason=code,
        )
    assert refused.value.code == "seller_not_late"
    assert "ship" in str(refused.value)


def test_cancel_with_a_lateness_reason_after_ship_by_is_accepted(
    container: Container, clock: FixedClock, paid: dict[str, object]
) -> None:
    clock.set(paid["ship_by"] + timedelta(minutes=1))  # type: ignore[operator]
    done = cancellations.cancel_order(
        container.uow(),
        container.ctx,
        actor=paid["buyer"],  # type: ignore[arg-type]
        order_id=paid["order_id"],  # type: ignore[arg-type]
        reason="not_shipped_in_time",
    )
    assert done.reason == "not_shipped_in_time"
