"""What every step of a return shares: loading it with its order, the calendar its business
days are counted in, writing a step (with the deadline it now waits for), its timeline entry
and its quote."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from recourse.domain.errors import NotFound
from recourse.domain.order import Order
from recourse.domain.parcel_returns import quote_parcel_return
from recourse.domain.policy import StorePolicy, policy_in_force
from recourse.domain.refund import RefundedSoFar, RefundQuote
from recourse.domain.return_rules import business_deadline, quote_buyer_return
from recourse.domain.returns import ReasonCategory, Return, due_at_of
from recourse.domain.roles import Actor
from recourse.domain.timeline import TimelineEntry
from recourse.services import evidence
from recourse.services.orders import load_order
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork


def load(
    uow: UnitOfWork, actor: Actor, return_id: int, *, for_update: bool = False
) -> tuple[Return, Order]:
    """The return and its order if the actor may see the order; else 404 (§1: another party's
    return and a missing one read the same)."""
    ret = uow.returns.get(return_id, for_update=for_update)
    if ret is None:
        raise NotFound("return.not_found", return_id=return_id)
    try:
        order = load_order(uow, actor, ret.order_id, for_update=for_update)
    except NotFound:
        raise NotFound("return.not_found", return_id=return_id) from None
    return ret, order


def store_policy(uow: UnitOfWork, order: Order, now: datetime) -> StorePolicy:
    """§9: the policy version the order was paid under (or the one in force now)."""
    if order.policy_version_id is not None:
        version = uow.stores.policy_version(order.policy_version_id)
        if version is not None:
            return version.policy
    return policy_in_force(uow.stores.policy_versions(order.store_id), now).policy


def business_days_after(
    uow: UnitOfWork, ctx: Context, order: Order, moment: datetime, days: int
) -> datetime:
    """R2/R4: `days` business days of the buyer's country after `moment`, counted on the
    buyer's calendar and clock as refunds' dates are (F5)."""
    home = uow.users.home(order.buyer_id)
    country, zone = home if home is not None else (order.country, "UTC")
    local = moment.astimezone(ZoneInfo(zone))
    due = business_deadline(
        local,
        days,
        lambda day: ctx.holidays.is_holiday(country, day),
        ctx.holidays.weekend(country),
    )
    return due.astimezone(UTC)


def save(uow: UnitOfWork, ret: Return, **values: Any) -> Return:
    """Write a step: the changed columns and `due_at`, the deadline the new step waits for."""
    after = replace(ret, **values)
    after = replace(after, due_at=due_at_of(after))
    uow.returns.update(ret.id, **values, due_at=after.due_at)
    return after


def so_far(uow: UnitOfWork, order_id: int) -> RefundedSoFar:
    return uow.refunds.so_far(order_id)


def quote_of(uow: UnitOfWork, order: Order, ret: Return, policy: StorePolicy) -> RefundQuote:
    """R5 for a buyer return; S2 for a parcel that came back (its own rules)."""
    if ret.is_parcel:
        return quote_parcel_return(order, ret.units, so_far(uow, order.id), fault=ret.fault)
    assert ret.category is not None
    return quote_buyer_return(
        order, ret.units, so_far(uow, order.id), category=ret.category, policy=policy
    )


def attach_files(
    uow: UnitOfWork,
    actor: Actor,
    order_id: int,
    return_id: int,
    file_ids: Sequence[int],
    now: datetime,
) -> None:
    """R1/R4: the actor's uploaded photos or PDFs become the return's evidence (T6)."""
    if not file_ids:
        return
    assert actor.user_id is not None
    evidence.attach(
        uow,
        order_id=order_id,
        uploader_id=actor.user_id,
        file_ids=file_ids,
        subject="return",
        subject_id=return_id,
        now=now,
    )


def entry(
    order: Order,
    ret: Return,
    actor: Actor,
    now: datetime,
    action: str,
    *,
    reason: str | None = None,
    note: str | None = None,
    **data: Any,
) -> TimelineEntry:
    """A timeline entry of a return step ("return.<step>"), naming the return."""
    return TimelineEntry(
        order_id=order.id,
        at=now,
        actor=actor,
        action=action,
        reason=reason,
        note=note,
        data={"return_id": ret.id, "kind": str(ret.kind), **data},
    )


def category(value: str | None) -> ReasonCategory | None:
    return ReasonCategory(value) if value else None
