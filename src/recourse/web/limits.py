"""Request bodies larger than any real form or API call are refused with 413 before parsing."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from recourse.domain.evidence import EvidenceLimits
from recourse.i18n import ENGLISH, N_, Words
from recourse.web import language

MAX_BODY_BYTES = 1_000_000
# T6: a multipart form may carry evidence files, each refused on its own above its limit with a
# sentence naming it; the body as a whole stops at every file at its limit plus the fields.
UPLOAD_MAX_BODY_BYTES = EvidenceLimits().max_files * EvidenceLimits().max_bytes + MAX_BODY_BYTES


class BodyTooLarge(Exception):
    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"over {max_bytes} bytes")
        self.max_bytes = max_bytes


def too_large(max_bytes: int, words: Words = ENGLISH) -> dict[str, Any]:
    return {
        "error": {
            "code": "too_large",
            "message": words._(
                N_("The request body is larger than %(max_bytes)s bytes."), max_bytes=max_bytes
            ),
        }
    }


class BodyLimitMiddleware:
    def __init__(
        self, app: ASGIApp, *, max_bytes: int, multipart_max_bytes: int | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.multipart_max_bytes = multipart_max_bytes or max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        content_type = headers.get(b"content-type", b"").lower()
        limit = (
            self.multipart_max_bytes
            if content_type.startswith(b"multipart/form-data")
            else self.max_bytes
        )
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, send, limit)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if not started:
                await self._refuse(scope, send, limit)

    async def _refuse(self, scope: Scope, send: Send, limit: int) -> None:
        words = language.words(Request(scope))
        body = json.dumps(too_large(limit, words)).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
