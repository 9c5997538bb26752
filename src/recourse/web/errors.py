"""The one place that knows HTTP status codes for business errors (STYLE point 5)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from recourse.domain.errors import (
    DomainError,
    GatewayUnreachable,
    InvalidInput,
    InvalidSignature,
    NotAllowed,
    NotFound,
    RuleConflict,
    TooManyAttempts,
    Unauthenticated,
)
from recourse.i18n import ENGLISH, N_, Words
from recourse.texts import error_message
from recourse.texts.platform import field_problem, invalid_json
from recourse.web import language
from recourse.web.limits import BodyTooLarge, too_large

STATUS: list[tuple[type[DomainError], int]] = [
    (InvalidSignature, 401),
    (NotFound, 404),
    (InvalidInput, 422),
    (RuleConflict, 409),
    (NotAllowed, 403),
    (Unauthenticated, 401),
    (TooManyAttempts, 429),
    (GatewayUnreachable, 503),
]


class FieldProblem(BaseModel):
    field: str = Field(description="e.g. `lines[0].quantity`, or `body` for the body as a whole")
    message: str


class ErrorDetail(BaseModel):
    """A stable `code`, a sentence for people, and the facts behind it as further keys (e.g.
    `respond_by`, `refundable`, `alternatives`)."""

    model_config = ConfigDict(extra="allow")

    code: str = Field(description="stable and machine-readable, e.g. `not_found`")
    message: str
    field: str | SkipJsonSchema[None] = Field(
        default=None, description="422: the field at fault, e.g. `lines[0].quantity`"
    )
    errors: list[FieldProblem] | SkipJsonSchema[None] = Field(
        default=None, description="422 on a malformed request: every field at fault"
    )


class ErrorBody(BaseModel):
    """Every error the API answers: `{"error": {"code", "message", …facts}}`."""

    error: ErrorDetail


# Documented on every API operation; each answers only those its rules can produce.
API_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in {
        400: "The request cannot be taken as it is",
        401: "No API token, or one that is not valid; for a provider's webhook, a signature "
        "that does not check out",
        403: "Your own object, but not your action",
        404: "Not found, or not yours",
        409: "A rule or the current state forbids it (with the facts), or an "
        "`Idempotency-Key` reused for another request",
        413: "The request body is too large",
        422: "Malformed input: `field` names what is wrong",
        429: "Too many attempts",
    }.items()
}


def status_for(error: DomainError) -> int:
    for cls, status in STATUS:
        if isinstance(error, cls):
            return status
    return 400


def error_body(error: DomainError, words: Words) -> dict[str, Any]:
    body: dict[str, Any] = {"code": error.code, "message": error_message(error, words)}
    body.update({k: v for k, v in error.facts.items() if v is not None})
    return {"error": body}


def field_path(loc: tuple[Any, ...]) -> str:
    """('body', 'lines', 0, 'quantity') -> 'lines[0].quantity'."""
    path = ""
    for part in loc[1:] if loc and loc[0] in ("body", "query", "path", "header") else loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + str(part)
    return path or str(loc[0] if loc else "body")


def _problem(error: dict[str, Any], words: Words = ENGLISH) -> dict[str, str]:
    """One failed check of a request: where (the field) and what, in the reader's words."""
    if error.get("type") == "json_invalid":
        # FastAPI puts the character offset where a field would be: the body is at fault.
        detail = (error.get("ctx") or {}).get("error", "")
        at = error.get("loc", ("body", None))[-1]
        return {"field": "body", "message": invalid_json(words, detail, at)}
    return {
        "field": field_path(tuple(error.get("loc", ()))),
        "message": field_problem(words, error),
    }


def _unreadable(cause: BaseException, words: Words = ENGLISH) -> str:
    """Why the body could not be parsed, when FastAPI fails before validation."""
    if isinstance(cause, UnicodeDecodeError):
        return words._(N_("Invalid JSON: not UTF-8 text"))
    if isinstance(cause, RecursionError):
        return words._(N_("Invalid JSON: nested too deeply"))
    return words._(N_("Could not be read"))


# The reason phrases Starlette answers with for a path, method or body it does not take.
HTTP_PHRASES = {
    "Bad Request": N_("Bad Request"),
    "Unauthorized": N_("Unauthorized"),
    "Forbidden": N_("Forbidden"),
    "Not Found": N_("Not Found"),
    "Method Not Allowed": N_("Method Not Allowed"),
    "Not Acceptable": N_("Not Acceptable"),
    "Unsupported Media Type": N_("Unsupported Media Type"),
    "Too Many Requests": N_("Too Many Requests"),
    "Internal Server Error": N_("Internal Server Error"),
    "Service Unavailable": N_("Service Unavailable"),
}


def http_phrase(detail: object, words: Words = ENGLISH) -> str:
    """An HTTP error's detail in the reader's words when it is a bare reason phrase."""
    text = str(detail)
    msgid = HTTP_PHRASES.get(text)
    return words._(msgid) if msgid else text


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(request: Request) -> str:
    """RFC 9110: a 405 lists every method the path answers; Starlette names only those of the
    first route whose path matched."""
    routes = request.app.router.routes
    return ", ".join(
        method
        for method in METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    )


# SQLSTATE classes of PostgreSQL's refusals (psycopg sets `sqlstate` on its errors).
NUMBER_OUT_OF_RANGE = "22003"
TEXT_TOO_LONG = "22001"
BAD_CHARACTERS = ("22021", "22P05")


def refused_value(exc: BaseException, words: Words = ENGLISH) -> tuple[str, str]:
    """What kind of value a database refused, as (code, sentence): a number past its column
    (PostgreSQL; SQLite's driver raises OverflowError), text longer than its column, or text
    with a character no database stores (a NUL for PostgreSQL, half a surrogate pair for
    both drivers)."""
    cause = getattr(exc, "orig", None) or exc
    sqlstate = getattr(cause, "sqlstate", None)
    if isinstance(exc, OverflowError) or sqlstate == NUMBER_OUT_OF_RANGE:
        return "out_of_range", words._(N_("A number in the request is too large."))
    if sqlstate == TEXT_TOO_LONG:
        return "too_long", words._(N_("A text in the request is longer than can be stored."))
    if (
        isinstance(exc, UnicodeEncodeError)
        or sqlstate in BAD_CHARACTERS
        or "NUL (0x00)" in str(cause)
    ):
        return (
            "invalid_text",
            words._(
                N_(
                    "A text in the request contains a character that cannot be stored "
                    "(a NUL, or half of a surrogate pair)."
                )
            ),
        )
    return "invalid", words._(N_("A value in the request cannot be stored."))


class LoginRequired(Exception):
    """A page needs a signed-in user: the handler redirects to the login page."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


def install(app: FastAPI, page_error: Callable[[Request, int, str], Response]) -> None:
    """Register handlers: JSON under /api, pages rendered by `page_error` elsewhere."""

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api")

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        status = status_for(exc)
        headers = {}
        if isinstance(exc, Unauthenticated) and wants_json(request):
            headers["WWW-Authenticate"] = "Bearer"
        if isinstance(exc, TooManyAttempts | GatewayUnreachable) and "retry_after" in exc.facts:
            headers["Retry-After"] = str(exc.facts["retry_after"])
        if wants_json(request):
            return JSONResponse(
                error_body(exc, language.words(request)), status_code=status, headers=headers
            )
        return page_error(request, status, error_message(exc, language.words(request)))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        words = language.words(request)
        return _malformed(request, [_problem(e, words) for e in exc.errors()])

    def _malformed(request: Request, errors: list[dict[str, str]]) -> Response:
        words = language.words(request)
        first = (
            errors[0] if errors else {"field": "body", "message": words._(N_("invalid request"))}
        )
        message = f"{first['field']}: {first['message']}"
        body = {
            "error": {
                "code": "invalid",
                "message": message,
                "field": first["field"],
                "errors": errors,
            }
        }
        if wants_json(request):
            return JSONResponse(body, status_code=422)
        return page_error(request, 422, message)

    async def _unstorable(request: Request, exc: Exception) -> Response:
        # A value the database refuses is bad input the schemas let through; the statement
        # failed, so its transaction rolled back and nothing was written. Say which kind.
        if isinstance(exc, UnicodeEncodeError) and exc.reason != "surrogates not allowed":
            raise exc
        code, message = refused_value(exc, language.words(request))
        body = {"error": {"code": code, "message": message, "field": "body"}}
        if wants_json(request):
            return JSONResponse(body, status_code=422)
        return page_error(request, 422, message)

    app.add_exception_handler(OverflowError, _unstorable)
    app.add_exception_handler(DataError, _unstorable)
    app.add_exception_handler(UnicodeEncodeError, _unstorable)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        from urllib.parse import quote

        return Response(status_code=303, headers={"Location": f"/login?next={quote(exc.next_url)}"})

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        # FastAPI answers 400 for a body it cannot parse, with the reason as the cause: a
        # body over the limit (read in chunks, so the limit trips here) is 413, anything
        # else a malformed request.
        cause = exc.__cause__ if exc.status_code == 400 else None
        words = language.words(request)
        if isinstance(cause, BodyTooLarge):
            body = too_large(cause.max_bytes, words)
            if wants_json(request):
                return JSONResponse(body, status_code=413)
            return page_error(request, 413, body["error"]["message"])
        if cause is not None:
            return _malformed(request, [{"field": "body", "message": _unreadable(cause, words)}])
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            headers["Allow"] = allowed_methods(request)
        if wants_json(request):
            code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
            return JSONResponse(
                {"error": {"code": code, "message": http_phrase(exc.detail, words)}},
                status_code=exc.status_code,
                headers=headers,
            )
        page = page_error(request, exc.status_code, str(exc.detail))
        page.headers.update(headers)
        return page
