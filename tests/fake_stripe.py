"""A local HTTP server that answers like Stripe's refunds API, for the Stripe adapter's tests.

It keeps refunds by idempotency key as Stripe does: the same key returns the response it first
gave and makes no second refund; the same key with other parameters is an `idempotency_error`;
a key still being worked on answers 409. `fail_with` makes every request fail before anything
is created (as an outage or a refused request does), and `hold` keeps every new refund's
request waiting until `release` (an answer later than any client waits, whatever the load).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    idempotency_key: str | None
    authorization: str | None
    params: dict[str, str]


@dataclass
class _Kept:
    params: dict[str, str]
    body: str


class FakeStripe:
    def __init__(self) -> None:
        self.url = ""
        self.calls: list[Call] = []
        self.refunds: dict[str, dict[str, Any]] = {}
        self.failure: tuple[int, dict[str, Any]] | None = None
        self._gate = threading.Event()
        self._gate.set()
        self._kept: dict[str, _Kept] = {}
        self._in_progress: set[str] = set()
        self._lock = threading.Condition()

    def fail_with(
        self, status: int, error_type: str, message: str, code: str | None = None
    ) -> None:
        self.failure = (status, {"type": error_type, "message": message, "code": code})

    def recover(self) -> None:
        self.failure = None

    def hold(self) -> None:
        """New refunds' requests wait (in progress) until `release`."""
        self._gate.clear()

    def release(self) -> None:
        self._gate.set()

    def settle(
        self,
        refund_id: str,
        *,
        status: str = "succeeded",
        reference: str | None = None,
        failure_reason: str | None = None,
    ) -> None:
        """What Stripe does later: the refund succeeds (with an ARN) or fails."""
        with self._lock:
            refund = self.refunds[refund_id]
            refund["status"] = status
            refund["failure_reason"] = failure_reason
            card = refund["destination_details"]["card"]
            card["reference"] = reference
            card["reference_status"] = "available" if reference else "unavailable"

    def posts(self) -> list[Call]:
        return [call for call in self.calls if call.method == "POST"]

    def wait_idle(self, timeout: float = 5.0) -> None:
        """Until no request is being worked on (one the client gave up on may still be)."""
        with self._lock:
            assert self._lock.wait_for(lambda: not self._in_progress, timeout)

    def handle(self, call: Call) -> tuple[int, dict[str, Any], dict[str, str]]:
        with self._lock:
            self.calls.append(call)
        if call.authorization is None or not call.authorization.startswith("Bearer sk_"):
            return _error(401, "invalid_request_error", "You did not provide a valid API key.")
        if self.failure is not None:
            status, error = self.failure
            return _error(status, error["type"], error["message"], error["code"])
        if call.method == "GET" and call.path.startswith("/v1/refunds/"):
            return self._retrieve(call.path.removeprefix("/v1/refunds/"))
        if call.method == "POST" and call.path == "/v1/refunds":
            return self._create(call)
        return _error(404, "invalid_request_error", f"Unrecognized request URL ({call.path}).")

    def _retrieve(self, refund_id: str) -> tuple[int, dict[str, Any], dict[str, str]]:
        with self._lock:
            refund = self.refunds.get(refund_id)
            if refund is None:
                return _error(
                    404,
                    "invalid_request_error",
                    f"No such refund: '{refund_id}'",
                    "resource_missing",
                )
            return 200, json.loads(json.dumps(refund)), {}

    def _create(self, call: Call) -> tuple[int, dict[str, Any], dict[str, str]]:
        key = call.idempotency_key or secrets.token_hex(8)
        with self._lock:
            if key in self._in_progress:
                return _error(
                    409,
                    "idempotency_error",
                    "There is currently another in-progress request using this Idempotent Key.",
                    "idempotency_key_in_use",
                )
            kept = self._kept.get(key)
            if kept is not None:
                if kept.params != call.params:
                    return _error(
                        400,
                        "idempotency_error",
                        "Keys for idempotent requests can only be used with the same "
                        "parameters they were first used with.",
                    )
                return 200, json.loads(kept.body), {"Idempotent-Replayed": "true"}
            self._in_progress.add(key)
        try:
            self._gate.wait(timeout=30)
            return self._new_refund(key, call.params)
        finally:
            with self._lock:
                self._in_progress.discard(key)
                self._lock.notify_all()

    def _new_refund(
        self, key: str, params: dict[str, str]
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        refund: dict[str, Any] = {
            "id": "re_" + secrets.token_hex(12),
            "object": "refund",
            "amount": int(params["amount"]),
            "currency": "eur",
            "charge": params.get("charge"),
            "payment_intent": params.get("payment_intent"),
            "metadata": {
                name.removeprefix("metadata[").removesuffix("]"): value
                for name, value in params.items()
                if name.startswith("metadata[")
            },
            "status": "pending",
            "failure_reason": None,
            "created": int(time.time()),
            "destination_details": {
                "type": "card",
                "card": {"type": "refund", "reference": None, "reference_status": "pending"},
            },
        }
        with self._lock:
            self.refunds[refund["id"]] = refund
            body = json.dumps(refund)
            self._kept[key] = _Kept(params=params, body=body)
        return 200, json.loads(body), {}


def _error(
    status: int, error_type: str, message: str, code: str | None = None
) -> tuple[int, dict[str, Any], dict[str, str]]:
    error: dict[str, Any] = {"type": error_type, "message": message}
    if code is not None:
        error["code"] = code
    return status, {"error": error}, {}


def _handler(fake: FakeStripe) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._answer()

        def do_POST(self) -> None:
            self._answer()

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = self.rfile.read(length).decode() if length else ""
            path, _, query = self.path.partition("?")
            call = Call(
                method=self.command,
                path=path,
                idempotency_key=self.headers.get("Idempotency-Key"),
                authorization=self.headers.get("Authorization"),
                params=dict(parse_qsl(form or query, keep_blank_values=True)),
            )
            status, body, headers = fake.handle(call)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", "req_" + secrets.token_hex(7))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            with suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@contextmanager
def running_fake_stripe() -> Iterator[FakeStripe]:
    """A fake on 127.0.0.1 on a free port, served from a thread for the `with` block."""
    fake = FakeStripe()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    server.block_on_close = False
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(
        target=server.serve_forever, args=(0.05,), name="fake-stripe", daemon=True
    )
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
