"""The FastAPI application: API routers, page routers, sessions, errors, health and metrics."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache
from importlib.resources import files
from typing import Any

import anyio.to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from starlette.datastructures import Secret
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import BaseRoute

from recourse import __version__
from recourse.container import Container
from recourse.i18n import N_
from recourse.web import errors, language
from recourse.web import metrics as prometheus
from recourse.web.deps import token_before_input
from recourse.web.idempotency import (
    IdempotencyMiddleware,
    KeyAnswered,
    document_idempotency_key,
    reserve_key,
)
from recourse.web.limits import MAX_BODY_BYTES, UPLOAD_MAX_BODY_BYTES, BodyLimitMiddleware
from recourse.web.metrics import MetricsMiddleware
from recourse.web.templating import TEMPLATES, render

# An error page's title by its status, and the bare reasons Starlette gives for its own.
ERROR_TITLES = {
    401: N_("Please sign in"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    409: N_("That cannot be done right now"),
    422: N_("Please check what you entered"),
    429: N_("Too many attempts"),
}
HTTP_REASONS = {
    "Not Found": N_("Not Found"),
    "Method Not Allowed": N_("Method Not Allowed"),
}


def page_error(request: Request, status: int, message: str) -> Response:
    """An error page in the reader's language; `message` comes worded already, but for the
    bare reason phrase Starlette gives for a path or method it does not know."""
    words = language.words(request)
    title = ERROR_TITLES.get(status)
    reason = HTTP_REASONS.get(message)
    return render(
        request,
        "error.html",
        {
            "status": status,
            "title": words._(title) if title else words._("Something went wrong"),
            "message": words._(reason) if reason else message,
            "user": getattr(request.state, "user", None),
        },
        status_code=status,
    )


class _SecretOnFirstUse(Secret):
    def __init__(self, container: Container, purpose: str) -> None:
        super().__init__("")
        self.container = container
        self.purpose = purpose

    def __str__(self) -> str:
        return self.container.install_secret(self.purpose)


# Swagger UI's own files come from an installed package, so /api/docs works with no internet.
DOCS_ASSETS_URL = "/api/docs/assets"
DOCS_ASSETS_DIR = files("fastapi_offline") / "static"


def run_in_threads_as_many_as_connections(pool_size: int) -> None:
    """A process runs at most as many requests in its thread pool at once as each engine has
    connections; the others wait in the event loop, which costs nothing. With anyio's default
    of 40 threads, under load ~30 of them waited on the connection pool and woke in turn to
    find it still empty, each time taking the interpreter's lock: the web processes spent
    ~20 % more CPU per cancel (docs/performance.md, sixth round). The limiter belongs to the
    running event loop, so this runs in the app's lifespan."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = pool_size


def create_app(container: Container) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from recourse.web.pages.help import sync_at_start

        sync_at_start(container)  # the help centre's table follows its Markdown files
        run_in_threads_as_many_as_connections(container.settings.web_pool_size)
        yield
        prometheus.process_exited()

    app = FastAPI(
        lifespan=lifespan,
        title="Recourse API",
        version=__version__,
        description=(
            "Post-purchase service of the marketplace: orders, payments, shipments, "
            "cancellations, returns, disputes and refunds."
        ),
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
        # the Idempotency-Key of a route that does not keep it in its own transaction is
        # reserved before anything else the route runs (web.idempotency)
        dependencies=[Depends(reserve_key)],
        # FastAPI's own OpenTelemetry hooks: /metrics (web.metrics) counts what operators
        # read, and with no provider configured the hooks only cost each request its checks
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    app.state.container = container

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_idempotency_key(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    # Read when the middleware is built (first request), so the app can be made before the
    # database is migrated; the key is per install, never one that ships with the code.
    secret = _SecretOnFirstUse(container, "session-cookie")
    app.add_middleware(IdempotencyMiddleware)
    app.add_middleware(
        BodyLimitMiddleware, max_bytes=MAX_BODY_BYTES, multipart_max_bytes=UPLOAD_MAX_BODY_BYTES
    )
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie="recourse_session",
        same_site="lax",
        https_only=container.settings.session_cookie_secure,
        max_age=14 * 24 * 3600,
    )
    app.add_middleware(MetricsMiddleware)
    errors.install(app, page_error)
    token_before_input(app)

    @app.exception_handler(KeyAnswered)
    async def _answered(request: Request, exc: KeyAnswered) -> Response:
        return exc.response()

    # The app's own routes first: a router tries its routes in order, and these are asked for
    # often (health checks, scrapes) while matching none of the API's or the pages'.
    # Those that do no I/O are `async def`: no hand-off to the thread pool.
    @app.get("/api/docs", include_in_schema=False)
    async def api_docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/api/openapi.json",
            title="Recourse API",
            swagger_js_url=f"{DOCS_ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS_URL}/favicon.png",
        )

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, Any]:
        return {"status": "ok", "version": __version__}

    @app.get("/readyz", include_in_schema=False)
    def readyz() -> Response:
        started = time.perf_counter()
        try:
            with container.read_session() as session:
                session.execute(text("SELECT 1"))
        except Exception as exc:
            return JSONResponse({"status": "unavailable", "error": str(exc)}, status_code=503)
        return JSONResponse(
            {"status": "ready", "db_ms": round((time.perf_counter() - started) * 1000, 2)}
        )

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        return Response(prometheus.exposition(container), media_type=prometheus.CONTENT_TYPE)

    app.mount("/static", StaticFiles(directory=str(TEMPLATES.parent / "static")), name="static")
    app.mount(DOCS_ASSETS_URL, StaticFiles(directory=str(DOCS_ASSETS_DIR)), name="docs-assets")

    app.router.routes.extend(_shared_routes())
    return app


@cache
def _shared_routes() -> tuple[BaseRoute, ...]:
    """The API's and the pages' routes, flat (recourse/web/routers.py): built once per process,
    when their modules are imported, and shared by every app made in it (the test suite makes
    one per test). The routes reach the container through `request.app.state`, never hold
    one. (An app's `dependency_overrides` do not reach them; nothing here uses any.)"""
    from recourse.web.api import router as api_router
    from recourse.web.pages import router as pages_router

    return (*api_router.routes, *pages_router.routes)
