"""One API request, one transaction (issue 14): the Idempotency-Key's reservation and answer,
the bearer token, the use case and the answer are committed together, with one hand-off to
the thread pool; the answer is the one a later read gives; refusals and replays answer as
before."""

from __future__ import annotations

import hashlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, insert, select

from recourse.container import Container
from recourse.db import models as m
from recourse.domain.roles import Role
from recourse.integrations.clock import FixedClock
from tests.conftest import PG_URL
from tests.factories import make_order, make_store, make_user, pay
from tests.web.api_helpers import user_headers
from tests.web.transactions import Seen


@pytest.fixture
def world(container: Container) -> dict[str, Any]:
    instant = make_store(container)
    asking = make_store(container, buyer_cancel="approval")
    buyer = make_user(container, role=Role.buyer, email="ann@example.com")
    make_user(container, role=Role.seller, email="sam@example.com", store_ids=[asking])
    paid = make_order(container, buyer_id=buyer, store_id=instant)
    pay(container, paid)
    requested = make_order(container, buyer_id=buyer, store_id=asking)
    pay(container, requested)
    return {
        "buyer": buyer,
        "instant": instant,
        "paid": paid,
        "requested": requested,
        "ann": user_headers(container, "ann@example.com"),
        "sam": user_headers(container, "sam@example.com"),
    }


def _keys(c: Container) -> list[tuple[int | None, str | None]]:
    with c.read_session() as s:
        return [
            (r.status_code, r.response_body)
            for r in s.scalars(select(m.IdempotencyKeyRow).order_by(m.IdempotencyKeyRow.id))
        ]


def test_an_api_cancel_is_one_transaction_with_one_hand_off(
    client: TestClient, container: Container, world: dict[str, Any], seen: Seen
) -> None:
    client.get("/healthz")  # the app's start-up reads are not the request's
    seen.reset()
    done = client.post(
        f"/api/v1/orders/{world['paid']}/cancellations",
        json={"reason": "changed_mind"},
        headers={**world["ann"], "Idempotency-Key": "one-transaction"},
    )
    assert done.status_code == 201, done.text
    assert done.json()["status"] == "completed"
    assert (seen.begins, seen.commits, seen.rollbacks) == (1, 1, 0), seen.statements
    assert seen.hand_offs == 1
    # the key's answer is the one sent, stored by the same commit
    assert _keys(container) == [(201, done.text)]


def test_a_warm_api_paid_cancel_is_five_statements_on_postgresql(
    client: TestClient, container: Container, world: dict[str, Any], seen: Seen
) -> None:
    """The key's claim with the token, the order's lock, its cases, the one write, the key's
    answer: the answer is built from what the transaction holds (the order's record, the new
    rows), not read back. The first cancel reads the reference data the others find cached."""
    if container.engine.dialect.name != "postgresql":
        pytest.skip("SQLite sends each table's writes apart: there is no round trip to save")
    other = make_order(container, buyer_id=world["buyer"], store_id=world["instant"])
    pay(container, other)
    for order_id, key in ((other, "warm-up"), (world["paid"], "counted")):
        seen.reset()
        done = client.post(
            f"/api/v1/orders/{order_id}/cancellations",
            json={"reason": "changed_mind"},
            headers={**world["ann"], "Idempotency-Key": key},
        )
        assert done.status_code == 201, done.text
    assert len(seen.statements) == 5, seen.statements


# Whether the key's claim reads the bearer token in the same statement: PostgreSQL saves a
# round trip with it; SQLite has no data-modifying CTE, and no round trip to save.
TOKEN_WITH_CLAIM = {"postgresql": True, "sqlite": False}


def _queries(seen: Seen) -> list[str]:
    return [sql for sql in seen.statements if not sql.startswith("BEGIN")]  # SQLite's BEGIN


def test_the_key_is_claimed_and_the_token_read_in_one_statement(
    client: TestClient, container: Container, world: dict[str, Any], seen: Seen
) -> None:
    client.get("/healthz")
    seen.reset()
    done = client.post(
        f"/api/v1/orders/{world['paid']}/cancellations",
        json={"reason": "changed_mind"},
        headers={**world["ann"], "Idempotency-Key": "claim-and-token"},
    )
    assert done.status_code == 201, done.text
    queries = _queries(seen)
    first = queries[0]
    assert "INSERT INTO idempotency_keys" in first, queries
    assert ("api_tokens" in first) is TOKEN_WITH_CLAIM[container.engine.dialect.name], queries
    assert sum("api_tokens" in sql for sql in queries) == 1, queries


def test_the_answer_is_what_a_read_gives_afterwards(
    client: TestClient, world: dict[str, Any], clock: FixedClock
) -> None:
    done = client.post(
        f"/api/v1/orders/{world['paid']}/cancellations",
        json={"reason": "changed_mind", "note": "no longer needed"},
        headers=world["ann"],
    )
    assert done.status_code == 201
    assert done.json()["refund"] is not None
    read = client.get(f"/api/v1/cancellations/{done.json()['id']}", headers=world["ann"])
    assert done.content == read.content

    clock.advance(timedelta(hours=2))  # past the grace window: the buyer asks the seller
    asked = client.post(
        f"/api/v1/orders/{world['requested']}/cancellations",
        json={"reason": "found_cheaper"},
        headers=world["ann"],
    )
    assert asked.json()["status"] == "pending_seller"
    cancellation = f"/api/v1/cancellations/{asked.json()['id']}"
    assert asked.content == client.get(cancellation, headers=world["ann"]).content
    rejected = client.post(
        f"{cancellation}/reject",
        json={"reason": "already_shipped", "carrier": "DHL", "tracking_number": "JD0001"},
        headers=world["sam"],
    )
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["rejection"]["carrier"] == "DHL"
    assert rejected.content == client.get(cancellation, headers=world["sam"]).content


def test_a_replay_runs_nothing_and_answers_the_first_answer(
    client: TestClient, container: Container, world: dict[str, Any], seen: Seen
) -> None:
    url = f"/api/v1/orders/{world['paid']}/cancellations"
    headers = {**world["ann"], "Idempotency-Key": "twice"}
    first = client.post(url, json={"reason": "changed_mind"}, headers=headers)
    seen.reset()
    again = client.post(url, json={"reason": "changed_mind"}, headers=headers)
    assert (again.status_code, again.content) == (201, first.content)
    assert again.headers["idempotent-replayed"] == "true"
    assert seen.commits == 0  # nothing written
    # the key's claim (on PostgreSQL with the token in the same statement) and the read of
    # its answer: nothing of the use case ran
    assert all("idempotency_keys" in sql for sql in _queries(seen)), seen.statements
    other = client.post(url, json={"reason": "found_cheaper"}, headers=headers)
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    with container.read_session() as s:
        assert s.scalar(select(func.count()).select_from(m.CancellationRow)) == 1


def test_a_refusal_is_stored_and_replayed_and_leaves_nothing_else(
    client: TestClient, container: Container, world: dict[str, Any]
) -> None:
    url = f"/api/v1/orders/{world['paid']}/cancellations"
    client.post(url, json={"reason": "changed_mind"}, headers=world["ann"])
    headers = {**world["ann"], "Idempotency-Key": "refused"}
    refused = client.post(url, json={"reason": "changed_mind"}, headers=headers)
    assert refused.status_code == 409
    assert "idempotent-replayed" not in refused.headers
    again = client.post(url, json={"reason": "changed_mind"}, headers=headers)
    assert (again.status_code, again.content) == (409, refused.content)
    assert again.headers["idempotent-replayed"] == "true"
    assert _keys(container) == [(409, refused.text)]
    with container.read_session() as s:
        assert s.scalar(select(func.count()).select_from(m.CancellationRow)) == 1


def test_refusals_before_the_use_case_are_stored_as_before(
    client: TestClient, container: Container, world: dict[str, Any]
) -> None:
    url = f"/api/v1/orders/{world['paid']}/cancellations"
    bad_token = {"Authorization": "Bearer not-a-token", "Idempotency-Key": "who"}
    unknown = client.post(url, json={"reason": "changed_mind"}, headers=bad_token)
    assert unknown.status_code == 401
    assert unknown.headers["www-authenticate"] == "Bearer"
    invalid = client.post(
        url, json={"reason": ""}, headers={**world["ann"], "Idempotency-Key": "v"}
    )
    assert invalid.status_code == 422
    assert _keys(container) == [(401, unknown.text), (422, invalid.text)]
    replayed = client.post(
        url, json={"reason": ""}, headers={**world["ann"], "Idempotency-Key": "v"}
    )
    assert (replayed.status_code, replayed.content) == (422, invalid.content)
    assert replayed.headers["idempotent-replayed"] == "true"
    # the same key with a body that would now pass is still the first request's key
    reused = client.post(
        url, json={"reason": "changed_mind"}, headers={**world["ann"], "Idempotency-Key": "v"}
    )
    assert reused.json()["error"]["code"] == "idempotency_key_reused"
    with container.read_session() as s:
        assert s.scalar(select(func.count()).select_from(m.CancellationRow)) == 0


def test_the_same_key_sent_at_once_runs_once_and_each_gets_the_first_answer(
    client: TestClient, container: Container, world: dict[str, Any]
) -> None:
    """The key's reservation is in the request's transaction, so a duplicate waits for it
    (PostgreSQL: on the row; SQLite: its writers take turns) and then replays its answer."""
    url = f"/api/v1/orders/{world['paid']}/cancellations"
    headers = {**world["ann"], "Idempotency-Key": "at-once"}
    start = threading.Barrier(4)

    def send(_: int) -> Any:
        start.wait()
        return client.post(url, json={"reason": "changed_mind"}, headers=headers)

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(send, range(4)))
    assert [a.status_code for a in answers] == [201] * 4, [a.text for a in answers]
    assert len({a.content for a in answers}) == 1
    assert sorted(a.headers.get("idempotent-replayed", "") for a in answers) == [
        "",
        "true",
        "true",
        "true",
    ]
    with container.read_session() as s:
        assert s.scalar(select(func.count()).select_from(m.CancellationRow)) == 1
    assert _keys(container) == [(201, answers[0].text)]


def test_an_unknown_token_with_malformed_input_answers_401_as_before(
    client: TestClient, container: Container, world: dict[str, Any]
) -> None:
    """The token is looked up in the request's transaction, after FastAPI checked the input;
    an unknown one still answers 401 first, and a known one the 422."""
    url = f"/api/v1/orders/{world['paid']}/cancellations"
    unknown = {"Authorization": "Bearer not-a-token", "Idempotency-Key": "first-401"}
    answer = client.post(url, json={"reason": ""}, headers=unknown)
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "unauthenticated"
    assert answer.headers["www-authenticate"] == "Bearer"
    again = client.post(url, json={"reason": ""}, headers=unknown)
    assert (again.status_code, again.content) == (401, answer.content)
    assert again.headers["idempotent-replayed"] == "true"
    approve = client.post(
        "/api/v1/cancellations/x/approve", headers={"Authorization": "Bearer not-a-token"}
    )
    assert approve.status_code == 401  # a malformed path too
    known = client.post("/api/v1/cancellations/x/approve", headers=world["sam"])
    assert known.status_code == 422
    assert _keys(container) == [(401, answer.text)]


@pytest.mark.skipif(not PG_URL, reason="a deadlock between two transactions: PostgreSQL's")
def test_a_request_the_database_aborts_in_a_deadlock_runs_again(
    client: TestClient, container: Container, world: dict[str, Any]
) -> None:
    """The request claims its key, then waits for the order another transaction locked; that
    one then waits for the key: PostgreSQL aborts the request (it waited first), which runs
    again once the other transaction has gone, instead of answering 500."""
    url = f"/api/v1/orders/{world['paid']}/cancellations"
    headers = {**world["ann"], "Idempotency-Key": "deadlocked"}
    owner = hashlib.sha256(headers["Authorization"].encode()).hexdigest()[:32]
    other = container.engine.connect()
    holding = other.begin()
    other_pid = other.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    other.execute(select(m.OrderRow.id).where(m.OrderRow.id == world["paid"]).with_for_update())
    with ThreadPoolExecutor(max_workers=1) as pool:
        sent = pool.submit(client.post, url, json={"reason": "changed_mind"}, headers=headers)
        with container.engine.connect() as watch:
            while not watch.exec_driver_sql(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND pid <> %(pid)s",
                {"pid": other_pid},
            ).scalar():
                assert not sent.done(), sent.result().text
                time.sleep(0.05)
        # waits for the request's key until the database breaks the cycle
        other.execute(
            insert(m.IdempotencyKeyRow).values(
                scope=owner, key="deadlocked", request_hash="x", created_at=container.clock.now()
            )
        )
        holding.rollback()
        other.close()
        done = sent.result(timeout=30)
    assert done.status_code == 201, done.text
    assert _keys(container) == [(201, done.text)]
    with container.read_session() as s:
        assert s.scalar(select(func.count()).select_from(m.CancellationRow)) == 1
