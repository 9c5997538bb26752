"""Schemathesis over the whole OpenAPI document, in process, on a seeded world.

Each generated request (valid and invalid ones, the same on every run) is sent as every role
with its real token and as an anonymous caller. Path ids come from the world's real objects as
often as from anywhere, so requests get past the 404s to the rules behind them.

Two properties, each its own test per operation: no request makes the server fail (a 5xx, or
an exception escaping the app), and every answer is one the schema documents (status code and
body). Both read one fuzzing run per operation, in which a server failure stops the run
(reported with a curl line to replay it) while undocumented answers are collected, so they
cannot hide a 5xx.

Operations are driven with `as_strategy` rather than `schemathesis.pytest.from_fixture`, whose
per-operation subtests do not run under this pytest (they set `Function._nodeid`); the route
table of access.py names the operations, and a test checks it matches the schema's.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from typing import Any

import hypothesis.strategies as st
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from tests.reliability.access import RULES
from tests.reliability.conftest import Seeded
from tests.reliability.world import World

ROLES = ("operator", "buyer", "seller", "support", "anonymous")
EXAMPLES = 20
OPERATIONS = [(rule.method, rule.path) for rule in RULES if rule.path.startswith("/api/v1/")]
DOCUMENTED = [status_code_conformance, response_schema_conformance]


def real_ids(world: World) -> dict[str, list[Any]]:
    """Every path parameter of the API, with the world's objects it can name."""
    return {
        "order_id": [
            world.unpaid_order,
            world.requested_order,
            world.shipped_order,
            world.other_order,
        ],
        "store_id": [world.store, world.other_store],
        "user_id": sorted(world.users.values()),
        "shipment_id": [world.shipment],
        "refund_id": [world.refund],
        "cancellation_id": [world.request],
        "endpoint_id": [world.endpoint],
        "delivery_id": [world.delivery],
        "code": ["found_cheaper", "other", "out_of_stock"],
        "method": ["card", "wallet", "bank_transfer", "store_balance", "coupon"],
        "name": ["sandbox", "stripe"],
    }


@dataclass
class Fuzzed:
    """What one operation's run found: the server failure that stopped it, if any, and one
    example of each kind of undocumented answer, by (role, status, check)."""

    server_failure: str | None = None
    undocumented: dict[tuple[str, int, str], str] = field(default_factory=dict)


@pytest.fixture(scope="module")
def api_schema(shared: Seeded) -> Any:
    # The caller's token is the role's own: generated Authorization headers would replace it.
    config = schemathesis.Config.from_dict({"generation": {"with-security-parameters": False}})
    loaded = schemathesis.openapi.from_asgi("/api/openapi.json", shared.app, config=config)
    pools = real_ids(shared.world)

    @loaded.hook
    def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> Any:
        return st.fixed_dictionaries(
            {
                name: st.one_of(st.sampled_from(pools[name]), st.just(value))
                for name, value in (path_parameters or {}).items()
            }
        ).map(lambda chosen: chosen or path_parameters)

    return loaded


@pytest.fixture(scope="module")
def fuzzed(api_schema: Any, shared: Seeded) -> dict[tuple[str, str], Fuzzed]:
    """Runs on demand, once per operation, whichever of the two tests asks first."""

    class Runs(dict[tuple[str, str], Fuzzed]):
        def __missing__(self, key: tuple[str, str]) -> Fuzzed:
            method, path = key
            found = self[key] = fuzz(api_schema[path][method], shared.world)
            return found

    return Runs()


def _note_undocumented(
    case: Any, response: Any, role: str, headers: dict[str, str], found: Fuzzed
) -> None:
    try:
        case.validate_response(response, checks=DOCUMENTED, headers=headers)
    except FailureGroup as group:
        for failure in group.exceptions:
            found.undocumented.setdefault(
                (role, response.status_code, failure.title),
                f"{case.operation.label}: {failure.message}\n  body: {response.text[:300]}",
            )


def fuzz(operation: Any, world: World) -> Fuzzed:
    found = Fuzzed()
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @given(case=cases)
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        # The first failing request is reported as found: shrinking one costs a minute.
        phases=[Phase.explicit, Phase.generate],
    )
    def requests(case: Any) -> None:
        for role in ROLES:
            headers = world.headers(role)
            response = case.call(headers=headers)
            try:
                case.validate_response(response, checks=[not_a_server_error], headers=headers)
            except FailureGroup as group:
                raise AssertionError(f"as {role}: {group.message}") from None
            _note_undocumented(case, response, role, headers, found)

    try:
        requests()
    except Exception as exc:
        found.server_failure = "".join(traceback.format_exception(exc))
    return found


def test_every_operation_in_the_schema_is_fuzzed(api_schema: Any) -> None:
    documented = {(op.ok().method.upper(), op.ok().path) for op in api_schema.get_all_operations()}

    assert documented == set(OPERATIONS)


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_no_request_makes_the_server_fail(
    fuzzed: dict[tuple[str, str], Fuzzed], method: str, path: str
) -> None:
    assert fuzzed[method, path].server_failure is None, fuzzed[method, path].server_failure


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_every_answer_is_documented(
    fuzzed: dict[tuple[str, str], Fuzzed], method: str, path: str
) -> None:
    undocumented = fuzzed[method, path].undocumented

    assert not undocumented, "\n".join(
        f"as {role}, {status} ({title}): {example}"
        for (role, status, title), example in sorted(undocumented.items())
    )
