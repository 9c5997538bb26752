"""§12 Idempotency-Key on every API POST, as a small ASGI middleware.

The first response to a key is stored and replayed for the same key and body; the same key
with a different body answers 409. Keys are scoped to the caller's credentials.

A route marked `request_transaction` keeps the key in the request's one database transaction:
the middleware only reads the key and hashes the request (a `PendingKey` on the request's
state), and the endpoint, through `within_request_transaction`, claims the key, authenticates
the caller, runs the use case, builds the answer from its result and stores that answer, all
committed at once. The middleware then stores only an answer the endpoint did not store itself:
a request refused before the endpoint ran (422, a missing token), or a refusal of the use case,
whose transaction rolled back (in one transaction of its own, reserve and answer together).
Every other POST keeps the key in transactions of its own around the request, as before.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from recourse.container import Container
from recourse.db import idempotency
from recourse.db.uow import RequestUnitOfWork
from recourse.domain.roles import Actor
from recourse.i18n import N_
from recourse.services import accounts
from recourse.web import language

MAX_KEY_LENGTH = 255

# The middleware reads the header, so no route declares it; the OpenAPI document says so here.
IDEMPOTENCY_KEY_PARAMETER: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "Send the same key again to get the first response replayed (header "
        "`Idempotent-Replayed: true`) instead of acting twice; the same key with another body "
        "answers 409 `idempotency_key_reused`. Scoped to your token, kept for at least 24 h."
    ),
    "schema": {"type": "string", "maxLength": MAX_KEY_LENGTH},
}


def document_idempotency_key(schema: dict[str, Any]) -> dict[str, Any]:
    """Every POST under /api/ accepts the header: the one this middleware handles."""
    for path, operations in schema.get("paths", {}).items():
        post = operations.get("post")
        if path.startswith("/api/") and post is not None:
            post.setdefault("parameters", []).append(IDEMPOTENCY_KEY_PARAMETER)
    return schema


_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)


def _without_boundary(body: bytes, content_type: str) -> bytes:
    """A multipart body as its parts say it: a client sending the same files again picks a new
    random boundary, which is no other request (evidence uploads, T6)."""
    if not content_type.lower().startswith("multipart/"):
        return body
    found = _BOUNDARY.search(content_type)
    return body.replace(found.group(1).encode(), b"") if found else body


# The request state's name for the request's key (a `PendingKey`).
STATE = "idempotency_key"

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def request_transaction(endpoint: Endpoint) -> Endpoint:
    """Mark an API POST endpoint that keeps the key in the request's transaction, through
    `within_request_transaction`."""
    endpoint.request_transaction = True  # type: ignore[attr-defined]
    return endpoint


@dataclass
class PendingKey:
    owner: str
    key: str
    request_hash: str
    reserved: bool = False  # reserved in a transaction of its own (a route not marked)
    answered: bool = False  # its answer is stored (or was replayed) already


class KeyAnswered(Exception):
    """The key has an answer already (or a 409 about it): that is sent and nothing runs."""

    def __init__(self, status: int, body: bytes, replayed: bool) -> None:
        super().__init__(status)
        self.status, self.body, self.replayed = status, body, replayed

    def response(self) -> Response:
        return _response(self.status, self.body, self.replayed)


async def reserve_key(request: Request) -> None:
    """App-wide dependency, the first every route runs: a route not marked
    `request_transaction` has the key reserved here, in a transaction of its own, and the
    middleware completes it with the answer; a key with an answer already raises
    `KeyAnswered`. A marked route reserves it in its own transaction."""
    pending: PendingKey | None = request.scope.get("state", {}).get(STATE)
    if pending is None or getattr(request.scope.get("endpoint"), "request_transaction", False):
        return
    engine = request.app.state.container.engine
    stored = await anyio.to_thread.run_sync(
        idempotency.reserve, engine, pending.owner, pending.key, pending.request_hash
    )
    if stored is not None:
        pending.answered = True
        raise KeyAnswered(*_stored_answer(request.scope, pending.key, pending.request_hash, stored))
    pending.reserved = True


class IdempotencyMiddleware:
    """Reads the key and hashes the request; stores the answer once it is known, unless the
    route stored it in its own transaction."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or not scope["path"].startswith("/api/")
        ):
            await self.app(scope, receive, send)
            return
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        key = headers.get("idempotency-key")
        if not key:
            await self.app(scope, receive, send)
            return
        if len(key) > MAX_KEY_LENGTH:
            await _json(
                send,
                422,
                {
                    "error": {
                        "code": "invalid",
                        "field": "Idempotency-Key",
                        "message": language.words(Request(scope))._(
                            N_("Idempotency-Key is longer than %(max)s characters."),
                            max=MAX_KEY_LENGTH,
                        ),
                    }
                },
            )
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        auth = headers.get("authorization", "")
        owner = hashlib.sha256(auth.encode()).hexdigest()[:32]
        request_hash = hashlib.sha256(
            scope["method"].encode()
            + b" "
            + scope["path"].encode()
            + b"\n"
            + _without_boundary(body, headers.get("content-type", ""))
        ).hexdigest()
        pending = PendingKey(owner, key, request_hash)
        scope.setdefault("state", {})[STATE] = pending
        engine = scope["app"].state.container.engine

        async def replay_receive() -> Message:
            nonlocal body
            chunk, body = body, b""
            return {"type": "http.request", "body": chunk, "more_body": False}

        sent_body = b""
        start: Message | None = None
        passing = False

        async def capture(message: Message) -> None:
            nonlocal sent_body, start, passing
            if message["type"] == "http.response.start":
                passing = pending.answered or (not pending.reserved and message["status"] >= 500)
                if passing:
                    await send(message)
                else:
                    start = message
                return
            if message["type"] != "http.response.body" or passing:
                await send(message)
                return
            sent_body += message.get("body", b"")
            if message.get("more_body", False):
                return
            assert start is not None
            status = start["status"]
            if pending.reserved:
                if status < 500:
                    await anyio.to_thread.run_sync(
                        idempotency.complete, engine, owner, key, status, sent_body.decode()
                    )
                else:
                    await anyio.to_thread.run_sync(idempotency.release, engine, owner, key)
            else:
                # answered before the key was reserved (no such route, a body that does not
                # parse) or a marked route's refusal, whose transaction rolled back
                stored = await anyio.to_thread.run_sync(
                    idempotency.store_answer,
                    engine,
                    owner,
                    key,
                    request_hash,
                    status,
                    sent_body.decode(),
                )
                if stored is not None:
                    await _raw(send, *_stored_answer(scope, key, request_hash, stored))
                    return
            await send(start)
            await send({"type": "http.response.body", "body": sent_body})

        try:
            await self.app(scope, replay_receive, capture)
        except Exception:
            if pending.reserved:
                await anyio.to_thread.run_sync(idempotency.release, engine, owner, key)
            raise


def _stored_answer(
    scope: Scope, key: str, request_hash: str, stored: idempotency.Stored
) -> tuple[int, bytes, bool]:
    """What a request with a key that has a record answers: (status, body, replayed)."""
    if stored.request_hash != request_hash:
        return _error(
            409,
            "idempotency_key_reused",
            language.words(Request(scope))._(
                N_("This Idempotency-Key was used with a different request.")
            ),
            key,
        )
    if stored.status_code is None:
        return _error(
            409,
            "idempotency_in_progress",
            language.words(Request(scope))._(
                N_("A request with this Idempotency-Key is still in progress.")
            ),
            key,
        )
    return stored.status_code, (stored.body or "").encode(), True


def _error(status: int, code: str, message: str, key: str) -> tuple[int, bytes, bool]:
    payload = {"error": {"code": code, "message": message, "idempotency_key": key}}
    return status, json.dumps(payload).encode(), False


async def _json(send: Send, status: int, payload: dict[str, Any]) -> None:
    await _raw(send, status, json.dumps(payload).encode())


async def _raw(send: Send, status: int, body: bytes, replayed: bool = False) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if replayed:
        headers.append((b"idempotent-replayed", b"true"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _response(status: int, body: bytes, replayed: bool) -> Response:
    """`_raw`'s answer as a Response, for an endpoint or an exception handler to return."""
    headers = {"content-type": "application/json"}
    if replayed:
        headers["idempotent-replayed"] = "true"
    return Response(body, status, headers=headers)


# PostgreSQL's deadlock_detected and serialization_failure: the transaction was rolled back
# whole, so running the request again is safe (and what a client would do with its key).
RETRY_SQLSTATES = frozenset({"40P01", "40001"})
ATTEMPTS = 3


def within_request_transaction(
    request: Request,
    c: Container,
    token: str,
    work: Callable[[RequestUnitOfWork, Actor], BaseModel],
    status_code: int = 200,
) -> Response:
    """The whole API request in one transaction: claim the Idempotency-Key, find the bearer
    token's actor (on PostgreSQL read by the claim's statement), run `work` (the use case,
    then the answer built from what it returned), store the answer as the key's, commit. A
    key with an answer already gets that answer (or its 409) and nothing runs. An exception
    rolls everything back and goes on to the error handlers; the middleware then stores their
    answer as the key's, as it does for any answer below 500 the route did not store itself.
    A transaction the database chose to abort (a deadlock with the worker, say, when the
    request settled a passed deadline first) runs again, up to ATTEMPTS times."""
    attempt = 1
    while True:
        try:
            return _in_one_transaction(request, c, token, work, status_code)
        except DBAPIError as exc:
            if attempt >= ATTEMPTS or getattr(exc.orig, "sqlstate", None) not in RETRY_SQLSTATES:
                raise
            attempt += 1


def _in_one_transaction(
    request: Request,
    c: Container,
    token: str,
    work: Callable[[RequestUnitOfWork, Actor], BaseModel],
    status_code: int,
) -> Response:
    pending: PendingKey | None = request.scope.get("state", {}).get(STATE)
    with c.request_uow() as uow:
        if pending is not None:
            stored = idempotency.claim(
                uow.session,
                pending.owner,
                pending.key,
                pending.request_hash,
                token_hash=accounts.hash_token(token),
            )
            if stored is not None:
                pending.answered = True
                return _response(
                    *_stored_answer(request.scope, pending.key, pending.request_hash, stored)
                )
        actor = accounts.actor_for_token(uow, token)
        text = work(uow, actor).model_dump_json()
        if pending is not None:
            idempotency.complete_in(uow.session, pending.owner, pending.key, status_code, text)
        uow.commit()
    if pending is not None:
        pending.answered = True
    return Response(text, status_code, media_type="application/json")


def use_case_key(request: Request, actor: Actor) -> str | None:
    """The request's Idempotency-Key, scoped to its caller, for a use case to record with what
    it creates: a retry that runs again (its first answer was lost with a crashed process, so
    the key was taken over) then finds that first result instead of making a second one."""
    key = request.headers.get("idempotency-key")
    if not key:
        return None
    digest = hashlib.sha256(f"{actor.role}:{actor.user_id}:{key}".encode()).hexdigest()
    return "api-" + digest[:40]
