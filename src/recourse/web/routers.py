"""The routers that the API's resources and the pages declare their routes on.

A route is made whole where it is declared: the API's carry the `/api/v1` prefix, the error
answers every operation documents and the key reservation; the pages' are left out of the
OpenAPI document and carry the key reservation and the signed-in user for error pages. The
packages then gather the routes into one flat list, which the app takes as it is.

FastAPI keeps an included router nested and matches a request against it twice (once to find
it, once inside it), trying each of its routes in turn, ~18,000 instructions a route tried: an
API cancel, the nineteenth route in, spent ~0.7 M of its ~11.8 M instructions finding its
route, and a page, behind the ~80 API routes, more. Flat, each route is tried once, by its
path's pattern alone (docs/performance.md)."""

from __future__ import annotations

from types import ModuleType

from fastapi import APIRouter, Depends, Request

from recourse.web.deps import MaybeUser
from recourse.web.errors import API_ERRORS
from recourse.web.idempotency import reserve_key

API_PREFIX = "/api/v1"


def remember_user(request: Request, user: MaybeUser) -> None:
    """Error pages rendered after a handler gave up still show who is signed in."""
    request.state.user = user


def api_router(*tags: str) -> APIRouter:
    """A resource's router: its routes under `/api/v1`, tagged `tags`, with the error answers."""
    return APIRouter(
        prefix=API_PREFIX,
        tags=list(tags),
        responses=API_ERRORS,
        dependencies=[Depends(reserve_key)],
    )


def page_router(prefix: str = "") -> APIRouter:
    """A page module's router: its routes under `prefix`, none of them in the API's document."""
    return APIRouter(
        prefix=prefix,
        include_in_schema=False,
        dependencies=[Depends(reserve_key), Depends(remember_user)],
    )


def gathered(*modules: ModuleType) -> APIRouter:
    """One router holding the routes of each module's `router`, in this order, as they are."""
    return APIRouter(routes=[route for module in modules for route in module.router.routes])
