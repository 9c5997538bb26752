"""§2 orders: ingest from the marketplace, and the payment updates that follow."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from recourse.domain.calendar import add_business_days_at
from recourse.domain.cancellation import overdue_autocancel_at
from recourse.domain.errors import InvalidInput, NotFound, RuleConflict
from recourse.domain.ingest import NewLine, validate_new_lines
from recourse.domain.order import (
    Deadlines,
    Order,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
    derive_status,
    order_totals,
    payment_deadlines,
    payment_reminder_due,
    payment_window_recheck,
)
from recourse.domain.order import record_payment as decide_payment
from recourse.domain.policy import PlatformPolicy, policy_in_force
from recourse.domain.roles import Actor, OperatorTask, Role, can_see_order, check_operator
from recourse.domain.timeline import TimelineEntry
from recourse.services.events import PaymentReminderDue
from recourse.services.notify import schedule_deadline, schedule_reminder
from recourse.services.ports.common import Context
from recourse.services.ports.orders import NewOrder
from recourse.services.ports.unit_of_work import UnitOfWork

PAYMENT_WINDOW_ENDS = "order.payment_window_ends"
PAYMENT_REMINDER = "order.payment_reminder"
OVERDUE_AUTOCANCEL = "order.overdue_autocancel"
OVERDUE_REMINDER = "order.overdue_reminder"


@dataclass(frozen=True, slots=True)
class OrderInput:
    buyer_id: int
    store_id: int
    currency: str
    shipping_fee: int
    payment_method: PaymentMethod
    lines: Sequence[NewLine]
    country: str | None = None
    external_id: str | None = None


def ingest_order(uow: UnitOfWork, ctx: Context, *, actor: Actor, data: OrderInput) -> int:
    """§2: the marketplace hands over a placed order; it waits for payment until `pay_by`."""
    check_operator(actor, OperatorTask.ingest_orders)
    currency = data.currency.strip().upper()
    if not ctx.currencies.is_known(currency):
        raise InvalidInput("currency", "order.unknown_currency", currency=data.currency)
    validate_new_lines(data.lines, data.shipping_fee)
    now = ctx.clock.now()
    with uow:
        buyer = uow.users.get(data.buyer_id)
        if buyer is None or buyer.role is not Role.buyer:
            raise NotFound("order.no_buyer", field="buyer_id", buyer_id=data.buyer_id)
        if uow.stores.get(data.store_id) is None:
            raise NotFound("order.no_store", field="store_id", store_id=data.store_id)
        if data.external_id:
            existing = uow.orders.id_by_external_id(data.store_id, data.external_id)
            if existing is not None:
                raise RuleConflict("duplicate_external_id", order_id=existing)
        country = data.country.strip().upper() if data.country else buyer.country
        if len(country) != 2 or not country.isalpha():
            raise InvalidInput("country", "order.country_code")
        platform = uow.platform.policy()
        deadlines = Deadlines(pay_by=now + timedelta(hours=platform.payment_window_hours))
        order_id = uow.orders.add(
            NewOrder(
                external_id=data.external_id,
                buyer_id=buyer.id,
                store_id=data.store_id,
                currency=currency,
                country=country,
                shipping_fee=data.shipping_fee,
                payment=Payment(method=data.payment_method),
                lines=list(data.lines),
                created_at=now,
                deadlines=deadlines,
            )
        )
        total = order_totals(currency, data.lines, data.shipping_fee).total
        uow.timeline.add(
            TimelineEntry(
                order_id=order_id,
                at=now,
                actor=actor,
                action="order.placed",
                to_state=str(OrderStatus.awaiting_payment),
                data={"total": total.minor, "currency": currency},
            )
        )
        uow.orders.set_status(order_id, OrderStatus.awaiting_payment, now)
        assert deadlines.pay_by is not None
        _schedule_payment_window(uow, order_id, deadlines.pay_by, platform, now)
        uow.commit()
    return order_id


def _schedule_payment_window(
    uow: UnitOfWork, order_id: int, pay_by: datetime, platform: PlatformPolicy, now: datetime
) -> None:
    """C2/M2: the window's end cancels an unpaid order; a reminder goes before it."""
    schedule_deadline(uow, name=PAYMENT_WINDOW_ENDS, subject_id=order_id, due_at=pay_by)
    schedule_reminder(
        uow,
        name=PAYMENT_REMINDER,
        subject_id=order_id,
        due_at=pay_by,
        remind_before_hours=platform.remind_before_hours,
        now=now,
    )


def _schedule_overdue(
    uow: UnitOfWork, order_id: int, cancels_at: datetime, platform: PlatformPolicy, now: datetime
) -> None:
    """C4/M2: an unshipped order cancels itself at `cancels_at`; its sellers are reminded first."""
    schedule_deadline(uow, name=OVERDUE_AUTOCANCEL, subject_id=order_id, due_at=cancels_at)
    schedule_reminder(
        uow,
        name=OVERDUE_REMINDER,
        subject_id=order_id,
        due_at=cancels_at,
        remind_before_hours=platform.remind_before_hours,
        now=now,
    )


def payment_reminder(uow: UnitOfWork, ctx: Context, *, order_id: int) -> bool:
    """M2/C2: remind the buyer before an unpaid order cancels itself."""
    # Imported here: the subscribers' table reaches the cancellation package, which imports
    # this module.
    from recourse.services import subscribers

    now = ctx.clock.now()
    with uow:
        order = uow.orders.get(order_id)
        if order is None or not payment_reminder_due(order, now):
            return False
        assert order.deadlines.pay_by is not None
        total = order_totals(order.currency, order.lines, order.shipping_fee).total
        subscribers.record(
            uow,
            ctx,
            PaymentReminderDue(order=order, pay_by=order.deadlines.pay_by, total=total, at=now),
        )
        uow.commit()
    return True


def load_order(
    uow: UnitOfWork,
    actor: Actor,
    order_id: int,
    *,
    for_update: bool = False,
    with_cases: bool = False,
) -> Order:
    """The order if the actor may see it; otherwise NotFound (§1: never confirm it exists).
    `with_cases`: locked with what its cancellations, refunds, returns and disputes are read
    from (Orders.get), for a use case that reads them."""
    order = uow.orders.get(order_id, for_update=for_update, with_cases=with_cases)
    if order is None or not can_see_order(actor, buyer_id=order.buyer_id, store_id=order.store_id):
        # No facts: someone else's order and a missing one read the same (§1).
        raise NotFound("order.no_such")
    return order


def refresh_status(
    uow: UnitOfWork, order: Order, now: datetime, *, refunds_recorded: int = 0
) -> OrderStatus:
    """Store the derived status beside the rows it derives from, for lists and counts.

    The order's settlement (its cases and refunds) only decides whether the status the lines
    give becomes `closed` (§2). So it is read only when it could: not when the domain, told
    that everything is settled, still does not close the order, nor when the caller recorded
    `refunds_recorded` refunds in this transaction (a new refund is pending, F4, so it is
    unsettled and the settlement read would only count it again)."""
    if (
        derive_status(order, now, had_cases_or_refunds=True, unsettled_refunds=refunds_recorded)
        is not OrderStatus.closed
    ):
        status = derive_status(
            order,
            now,
            had_cases_or_refunds=refunds_recorded > 0,
            unsettled_refunds=refunds_recorded,
        )
    else:
        settlement = uow.orders.settlement(order.id)
        status = derive_status(
            order,
            now,
            open_cases=settlement.open_cases,
            unsettled_refunds=settlement.unsettled_refunds,
            had_cases_or_refunds=settlement.had_cases_or_refunds,
        )
    uow.orders.set_status(order.id, status, now)
    return status


def _terms_at_capture(
    uow: UnitOfWork, ctx: Context, order: Order, now: datetime
) -> tuple[int, datetime]:
    """§9/§2: the policy version in force at capture governs the order, and its processing
    days, counted in the store's business days, set the ship-by deadline."""
    store = uow.stores.get(order.store_id)
    assert store is not None
    version = policy_in_force(uow.stores.policy_versions(order.store_id), now)
    ship_by = add_business_days_at(
        now,
        version.policy.processing_days,
        lambda day: ctx.holidays.is_holiday(store.country, day),
        ctx.holidays.weekend(store.country),
    )
    return version.id, ship_by


def record_payment(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    order_id: int,
    status: PaymentStatus,
    amount: int | None = None,
    reference: str | None = None,
) -> Order:
    """§2/C3/§9: capture fixes the governing policy version and the ship-by deadline."""
    check_operator(actor, OperatorTask.report_payments)
    now = ctx.clock.now()
    with uow:
        order = load_order(uow, actor, order_id, for_update=True)
        before = derive_status(order, now)
        payment = decide_payment(order, status=status, amount=amount, reference=reference, now=now)
        policy_version_id = order.policy_version_id
        ship_by = None
        if payment.status is PaymentStatus.captured:
            policy_version_id, ship_by = _terms_at_capture(uow, ctx, order, now)
        platform = uow.platform.policy()
        deadlines = payment_deadlines(
            order, payment, payment_review_hours=platform.payment_review_hours, ship_by=ship_by
        )
        uow.orders.save_payment(order.id, payment, policy_version_id=policy_version_id)
        uow.orders.save_deadlines(order.id, deadlines)
        autocancel_at = (
            overdue_autocancel_at(replace(order, deadlines=deadlines), platform)
            if payment.status is PaymentStatus.captured
            else None
        )
        if autocancel_at is not None:
            _schedule_overdue(uow, order.id, autocancel_at, platform, now)
        recheck_at = payment_window_recheck(order, payment, now)
        if recheck_at is not None:
            schedule_deadline(uow, name=PAYMENT_WINDOW_ENDS, subject_id=order.id, due_at=recheck_at)
        updated = uow.orders.get(order.id)
        assert updated is not None
        after = refresh_status(uow, updated, now)
        uow.timeline.add(
            TimelineEntry(
                order_id=order.id,
                at=now,
                actor=actor,
                action=f"payment.{payment.status}",
                from_state=str(before),
                to_state=str(after),
                data={"amount": payment.amount_captured, "reference": payment.reference},
            )
        )
        uow.commit()
    return updated
