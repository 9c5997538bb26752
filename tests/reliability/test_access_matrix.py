"""§1 for every route and every party, on one shared world: reads, and every refusal.

Writes that are let through run in test_access_writes.py, each on a world of its own.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.reliability.access import (
    PARTIES,
    RULES,
    Outcome,
    Rule,
    cases,
    outcome,
    page_client,
    route_keys,
    send,
)
from tests.reliability.conftest import Seeded


@pytest.fixture(scope="module")
def api(shared: Seeded) -> Iterator[TestClient]:
    with TestClient(shared.app, follow_redirects=False) as client:
        yield client


@pytest.fixture(scope="module")
def pages(shared: Seeded) -> Iterator[dict[str, tuple[TestClient, str]]]:
    browsers = {party: page_client(shared.app, shared.world, party) for party in PARTIES}
    yield browsers
    for client, _ in browsers.values():
        client.close()


def test_every_route_has_one_expectation_per_party(shared: Seeded) -> None:
    table = [(rule.method, rule.path) for rule in RULES]

    assert len(table) == len(set(table)), "a route is listed twice"
    assert set(table) == route_keys(shared.app)


@pytest.mark.parametrize(("rule", "party", "expected"), list(cases(fresh=False)))
def test_party_gets_what_section_1_says(
    shared: Seeded,
    api: TestClient,
    pages: dict[str, tuple[TestClient, str]],
    rule: Rule,
    party: str,
    expected: Outcome,
) -> None:
    response = send(rule, shared.world, party, api, pages)

    assert outcome(response) == expected, response.text[:500]
