"""The app's routes are flat (web/routers.py): every module's routes are served, each once,
made whole where it was declared."""

from __future__ import annotations

import inspect
import pkgutil
from collections.abc import Iterator
from importlib import import_module
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

import recourse.web.pages as pages
from recourse.web.deps import read_session
from recourse.web.idempotency import reserve_key
from recourse.web.routers import ReleasingRoute, remember_user


def _page_modules() -> list[str]:
    return [
        found.name
        for found in pkgutil.walk_packages(pages.__path__, f"{pages.__name__}.")
        if not found.ispkg
    ]


def test_every_page_route_a_module_declares_is_served_once_and_kept_out_of_the_api_document(
    client: TestClient,
) -> None:
    """A page module left out of its package's list would drop its pages silently; a page
    declared on another router would lose the signed-in user on its error pages."""
    served = [route for route in client.app.routes if isinstance(route, APIRoute)]  # type: ignore[attr-defined]
    declared = 0
    for name in _page_modules():
        router = getattr(import_module(name), "router", None)
        for route in getattr(router, "routes", []):
            assert isinstance(route, APIRoute)
            assert sum(1 for r in served if r is route) == 1, (name, route.path)
            assert not route.include_in_schema
            calls = [d.dependency for d in route.dependencies]
            assert calls[:2] == [reserve_key, remember_user], (name, route.path)
            declared += 1
    assert declared > 80
    documented = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    assert all(path.startswith("/api/v1/") for path in documented)


def test_the_first_api_route_and_the_last_page_route_are_both_reached(client: TestClient) -> None:
    """Both ends of the flat list answer as their routes do, and a path that is no route is
    a 404 (an unmatched API path would be a 404 too, so the API's answer must be its own)."""
    first = client.get("/api/v1/stores/1")
    assert first.status_code == 401 and first.json()["error"]["code"] == "unauthenticated"
    last = client.post("/support/tickets/1/close", follow_redirects=False)
    assert last.status_code == 303  # the page's own answer to a visitor: sign in first
    assert last.headers["location"] == "/login?next=/support/tickets/1/close"
    assert client.get("/api/v1/no-such-thing").status_code == 404


def _calls(dependant: Dependant) -> Iterator[Any]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def test_every_route_given_a_read_session_gives_its_connection_back_as_its_endpoint_returns(
    client: TestClient,
) -> None:
    """Its session's connection must be back in the pool before the request waits for a
    thread again (web/routers.py `releasing`)."""
    served = [route for route in client.app.routes if isinstance(route, APIRoute)]  # type: ignore[attr-defined]
    reading = [route for route in served if read_session in _calls(route.dependant)]
    assert len(reading) > 30
    for route in reading:
        assert isinstance(route, ReleasingRoute), route.path
        assert route.endpoint is not inspect.unwrap(route.endpoint), route.path
