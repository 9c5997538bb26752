"""§1 for the writes each party is allowed: each on a freshly seeded world, so that one
permitted change (an approval, a logout) never decides the outcome of the next request."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.reliability.access import Outcome, Rule, browsers_for, cases, outcome, send
from tests.reliability.conftest import Seeded


@pytest.mark.parametrize(("rule", "party", "expected"), list(cases(fresh=True)))
def test_party_may_do_what_section_1_allows(
    fresh: Seeded, rule: Rule, party: str, expected: Outcome
) -> None:
    with TestClient(fresh.app, follow_redirects=False) as api:
        response = send(
            rule, fresh.world, party, api, browsers_for(rule, fresh.app, fresh.world, party)
        )

    assert outcome(response) == expected, response.text[:500]
