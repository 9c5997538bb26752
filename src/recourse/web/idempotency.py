"""§12 Idempotency-Key on every API POST, as a small ASGI middleware.

The first response to a key is stored and replayed for the same key and body; the same key
with a different body answers 409. Keys are scoped to the caller's credentials.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import anyio
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from recourse.db import idempotency
from recourse.domain.roles import Actor
from recourse.i18n import N_
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


class IdempotencyMiddleware:
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
        engine = scope["app"].state.container.engine
        stored = await anyio.to_thread.run_sync(
            idempotency.reserve, engine, owner, key, request_hash
        )
        if stored is not None:
            if stored.request_hash != request_hash:
                await _json(
                    send,
                    409,
                    {
                        "error": {
                            "code": "idempotency_key_reused",
                            "message": language.words(Request(scope))._(
                                N_("This Idempotency-Key was used with a different request.")
                            ),
                            "idempotency_key": key,
                        }
                    },
                )
            elif stored.status_code is None:
                await _json(
                    send,
                    409,
                    {
                        "error": {
                            "code": "idempotency_in_progress",
                            "message": language.words(Request(scope))._(
                                N_("A request with this Idempotency-Key is still in progress.")
                            ),
                            "idempotency_key": key,
                        }
                    },
                )
            else:
                await _raw(send, stored.status_code, (stored.body or "").encode(), replayed=True)
            return

        sent_body = b""
        status = 500
        start: Message | None = None

        async def replay_receive() -> Message:
            nonlocal body
            chunk, body = body, b""
            return {"type": "http.request", "body": chunk, "more_body": False}

        async def capture(message: Message) -> None:
            nonlocal sent_body, status, start
            if message["type"] == "http.response.start":
                status = message["status"]
                start = message
                return
            if message["type"] == "http.response.body":
                sent_body += message.get("body", b"")
                if not message.get("more_body", False):
                    if status < 500:
                        await anyio.to_thread.run_sync(
                            idempotency.complete, engine, owner, key, status, sent_body.decode()
                        )
                    else:
                        await anyio.to_thread.run_sync(idempotency.release, engine, owner, key)
                    assert start is not None
                    await send(start)
                    await send({"type": "http.response.body", "body": sent_body})
                return
            await send(message)

        try:
            await self.app(scope, replay_receive, capture)
        except Exception:
            await anyio.to_thread.run_sync(idempotency.release, engine, owner, key)
            raise


async def _json(send: Send, status: int, payload: dict[str, Any]) -> None:
    await _raw(send, status, json.dumps(payload).encode())


async def _raw(send: Send, status: int, body: bytes, *, replayed: bool = False) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if replayed:
        headers.append((b"idempotent-replayed", b"true"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def use_case_key(request: Request, actor: Actor) -> str | None:
    """The request's Idempotency-Key, scoped to its caller, for a use case to record with what
    it creates: a retry that runs again (its first answer was lost with a crashed process, so
    the key was taken over) then finds that first result instead of making a second one."""
    key = request.headers.get("idempotency-key")
    if not key:
        return None
    digest = hashlib.sha256(f"{actor.role}:{actor.user_id}:{key}".encode()).hexdigest()
    return "api-" + digest[:40]
