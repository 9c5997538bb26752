"""A web process runs at most `web_pool_size` requests in its thread pool at once (web/app.py
`run_in_threads_as_many_as_connections`): the rest wait in the event loop for a thread, not in
a thread for a database connection; and no request waits for a thread while it holds a
connection (web/routers.py `releasing`)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from recourse.bootstrap import build
from recourse.config import Settings
from recourse.domain.roles import Role
from recourse.integrations.clock import FixedClock
from recourse.web.app import create_app
from tests.factories import make_order, make_store, make_user
from tests.web.api_helpers import user_headers


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


def test_many_reads_at_once_on_a_small_pool_all_answer(
    settings: Settings, clock: FixedClock
) -> None:
    """A read endpoint's connection goes back to the pool as the endpoint returns: twelve
    requests at once on two threads and two connections per engine all answer. Before, each
    request kept its read session's connection until its answer was sent, and waited for a
    thread to serialise that answer while the threads waited for connections: the requests
    stood still until the pool gave up (30 s, then 500)."""
    c = build(settings.model_copy(update={"web_pool_size": 2}), clock=clock, fast_hashing=True)
    try:
        store = make_store(c)
        buyer = make_user(c, role=Role.buyer, email="ann@example.com")
        order = make_order(c, buyer_id=buyer, store_id=store)
        headers = user_headers(c, "ann@example.com")
        path = f"/api/v1/orders/{order}/cancellations"
        with TestClient(create_app(c)) as client, ThreadPoolExecutor(12) as senders:
            answers = list(
                senders.map(lambda _: client.get(path, headers=headers).status_code, range(36))
            )
    finally:
        c.dispose()
    assert answers == [200] * 36
