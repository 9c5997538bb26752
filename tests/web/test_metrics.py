"""`/metrics`: Prometheus exposition of request latency per route template, the outbox, deadline
lag, refunds by status and gateway errors; in multiprocess mode one scrape adds up every process
that shares the folder."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample
from sqlalchemy import update

from recourse.cli import _metrics_folder, _worker
from recourse.config import Settings
from recourse.container import Container
from recourse.db.models import OutboxRow, RefundRow
from recourse.domain.roles import Role
from recourse.integrations.gateways.sandbox import SandboxGateway, SandboxSettings
from recourse.services import refunds
from recourse.web.metrics import MULTIPROC_ENV
from tests.conftest import START
from tests.factories import actor_of, make_order, make_store, make_user, pay
from tests.web.api_helpers import operator_headers

ORDER_ROUTE = "/api/v1/orders/{order_id}"
ROOT = Path(__file__).resolve().parents[2]


def scrape(client: TestClient) -> list[Sample]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return [s for family in text_string_to_metric_families(response.text) for s in family.samples]


def value(samples: list[Sample], name: str, **labels: str) -> float:
    """The sample's value, 0 when the series does not exist yet."""
    for s in samples:
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
            return s.value
    return 0.0


def test_the_exposition_parses_and_counts_requests_per_route_template(
    client: TestClient, container: Container
) -> None:
    store = make_store(container)
    buyer = make_user(container, role=Role.buyer)
    orders = [make_order(container, buyer_id=buyer, store_id=store) for _ in range(3)]
    op = operator_headers(container)
    before = scrape(client)
    for order in orders:
        assert client.get(f"/api/v1/orders/{order}", headers=op).status_code == 200
    assert client.get("/api/v1/orders/999999", headers=op).status_code == 404
    assert client.get("/no/such/page").status_code == 404
    assert client.request("BREW", "/healthz").status_code == 405  # any word a client sends
    after = scrape(client)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    ok = {"method": "GET", "route": ORDER_ROUTE, "status_class": "2xx"}
    assert grew("recourse_http_request_seconds_count", **ok) == 3
    assert grew("recourse_http_request_seconds_bucket", **ok, le="+Inf") == 3
    assert grew("recourse_http_request_seconds_sum", **ok) > 0
    buckets = [
        s
        for s in after
        if s.name == "recourse_http_request_seconds_bucket" and {k: s.labels[k] for k in ok} == ok
    ]
    assert len(buckets) == 11  # ten bounds and +Inf, cumulative
    counts = [s.value for s in sorted(buckets, key=lambda s: float(s.labels["le"]))]
    assert counts == sorted(counts)
    missing = {"method": "GET", "route": ORDER_ROUTE, "status_class": "4xx"}
    assert grew("recourse_http_request_seconds_count", **missing) == 1
    assert grew("recourse_http_requests_total", method="GET", route=ORDER_ROUTE, status="200") == 3
    assert grew("recourse_http_requests_total", method="GET", route="unmatched", status="404") == 1
    # the template, never the path: no label carries an order's id
    routes = {s.labels["route"] for s in after if "route" in s.labels}
    assert not routes & {f"/api/v1/orders/{order}" for order in [*orders, 999999]}
    assert "/no/such/page" not in routes
    assert grew("recourse_http_requests_total", method="other", route="/healthz", status="405") == 1
    assert "BREW" not in {s.labels.get("method") for s in after}
    assert value(after, "recourse_metrics_database_up") == 1


def test_the_outbox_and_deadline_gauges_are_read_from_the_database(
    client: TestClient, container: Container
) -> None:
    with container.uow() as uow:
        uow.session.execute(update(OutboxRow).values(delivered_at=START))  # a clean slate
        uow.commit()
    hour = timedelta(hours=1)

    def row(kind: str, available: timedelta, **extra: object) -> OutboxRow:
        return OutboxRow(
            kind=kind, payload={}, created_at=START - 3 * hour, available_at=START - available,
            **extra,
        )  # fmt: skip

    with container.uow() as uow:
        uow.session.add_all(
            [
                row("email", 2 * hour),  # the oldest due message: two hours waiting
                row("deadline", hour),  # the oldest due deadline: an hour late
                row("deadline", timedelta(minutes=10)),
                row("deadline", -hour),  # not due yet
                row("email", 3 * hour, delivered_at=START - hour),  # done
                row("webhook", 3 * hour, dead_at=START - hour),  # dead
            ]
        )
        uow.commit()
    samples = scrape(client)
    assert value(samples, "recourse_outbox_due_messages") == 3
    assert value(samples, "recourse_outbox_dead_messages") == 1
    assert value(samples, "recourse_outbox_oldest_due_age_seconds") == 7200
    assert value(samples, "recourse_deadline_lag_seconds") == 3600

    with container.uow() as uow:
        uow.session.execute(update(OutboxRow).values(delivered_at=START))
        uow.commit()
    samples = scrape(client)
    assert value(samples, "recourse_outbox_due_messages") == 0
    assert value(samples, "recourse_outbox_oldest_due_age_seconds") == 0
    assert value(samples, "recourse_deadline_lag_seconds") == 0


def _refund(c: Container, amount: int) -> int:
    store = make_store(c)
    buyer = make_user(c, role=Role.buyer)
    support = make_user(c, role=Role.support)
    order = make_order(c, buyer_id=buyer, store_id=store)
    pay(c, order)
    return refunds.issue_manual_refund(
        c.uow(),
        c.ctx,
        actor=actor_of(c, support),
        order_id=order,
        amount=amount,
        reason="goodwill",
        gateway="sandbox",
    )


def test_refunds_by_status_and_gateway_errors(client: TestClient, container: Container) -> None:
    before = scrape(client)
    assert value(before, "recourse_refunds", status="pending") == 0
    sandbox = container.gateways["sandbox"]
    assert isinstance(sandbox, SandboxGateway)
    sandbox.configure(SandboxSettings(fail_next=1))  # the provider is down for one call
    first = _refund(container, 1000)
    _refund(container, 500)
    _worker(container).run_once()
    samples = scrape(client)
    errors = {"gateway": "sandbox", "operation": "create_refund"}
    assert (
        value(samples, "recourse_gateway_errors_total", **errors)
        - value(before, "recourse_gateway_errors_total", **errors)
        == 1
    )
    # one refund went through, the other waits for its retry
    assert value(samples, "recourse_refunds", status="processing") == 1
    assert value(samples, "recourse_refunds", status="pending") == 1
    assert value(samples, "recourse_refunds", status="succeeded") == 0
    assert value(samples, "recourse_refunds_needs_attention") == 0

    with container.uow() as uow:
        uow.session.execute(
            update(RefundRow).where(RefundRow.id == first).values(needs_attention=True)
        )
        uow.commit()
    assert value(scrape(client), "recourse_refunds_needs_attention") == 1


# Runs in a process of its own: requests through the real app and middleware, and one gateway
# error counted the way the worker counts it.
CHILD = textwrap.dedent(
    """
    import sys
    from fastapi.testclient import TestClient
    from recourse.bootstrap import build
    from recourse.config import Settings
    from recourse.web.app import create_app
    from recourse.worker.metrics import count_gateway_error

    n, data_dir, url = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    settings = Settings(data_dir=data_dir, database_url=url, secret_key="test-secret")
    client = TestClient(create_app(build(settings, fast_hashing=True)))
    for _ in range(n):
        assert client.get("/healthz").status_code == 200
    count_gateway_error("sandbox", "create_refund")
    """
)


def test_one_scrape_adds_up_every_process_sharing_the_folder(
    client: TestClient, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "metrics"
    folder.mkdir()
    env = {**os.environ, MULTIPROC_ENV: str(folder)}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(n), str(tmp_path), settings.resolved_database_url],
            env=env,
            cwd=ROOT,
        )
        for n in (3, 4)
    ]
    assert [child.wait(timeout=120) for child in children] == [0, 0]
    assert sorted(p.name.split("_")[0] for p in folder.glob("*.db")) == [
        "counter",
        "counter",
        "histogram",
        "histogram",
    ]

    monkeypatch.setenv(MULTIPROC_ENV, str(folder))
    samples = scrape(client)  # this process keeps its own values in memory: only the files count
    healthz = {"method": "GET", "route": "/healthz"}
    assert value(samples, "recourse_http_requests_total", **healthz, status="200") == 7
    assert value(samples, "recourse_http_request_seconds_count", **healthz, status_class="2xx") == 7
    assert (
        value(
            samples,
            "recourse_http_request_seconds_bucket",
            **healthz,
            status_class="2xx",
            le="+Inf",
        )
        == 7
    )
    errors = {"gateway": "sandbox", "operation": "create_refund"}
    assert value(samples, "recourse_gateway_errors_total", **errors) == 2
    assert value(samples, "recourse_metrics_database_up") == 1  # read once, by the scraper


def test_the_command_line_sets_the_folder_before_any_metric_exists(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # prometheus_client picks where values live when first imported: not before the folder is set
    found = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, recourse.cli; print('prometheus_client' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert found.stdout.strip() == "False"

    monkeypatch.delenv(MULTIPROC_ENV, raising=False)
    folder = settings.data_dir / "metrics"
    _metrics_folder(settings, empty=True)
    assert os.environ[MULTIPROC_ENV] == str(folder.resolve())
    stale = folder / "counter_12345.db"
    stale.write_bytes(b"")
    _metrics_folder(settings, empty=False)  # a worker joins the web server's folder
    assert stale.exists()
    _metrics_folder(settings, empty=True)  # the web server starts afresh
    assert not stale.exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_serve_with_two_web_processes_gives_every_scrape_the_same_totals(
    settings: Settings, tmp_path: Path
) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k != MULTIPROC_ENV}
    env |= {
        "RECOURSE_DATA_DIR": str(tmp_path),
        "RECOURSE_DATABASE_URL": settings.resolved_database_url,
        "RECOURSE_SECRET_KEY": "test-secret",
    }
    command = [sys.executable, "-m", "recourse", "serve", "--port", str(port), "--workers", "2"]
    server = subprocess.Popen([*command, "--no-worker"], env=env, cwd=ROOT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, "the server stopped"
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        time.sleep(2)  # the second web process
        with ThreadPoolExecutor(16) as pool:  # a connection each: the processes share them out
            statuses = list(
                pool.map(lambda _: httpx.get(f"{base}/healthz").status_code, range(100))
            )
        assert set(statuses) == {200}
        seen = []
        for _ in range(6):
            text = httpx.get(f"{base}/metrics").text
            samples = [s for f in text_string_to_metric_families(text) for s in f.samples]
            seen.append(
                value(
                    samples,
                    "recourse_http_requests_total",
                    method="GET",
                    route="/healthz",
                    status="200",
                )
            )
        assert set(seen) == {101}  # 100 and the readiness check, whichever process answers
        assert list((tmp_path / "metrics").glob("counter_*.db"))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
