"""The OpenAPI document is a contract a typed client can be generated from: every success answer
of every operation names its shape, and every error answer is the one `ErrorBody`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields
from datetime import timedelta
from typing import Any, get_args

from fastapi import FastAPI
from fastapi.testclient import TestClient

from recourse.container import Container
from recourse.db.queries.orders import TABS
from recourse.domain.policy import PlatformPolicy as PlatformPolicyRules
from recourse.integrations.clock import FixedClock
from recourse.web.api.orders import OrderTab
from recourse.web.api.platform import PlatformPolicyIn
from recourse.web.app import create_app
from tests.factories import make_order, make_store, make_user, pay, ship_all
from tests.web.api_helpers import operator_headers, order_body

Spec = dict[str, Any]


def operations(spec: Spec) -> Iterator[tuple[str, Spec]]:
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def successes(spec: Spec) -> Iterator[tuple[str, Spec | None]]:
    """(operation and status, the JSON schema of its body) for every documented 2xx answer."""
    for label, operation in operations(spec):
        for status, response in operation["responses"].items():
            if status.startswith("2"):
                media = response.get("content", {})
                if media and "application/json" not in media:
                    continue  # bytes of a documented type (an evidence file), not a JSON shape
                content = media.get("application/json")
                yield f"{label} {status}", None if content is None else content.get("schema")


def resolve(spec: Spec, schema: Spec) -> Spec:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    return resolve(spec, spec["components"]["schemas"][ref.rsplit("/", 1)[-1]])


def is_typed(spec: Spec, schema: Spec | None) -> bool:
    """A named model (an object with properties), or a choice between such models; never `{}`
    nor an object that may hold anything."""
    if schema is None:
        return False
    schema = resolve(spec, schema)
    choices = schema.get("oneOf") or schema.get("anyOf")
    if choices:
        return all(is_typed(spec, choice) for choice in choices)
    return schema.get("type") == "object" and bool(schema.get("properties"))


def untyped_successes(spec: Spec) -> list[str]:
    return [label for label, schema in successes(spec) if not is_typed(spec, schema)]


def test_every_success_answer_of_the_api_has_a_typed_schema(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()

    assert sum(1 for _ in successes(spec)) >= 42
    assert untyped_successes(spec) == []


def test_a_route_that_answers_a_bare_dict_is_reported_as_untyped(container: Container) -> None:
    app: FastAPI = create_app(container)

    @app.get("/api/v1/untyped-probe")
    def untyped() -> dict[str, Any]:
        return {}

    spec = TestClient(app).get("/api/openapi.json").json()

    assert untyped_successes(spec) == ["GET /api/v1/untyped-probe 200"]


def test_every_operation_documents_its_errors_as_the_one_error_body(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    errors = {
        f"{label} {status}": response["content"]["application/json"]["schema"]
        for label, operation in operations(spec)
        for status, response in operation["responses"].items()
        if status.startswith("4")
    }

    assert {schema["$ref"] for schema in errors.values()} == {"#/components/schemas/ErrorBody"}


def test_success_schemas_name_their_fields_with_types(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    order = spec["components"]["schemas"]["Order"]
    money = spec["components"]["schemas"]["Money"]
    refund = spec["components"]["schemas"]["Refund"]

    assert order["properties"]["status"] == {"$ref": "#/components/schemas/OrderStatus"}
    assert order["properties"]["created_at"]["format"] == "date-time"
    assert set(order["required"]) >= {"id", "status", "lines", "totals", "deadlines", "timeline"}
    assert money["properties"]["amount"]["type"] == "integer"
    assert refund["properties"]["expected_by"] == {"$ref": "#/components/schemas/ExpectedBy"}
    assert refund["properties"]["trace_number"]["anyOf"] == [{"type": "string"}, {"type": "null"}]


def test_a_method_the_path_does_not_answer_is_405_naming_every_method_it_does(
    client: TestClient,
) -> None:
    response = client.request("DELETE", "/api/v1/orders")

    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_the_order_list_documents_its_tabs_and_statuses_as_enums(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    parameters = {p["name"]: p for p in spec["paths"]["/api/v1/orders"]["get"]["parameters"]}

    assert set(get_args(OrderTab)) == set(TABS)
    assert set(parameters["tab"]["schema"]["anyOf"][0]["enum"]) == set(TABS)
    assert parameters["status"]["schema"]["anyOf"][0]["items"] == {
        "$ref": "#/components/schemas/OrderStatus"
    }


def test_the_platform_policy_request_names_every_window_of_the_domain() -> None:
    assert set(PlatformPolicyIn.model_fields) == {f.name for f in fields(PlatformPolicyRules)}


def test_a_whole_number_written_with_a_decimal_point_is_that_number(
    client: TestClient, container: Container
) -> None:
    """JSON Schema's `integer` is any whole number, 12.0 included; 12.5 stays refused."""
    store = make_store(container)
    body = order_body(make_user(container), store, shipping_fee=499.0)
    body["lines"][0]["unit_price"] = 2500.0

    whole = client.post("/api/v1/orders", json=body, headers=operator_headers(container))
    body["lines"][0]["unit_price"] = 2500.5
    fraction = client.post("/api/v1/orders", json=body, headers=operator_headers(container))

    assert whole.status_code == 201
    assert whole.json()["lines"][0]["unit_price"]["amount"] == 2500
    assert whole.json()["totals"]["shipping"]["amount"] == 499
    assert fraction.status_code == 422
    assert fraction.json()["error"]["field"] == "lines[0].unit_price"


def test_a_carrier_event_in_the_future_is_409_with_the_time_it_is(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    order = make_order(container, buyer_id=make_user(container), store_id=make_store(container))
    pay(container, order)
    shipment = ship_all(container, order)

    response = client.post(
        f"/api/v1/shipments/{shipment}/events",
        json={"type": "delivered", "at": (clock.now() + timedelta(hours=1)).isoformat()},
        headers=operator_headers(container),
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "event_in_the_future"
    assert response.json()["error"]["now"] == clock.now().isoformat()


def test_every_route_an_api_module_declares_is_served_and_documented_under_the_prefix(
    client: TestClient,
) -> None:
    """The API's routes are gathered into one router from a list of its modules (web/api): a
    module with routes left out of that list would drop them silently."""
    import pkgutil
    from importlib import import_module

    from fastapi.routing import APIRoute

    import recourse.web.api as api

    spec = client.app.openapi()  # type: ignore[attr-defined]
    declared = set()
    for found in pkgutil.iter_modules(api.__path__):
        router = getattr(import_module(f"{api.__name__}.{found.name}"), "router", None)
        for route in getattr(router, "routes", []):
            assert isinstance(route, APIRoute)
            assert route.path.startswith("/api/v1/"), route.path  # declared on an API router
            declared |= {(method.lower(), route.path) for method in route.methods}
    documented = {(method, path) for path, methods in spec["paths"].items() for method in methods}
    assert len(declared) > 60
    assert declared <= documented


def _allows_null(schema: dict) -> bool:
    return schema.get("type") == "null" or any(_allows_null(s) for s in schema.get("anyOf", []))


def test_a_field_a_rule_requires_is_required_with_a_value_not_null(client: TestClient) -> None:
    """A body's rule that needs a field (`if` one field has a value `then` another is
    required) must also refuse that field as null when the field is nullable otherwise: else
    `{"condition": "problem", "note": null}` is valid by the document and refused by the API."""
    schemas = client.app.openapi()["components"]["schemas"]  # type: ignore[attr-defined]
    checked, loose = 0, []
    for name, schema in schemas.items():
        for rule in [schema, *schema.get("allOf", [])]:
            then = rule.get("then") if "if" in rule else None
            for field in (then or {}).get("required", []):
                base = schema.get("properties", {}).get(field)
                if base is None or not _allows_null(base):
                    continue
                checked += 1
                narrowed = then.get("properties", {}).get(field)
                if narrowed is None or _allows_null(narrowed) or "type" not in narrowed:
                    loose.append(f"{name}.{field}")
    assert checked >= 5
    assert not loose
