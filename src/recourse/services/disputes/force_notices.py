"""C10/C11: what a cancellation support forced on a dispute tells. Its events are published as
any completed cancellation's; its words go in the dispute's decision (one email per side, with
the refund, the rationale and the appeal date), so nobody gets a second email for it."""

from __future__ import annotations

from recourse.domain.roles import Role
from recourse.services import events
from recourse.services.cancellations import notices as cancellation_notices
from recourse.services.events import CancellationCompleted
from recourse.services.ports.cancellations import Cancellation
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork


def is_forced(cancellation: Cancellation) -> bool:
    """A cancellation support forced on a dispute (support cancels through no other door)."""
    return cancellation.requested_by_role == str(Role.support)


def announce_completed(uow: UnitOfWork, ctx: Context, e: CancellationCompleted) -> None:
    """C11: a completed cancellation as cancellations tell it, unless support forced it (C10):
    then its events only — the dispute's decision tells both sides."""
    if not is_forced(e.cancellation):
        cancellation_notices.announce_completed(uow, ctx, e)
        return
    data = cancellation_notices.event_data(
        e.order, e.cancellation, refund_id=e.refund_id, forced=True
    )
    events.publish(uow, event_type=e.event, data=data, now=e.at)
    events.publish(uow, event_type="order.lines_cancelled", data=data, now=e.at)
    if e.whole:
        events.publish(uow, event_type="order.cancelled", data=data, now=e.at)
