"""§1 for the writes each party is allowed: each on a freshly seeded world, so that one
permitted change (an approval, a logout) never decides the outcome of the next request."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.reliability.access import Outcome, Rule, cases, outcome, page_client, send
from tests.reliability.conftest import seeded


@pytest.mark.parametrize(("rule", "party", "expected"), list(cases(fresh=True)))
def test_party_may_do_what_section_1_allows(
    tmp_path: Path, database_template: str, rule: Rule, party: str, expected: Outcome
) -> None:
    fresh = seeded(tmp_path, database_template)
    browser = page_client(fresh.app, fresh.world, party)
    with TestClient(fresh.app, follow_redirects=False) as api:
        response = send(rule, fresh.world, party, api, {party: browser})
    browser[0].close()
    fresh.container.dispose()

    assert outcome(response) == expected, response.text[:500]
