"""Request-scoped helpers: the container, the API actor, the signed-in page user, CSRF."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from recourse.container import Container
from recourse.domain.accounts import User
from recourse.domain.errors import InvalidInput, Unauthenticated
from recourse.domain.roles import Actor, Role
from recourse.services import accounts
from recourse.web.errors import LoginRequired

bearer = HTTPBearer(auto_error=False, description="API token from `recourse token create`")


def container(request: Request) -> Container:
    c: Container = request.app.state.container
    return c


ContainerDep = Annotated[Container, Depends(container)]


def read_session(c: ContainerDep) -> Iterator[Session]:
    with c.read_session() as session:
        yield session


ReadSession = Annotated[Session, Depends(read_session)]


def api_actor(
    c: ContainerDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("Send an API token: Authorization: Bearer <token>.")
    return accounts.actor_for_token(c.uow(), credentials.credentials)


ApiActor = Annotated[Actor, Depends(api_actor)]


def require_operator(actor: ApiActor) -> Actor:
    if actor.role is not Role.operator:
        from recourse.domain.errors import NotAllowed

        raise NotAllowed("This endpoint is for the marketplace operator's token.")
    return actor


OperatorActor = Annotated[Actor, Depends(require_operator)]


def optional_user(request: Request, c: ContainerDep) -> User | None:
    user_id = request.session.get("user_id")
    if not isinstance(user_id, int):
        return None
    user = accounts.actor_for_user(c.uow(), user_id)
    if user is None or request.session.get("auth_epoch") != session_epoch(user):
        request.session.clear()
        return None
    return user


def session_epoch(user: User) -> str:
    """Changes when the password changes, which signs every other session out."""
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def sign_in(request: Request, user: User) -> None:
    request.session.clear()
    request.session["user_id"] = user.id
    request.session["auth_epoch"] = session_epoch(user)


def page_user(request: Request, user: Annotated[User | None, Depends(optional_user)]) -> User:
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
        raise InvalidInput(
            "csrf_token", "The form expired or came from elsewhere. Reload the page and try again."
        )


def flash(request: Request, message: str, kind: str = "success") -> None:
    request.session.setdefault("flash", []).append({"kind": kind, "message": message})


def pop_flashes(request: Request) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = request.session.pop("flash", [])
    return messages
