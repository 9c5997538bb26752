"""Support's dashboard (issue 13): disputes opened and decided, outcomes by type, SLA
breaches, cancellation reasons by fault and refund times against the expected window, over
the last 7, 30 or 90 days, as SVG charts drawn on the server with their numbers beside them
(`dashboard_panels`, `dashboard_disputes`, `dashboard_orders`). Days are the viewer's days
(their time zone)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from recourse.db.queries import dashboard as q
from recourse.i18n import Words
from recourse.web import language
from recourse.web.deps import ContainerDep, ReadSession
from recourse.web.pages.common import SupportUser
from recourse.web.pages.support.dashboard_disputes import (
    opened_and_decided,
    outcomes_by_type,
    sla_breaches,
)
from recourse.web.pages.support.dashboard_orders import cancellation_reasons, refund_times
from recourse.web.pages.support.dashboard_panels import Panel, Period, period
from recourse.web.routers import page_router
from recourse.web.templating import render

router = page_router()

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30


def panels(session: Session, p: Period, now: datetime, tz: ZoneInfo, words: Words) -> list[Panel]:
    return [
        opened_and_decided(q.dispute_moments(session, p.since), p, tz, words),
        outcomes_by_type(q.dispute_outcomes(session, p.since), words),
        sla_breaches(q.sla_cases(session, p.since, now), p, now, tz, words),
        cancellation_reasons(q.cancellation_reasons(session, p.since), words),
        refund_times(q.refund_times(session, p.since), words),
    ]


@router.get("/support/dashboard")
def dashboard(
    request: Request,
    user: SupportUser,
    c: ContainerDep,
    session: ReadSession,
    days: str | None = None,
) -> Response:
    words = language.words(request)
    chosen = int(days) if days in {str(n) for n in PERIODS} else DEFAULT_PERIOD
    tz = ZoneInfo(user.timezone)
    now = c.clock.now()
    p = period(chosen, now, tz)
    return render(
        request,
        "dashboard/support_dashboard.html",
        {
            "user": user,
            "days": chosen,
            "periods": PERIODS,
            "first": p.first,
            "last": p.last,
            "panels": panels(session, p, now, tz, words),
        },
    )
