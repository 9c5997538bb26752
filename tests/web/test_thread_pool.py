"""A web process runs at most `web_pool_size` requests in its thread pool at once (web/app.py
`run_in_threads_as_many_as_connections`): the rest wait in the event loop for a thread, not in
a thread for a database connection."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from recourse.bootstrap import build
from recourse.config import Settings
from recourse.integrations.clock import FixedClock
from recourse.web.app import create_app


def test_requests_run_in_threads_no_more_at_once_than_the_pool_has_connections(
    settings: Settings, clock: FixedClock
) -> None:
    c = build(settings.model_copy(update={"web_pool_size": 2}), clock=clock, fast_hashing=True)
    app = create_app(c)
    lock = threading.Lock()
    running = 0
    most = 0

    def held() -> dict[str, int]:  # a sync route: FastAPI runs it in the thread pool
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.15)
        with lock:
            running -= 1
        return {"ok": 1}

    app.add_api_route("/held", held)
    try:
        with TestClient(app) as client, ThreadPoolExecutor(6) as senders:
            answers = list(senders.map(lambda _: client.get("/held").status_code, range(6)))
    finally:
        c.dispose()
    assert answers == [200] * 6
    assert most == 2
