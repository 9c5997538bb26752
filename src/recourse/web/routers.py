"""The routers that the API's resources and the pages declare their routes on.

A route is made whole where it is declared: the API's carry the `/api/v1` prefix, the error
answers every operation documents and the key reservation; the pages' are left out of the
OpenAPI document and carry the key reservation and the signed-in user for error pages. The
packages then gather the routes into one flat list, which the app takes as it is.

FastAPI keeps an included router nested and matches a request against it twice (once to find
it, once inside it), trying each of its routes in turn, ~18,000 instructions a route tried: an
API cancel, the nineteenth route in, spent ~0.7 M of its ~11.8 M instructions finding its
route, and a page, behind the ~80 API routes, more. Flat, each route is tried once, by its
path's pattern alone (docs/performance.md).

Both kinds of route close the sessions their sync endpoint was given as the endpoint returns
(`ReleasingRoute`), so a request holds no database connection while it waits for a thread."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from types import ModuleType
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from recourse.web.deps import MaybeUser
from recourse.web.errors import API_ERRORS
from recourse.web.idempotency import reserve_key

API_PREFIX = "/api/v1"


def remember_user(request: Request, user: MaybeUser) -> None:
    """Error pages rendered after a handler gave up still show who is signed in."""
    request.state.user = user


def releasing(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """A sync endpoint that closes the sessions it was given (`ReadSession`) as it returns,
    in its own thread, so their connections go back to the pool before the request waits for
    anything else. FastAPI serialises a sync endpoint's answer in another hop to the thread
    pool and closes a dependency's session only after the answer is sent: meanwhile the
    request held its connection, and once a process had as many such requests as threads,
    each thread waited for a connection held by a request waiting for a thread. FastAPI reads
    the parameters of the endpoint itself (`functools.wraps`)."""
    if inspect.iscoroutinefunction(endpoint):
        return endpoint

    @functools.wraps(endpoint)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return endpoint(*args, **kwargs)
        finally:
            for value in kwargs.values():
                if isinstance(value, Session):
                    value.close()

    return run


class ReleasingRoute(APIRoute):
    """A route whose sync endpoint gives its sessions' connections back as it returns."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, releasing(endpoint), **kwargs)


def api_router(*tags: str) -> APIRouter:
    """A resource's router: its routes under `/api/v1`, tagged `tags`, with the error answers."""
    return APIRouter(
        prefix=API_PREFIX,
        tags=list(tags),
        responses=API_ERRORS,
        dependencies=[Depends(reserve_key)],
        route_class=ReleasingRoute,
    )


def page_router(prefix: str = "") -> APIRouter:
    """A page module's router: its routes under `prefix`, none of them in the API's document."""
    return APIRouter(
        prefix=prefix,
        include_in_schema=False,
        dependencies=[Depends(reserve_key), Depends(remember_user)],
        route_class=ReleasingRoute,
    )


def gathered(*modules: ModuleType) -> APIRouter:
    """One router holding the routes of each module's `router`, in this order, as they are."""
    return APIRouter(routes=[route for module in modules for route in module.router.routes])
