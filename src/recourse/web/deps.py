"""Request-scoped helpers: the container, the API actor, the signed-in page user, CSRF."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated, Any, cast

import anyio.to_thread
from fastapi import Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from recourse.container import Container
from recourse.domain.accounts import User
from recourse.domain.errors import DomainError, InvalidInput, Unauthenticated
from recourse.domain.roles import Actor, Role
from recourse.services import accounts
from recourse.web import language
from recourse.web.errors import LoginRequired

bearer = HTTPBearer(auto_error=False, description="API token from `recourse token create`")


# Dependencies that do no I/O are `async def`: FastAPI runs a plain `def` one in the thread
# pool, a hand-off for nothing.
async def container(request: Request) -> Container:
    c: Container = request.app.state.container
    return c


ContainerDep = Annotated[Container, Depends(container)]


async def read_session(c: ContainerDep) -> AsyncIterator[Session]:
    """A read session for an API endpoint. Making it does no I/O (it connects at its first
    statement, in the endpoint's thread), so this runs in the event loop. The endpoint's own
    thread gives its connection back as it returns (web/routers.py `releasing`): waiting for
    this exit, which runs once the answer is sent, a request would hold the connection while
    it waits for a thread to serialise its answer, and with every thread waiting for a
    connection, nothing would move. The close here then has nothing left to give back."""
    session = c.read_session()
    try:
        yield session
    finally:
        session.close()


ReadSession = Annotated[Session, Depends(read_session)]


def api_actor(
    c: ContainerDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("api_token_missing")
    return accounts.actor_for_token(c.uow(), credentials.credentials)


ApiActor = Annotated[Actor, Depends(api_actor)]


async def api_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> str:
    """The bearer token, for an endpoint that finds its actor in the request's transaction
    (web.idempotency.within_request_transaction); without one, 401 as `api_actor` says it."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("api_token_missing")
    return credentials.credentials


ApiToken = Annotated[str, Depends(api_token)]


Handler = Callable[[Request, Exception], Awaitable[Response]]


def token_before_input(app: FastAPI) -> None:
    """An endpoint that finds its actor in its own transaction (`ApiToken`) learns whether the
    token is valid after FastAPI has checked the input; `api_actor` ran before that check. So
    that malformed input from an unknown token still answers 401 as it did, the 422 handler
    looks the token up first for such an endpoint: a lookup on this path only."""
    # both are `async def` (web.errors)
    malformed = cast(Handler, app.exception_handlers[RequestValidationError])
    refused = cast(Handler, app.exception_handlers[DomainError])

    async def _invalid(request: Request, exc: Exception) -> Response:
        endpoint = request.scope.get("endpoint")
        if getattr(endpoint, "request_transaction", False):
            credentials = await bearer(request)
            if credentials is not None and credentials.scheme.lower() == "bearer":
                c: Container = request.app.state.container
                try:
                    await anyio.to_thread.run_sync(
                        accounts.actor_for_token, c.uow(), credentials.credentials
                    )
                except Unauthenticated as unknown:
                    return await refused(request, unknown)
        return await malformed(request, exc)

    app.add_exception_handler(RequestValidationError, _invalid)


async def require_operator(actor: ApiActor) -> Actor:
    if actor.role is not Role.operator:
        from recourse.domain.errors import NotAllowed

        raise NotAllowed("operator_token_only")
    return actor


OperatorActor = Annotated[Actor, Depends(require_operator)]


# The signed cookie carries this random id (besides CSRF token and flash messages); who is
# signed in comes from the server's row for it, which logout and a new password delete (T4).
SESSION_ID = "sid"


def optional_user(request: Request, c: ContainerDep) -> User | None:
    session_id = request.session.get(SESSION_ID)
    if not isinstance(session_id, str):
        return None
    user = accounts.user_for_session(c.uow(), c.ctx, session_id)
    if user is None:
        request.session.pop(SESSION_ID, None)
    else:
        language.for_user(request, user)
    return user


def sign_in(request: Request, c: Container, user: User) -> None:
    """A fresh session (and CSRF token) for each sign-in; the browser's previous one ends."""
    sign_out(request, c)
    request.session[SESSION_ID] = accounts.start_session(c.uow(), c.ctx, user_id=user.id)


def sign_out(request: Request, c: Container) -> None:
    session_id = request.session.get(SESSION_ID)
    if isinstance(session_id, str):
        accounts.end_session(c.uow(), session_id)
    request.session.clear()


async def page_user(request: Request, user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return user


PageUser = Annotated[User, Depends(page_user)]
MaybeUser = Annotated[User | None, Depends(optional_user)]


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, submitted: str | None) -> None:
    """Every page form carries the session's CSRF token; a mismatch rejects the post."""
    expected = request.session.get("csrf")
    if (
        not isinstance(expected, str)
        or not submitted
        or not hmac.compare_digest(expected, submitted)
    ):
        raise InvalidInput("csrf_token", "csrf_invalid")


def flash(request: Request, message: str, kind: str = "success") -> None:
    request.session.setdefault("flash", []).append({"kind": kind, "message": message})


def pop_flashes(request: Request) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = request.session.pop("flash", [])
    return messages
