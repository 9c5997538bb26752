"""F2 under real concurrency: many refunds at once on one order never exceed the capture."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from recourse.bootstrap import build
from recourse.config import Settings
from recourse.db import models as m
from recourse.domain.errors import RuleConflict
from recourse.domain.roles import Role
from recourse.integrations.clock import FixedClock
from recourse.services import refunds
from tests.factories import actor_of, make_order, make_store, make_user, pay

REQUESTS = 200


def test_two_hundred_concurrent_refunds_never_exceed_the_captured_amount(
    settings: Settings, clock: FixedClock
) -> None:
    c = build(settings.model_copy(update={"web_pool_size": 40}), clock=clock, fast_hashing=True)
    store = make_store(c)
    buyer = make_user(c, role=Role.buyer)
    support = actor_of(c, make_user(c, role=Role.support))
    order_id = make_order(c, buyer_id=buyer, store_id=store, shipping_fee=0)
    captured = pay(c, order_id).payment.amount_captured
    amount = captured // 97 + 1
    barrier = threading.Barrier(REQUESTS)

    def attempt(_: int) -> str:
        barrier.wait(timeout=60)
        try:
            refunds.issue_manual_refund(
                c.uow(),
                c.ctx,
                actor=support,
                order_id=order_id,
                amount=amount,
                reason="goodwill",
                gateway="sandbox",
            )
        except RuleConflict as exc:
            return exc.code
        return "ok"

    with ThreadPoolExecutor(max_workers=REQUESTS) as pool:
        outcomes = list(pool.map(attempt, range(REQUESTS)))

    with c.read_session() as s:
        total = s.scalar(
            select(func.coalesce(func.sum(m.RefundRow.amount), 0)).where(
                m.RefundRow.order_id == order_id
            )
        )
    c.dispose()
    assert outcomes.count("ok") == captured // amount
    assert set(outcomes) == {"ok", "refund_exceeds_captured"}
    assert total == outcomes.count("ok") * amount
    assert total <= captured
