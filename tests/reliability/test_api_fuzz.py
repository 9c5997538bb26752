"""Schemathesis over the whole OpenAPI document, in process, on a seeded world.

Each generated request (valid and invalid ones, the same on every run) is sent as every role
with its real token and as an anonymous caller. Path ids come from the world's real objects as
often as from anywhere, so requests get past the 404s to the rules behind them.

Requests come from schemathesis' two generators: its coverage phase (boundary values, every
type a field must not have, missing and unexpected fields, each method the path does not
declare, malformed content types), sent first, and Hypothesis' positive and negative examples.

Two properties, each its own test per operation: no request makes the server fail (a 5xx, or
an exception escaping the app), and every answer passes every other check schemathesis has for
a request and its answer (CHECKS: the status code, content type, headers and body the schema
documents; invalid data refused and valid data accepted; other methods answered 405 with their
`Allow`; no 2xx without credentials). Both read one run per operation, in which a server failure
stops the run (reported with a curl line to replay it) while other failures are collected, so
they cannot hide a 5xx. The checks left out (SEQUENCE_CHECKS) judge a sequence of requests,
which a run of single requests never gives them.

Valid requests are kept within the few rules the API states in words because JSON Schema
cannot compare two values (UNSTATED: distinct SKUs and lines, an order's total, a range of days,
a public webhook host, files the caller uploaded to the order); everything else the schema says
is taken as the schema says it.

Operations are driven with `as_strategy` rather than `schemathesis.pytest.from_fixture`, whose
per-operation subtests do not run under this pytest (they set `Function._nodeid`); the route
table of access.py names the operations, and a test checks it matches the schema's.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import hypothesis.strategies as st
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, example, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS as REGISTERED
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)
from schemathesis.transport.serialization import Binary

from recourse.domain.errors import InvalidInput
from recourse.domain.money import MAX_AMOUNT
from recourse.services.webhooks import check_url
from tests.reliability.access import RULES
from tests.reliability.conftest import Seeded
from tests.reliability.world import World

ROLES = ("operator", "buyer", "seller", "support", "anonymous")
# Generated examples per operation, after the coverage phase has sent its systematic ones.
EXAMPLES = 10
OPERATIONS = [(rule.method, rule.path) for rule in RULES if rule.path.startswith("/api/v1/")]
CHECKS = [
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    missing_required_header,
    unsupported_method,
    allow_header_conformance,
    ignored_auth,
]
SEQUENCE_CHECKS = {
    "use_after_free": "a read that succeeds after a DELETE of the same object (none is deleted)",
    "ensure_resource_availability": "a read that is a 404 right after the POST that made the "
    "object, following OpenAPI links in a stateful run",
    "object_level_authorization": "one identity's read replayed as the others schemathesis "
    "holds itself ([auth.wfc]); here every request goes out as every role, and "
    "test_access_matrix asserts that another party's object is a 404",
}


def real_ids(world: World) -> dict[str, list[Any]]:
    """Every path parameter of the API, with the world's objects it can name."""
    return {
        "order_id": [
            world.unpaid_order,
            world.requested_order,
            world.shipped_order,
            world.other_order,
            world.delivered_order,
            world.refused_order,
        ],
        "store_id": [world.store, world.other_store],
        "user_id": sorted(world.users.values()),
        "shipment_id": [world.shipment],
        "refund_id": [world.refund],
        "cancellation_id": [world.request],
        "endpoint_id": [world.endpoint],
        "delivery_id": [world.delivery],
        "file_id": [world.evidence_file],
        "request_id": [world.intercept],
        "dispute_id": [world.dispute],
        "return_id": [world.buyer_return, world.parcel_return],
        "code": ["found_cheaper", "other", "out_of_stock"],
        "method": ["card", "wallet", "bank_transfer", "store_balance", "coupon"],
        "name": ["sandbox", "stripe"],
    }


@dataclass
class Fuzzed:
    """What one operation's run found: the server failure that stopped it, if any, and one
    example of each kind of failed check, by (role, status, check)."""

    server_failure: str | None = None
    failed: dict[tuple[str, int, str], str] = field(default_factory=dict)


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


# How schemathesis describes a value it generated within the schema.
VALID_DESCRIPTIONS = ("Valid object", "Positive test case", "Object with valid ", "Near-boundary")


def _described_valid(case: Any) -> bool:
    """schemathesis takes a body holding a file part (`format: binary`) for invalid whenever it
    checks it again (the raw bytes of its coverage phase, or a positive case whose file
    contents UNSTATED replaced), and then calls the whole case negative. A case with file
    parts whose own description is of a valid value is no invalid data."""
    body = case.body
    has_files = isinstance(body, dict) and any(
        isinstance(value, list) and any(isinstance(v, Binary | bytes) for v in value)
        for value in body.values()
    )
    description = getattr(case.meta.phase.data, "description", None) or ""
    return has_files and description.startswith(VALID_DESCRIPTIONS)


def _note_failures(
    case: Any, response: Any, role: str, headers: dict[str, str], found: Fuzzed
) -> None:
    try:
        case.validate_response(response, checks=CHECKS, headers=headers)
    except FailureGroup as group:
        for failure in group.exceptions:
            if failure.title == "Schema-violating request accepted" and _described_valid(case):
                continue
            found.failed.setdefault(
                (role, response.status_code, failure.title),
                f"{case.method} {case.formatted_path}: {failure.message}\n"
                f"  sent: {case.body!r:.300}\n  body: {response.text[:300]}",
            )


def _distinct_lines(body: dict[str, Any], key: str) -> None:
    """`lines` name each order line (or SKU) once."""
    firsts: dict[Any, dict[str, Any]] = {}
    for line in body.get("lines") or []:
        firsts.setdefault(line[key], line)
    body["lines"] = list(firsts.values()) or body.get("lines")


def _order_within_its_rules(body: dict[str, Any]) -> None:
    """An order's SKUs are distinct, a line's discount is at most its price, and the total is
    at most MAX_AMOUNT; amounts are cut down only when the generated ones break a rule."""
    _distinct_lines(body, "sku")
    lines = body["lines"]
    for line in lines:
        line["discount"] = min(line.get("discount", 0), line["unit_price"] * line["quantity"])
    total = body.get("shipping_fee", 0) + sum(
        x["unit_price"] * x["quantity"] - x.get("discount", 0) + x.get("tax", 0) for x in lines
    )
    if total > MAX_AMOUNT:
        body["shipping_fee"] = body.get("shipping_fee", 0) % 10**5
        for line in lines:
            line["unit_price"] %= 10**5
            line["tax"] = line.get("tax", 0) % 10**5
            line["discount"] = min(line.get("discount", 0), line["unit_price"] * line["quantity"])


def _public_url(body: dict[str, Any]) -> None:
    """T2: a webhook goes to a public host (what check_url refuses, the schema cannot say)."""
    if body.get("url") is None:
        return
    try:
        check_url(body["url"])
    except InvalidInput:
        body["url"] = "https://hooks.example/recourse"


def _ordered_days(body: dict[str, Any]) -> None:
    """F5: min_business_days is at most max_business_days."""
    low, high = sorted((body["min_business_days"], body["max_business_days"]))
    body.update(min_business_days=low, max_business_days=high)


# The smallest whole PNG (1x1 grey): an upload's files must be photos or PDFs by their content.
ONE_PIXEL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b"
    "550000000a4944415478da6368000000820081da45083b0000000049454e44ae426082"
)


def _real_files(body: dict[str, Any]) -> None:
    """T6: the type is read from the content, which JSON Schema cannot state. Each generated
    file part becomes a photo in place: the number of parts, and a part of another type, stay
    as generated (schemathesis takes a body it sees changed for an invalid one)."""
    for part in body.get("files") or [] if isinstance(body.get("files"), list) else []:
        if isinstance(part, Binary):
            part.data = ONE_PIXEL_PNG


def _no_files(body: dict[str, Any]) -> None:
    """R1/D2: `file_ids` name files the caller uploaded to that order first (422 `files`
    otherwise), which JSON Schema cannot state; a generated request that may name none names
    none."""
    if body.get("file_ids"):
        body["file_ids"] = []


def _own_files_only(body: dict[str, Any]) -> None:
    """M1: a message names files the caller uploaded to the order first, as `_no_files`; a
    generated message carries its text alone."""
    if body.get("file_ids"):
        _no_files(body)
        body["body"] = "Hello"


# Rules the API states in words (the operation's or field's description) because JSON Schema
# cannot compare two values or ask the network; valid requests are made to keep them, so a
# refusal of one that does is a failure like any other.
UNSTATED: dict[tuple[str, str], Callable[[dict[str, Any]], None]] = {
    ("POST", "/api/v1/orders"): _order_within_its_rules,
    ("POST", "/api/v1/orders/{order_id}/shipments"): lambda b: _distinct_lines(b, "line_id"),
    ("POST", "/api/v1/orders/{order_id}/cancellations"): lambda b: _distinct_lines(b, "line_id"),
    ("POST", "/api/v1/orders/{order_id}/cancellation-quote"): lambda b: _distinct_lines(
        b, "line_id"
    ),
    ("PUT", "/api/v1/settlement-profiles/{method}"): _ordered_days,
    ("POST", "/api/v1/orders/{order_id}/files"): _real_files,
    ("POST", "/api/v1/orders/{order_id}/messages"): _own_files_only,
    ("POST", "/api/v1/orders/{order_id}/returns"): _no_files,
    ("POST", "/api/v1/returns/{return_id}/receive"): _no_files,
    ("POST", "/api/v1/orders/{order_id}/disputes"): _no_files,
    ("POST", "/api/v1/disputes/{dispute_id}/respond"): _no_files,
    ("POST", "/api/v1/disputes/{dispute_id}/propose"): _no_files,
    ("POST", "/api/v1/disputes/{dispute_id}/answer-info"): _no_files,
    ("POST", "/api/v1/webhook-endpoints"): _public_url,
    ("PATCH", "/api/v1/webhook-endpoints/{endpoint_id}"): _public_url,
}


def within_rules(case: Any) -> Any:
    keep = UNSTATED.get((case.method, case.path))
    if keep is not None and case.meta.generation.mode.is_positive and isinstance(case.body, dict):
        body = case.body
        keep(body)
        case.body = body
    return case


def coverage_cases(operation: Any, pools: dict[str, list[Any]]) -> list[Any]:
    """schemathesis' coverage phase for the operation; valid path parameters name the world's
    objects in turn, so valid requests get past the 404s."""
    cases = list(
        operation.schema.iter_coverage_cases(
            operation,
            generation_modes=list(GenerationMode),
            generation_config=operation.schema.config.generation_for(operation=operation),
        )
    )
    for i, case in enumerate(cases):
        if case.path_parameters and not case.meta.is_negative_at(ParameterLocation.PATH):
            case.path_parameters = {
                name: pools[name][i % len(pools[name])] for name in case.path_parameters
            }
    return [within_rules(case) for case in cases]


def fuzz(operation: Any, world: World) -> Fuzzed:
    found = Fuzzed()
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE).map(within_rules),
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
            _note_failures(case, response, role, headers, found)

    # Hypothesis runs explicit examples first, in reverse order of attachment.
    for case in reversed(coverage_cases(operation, real_ids(world))):
        requests = example(case=case)(requests)
    try:
        requests()
    except Exception as exc:
        found.server_failure = "".join(traceback.format_exception(exc))
    return found


def test_every_check_schemathesis_has_is_run_unless_it_needs_a_sequence_of_requests() -> None:
    run = {check.__name__ for check in (not_a_server_error, *CHECKS)}

    assert run | SEQUENCE_CHECKS.keys() == set(REGISTERED.get_all_names())
    assert not run & SEQUENCE_CHECKS.keys()


def test_every_operation_in_the_schema_is_fuzzed(api_schema: Any) -> None:
    documented = {(op.ok().method.upper(), op.ok().path) for op in api_schema.get_all_operations()}

    assert documented == set(OPERATIONS)


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_no_request_makes_the_server_fail(
    fuzzed: dict[tuple[str, str], Fuzzed], method: str, path: str
) -> None:
    assert fuzzed[method, path].server_failure is None, fuzzed[method, path].server_failure


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_every_answer_passes_every_check(
    fuzzed: dict[tuple[str, str], Fuzzed], method: str, path: str
) -> None:
    failed = fuzzed[method, path].failed

    assert not failed, "\n".join(
        f"as {role}, {status} ({title}): {found}"
        for (role, status, title), found in sorted(failed.items())
    )
