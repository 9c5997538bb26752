"""Support's side of cancellations: every store's cancellation metrics."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from recourse.db.queries.cancellations import store_metrics
from recourse.web import language
from recourse.web.deps import ContainerDep, ReadSession
from recourse.web.pages.common import SupportUser
from recourse.web.pages.shared.cancellation_metrics import METRICS_NOTE, metric_rows
from recourse.web.routers import page_router
from recourse.web.templating import render

router = page_router()


@router.get("/support/metrics")
def all_metrics(
    request: Request, user: SupportUser, c: ContainerDep, session: ReadSession
) -> Response:
    words = language.words(request)
    return render(
        request,
        "cancellations/support_metrics.html",
        {
            "user": user,
            "metrics": metric_rows(store_metrics(session), words),
            "metrics_note": words._(METRICS_NOTE),
        },
    )
