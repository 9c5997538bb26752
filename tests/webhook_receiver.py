"""A real webhook receiver for tests: an HTTP(S) server on 127.0.0.1 that verifies each request's
Standard Webhooks signature and records what arrived."""

from __future__ import annotations

import ssl
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    payload: Any
    error: str | None


class Receiver:
    """A real HTTP server on 127.0.0.1 that checks each request's Standard Webhooks signature
    with the endpoint's secret, records it, and answers the status set for its path (with the
    `Location` and the content type and body set for it, if any). With `tls` it speaks HTTPS.
    A request whose body stops short of its `content-length` did not arrive: it is kept apart
    in `incomplete`, unanswered, as a real server drops it.
    """

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.secrets: dict[str, str] = {}
        self.status: dict[str, int] = {}
        self.location: dict[str, str] = {}
        self.reply: dict[str, tuple[str, bytes]] = {}
        self.received: list[Received] = []
        self.incomplete: list[Received] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                if len(body) < length:
                    # The sender's connection closed before its body was complete (a process
                    # killed mid-request): nothing arrived to verify, and nobody waits for an
                    # answer; the sender, never answered, tries again.
                    with receiver._lock:
                        receiver.incomplete.append(Received(self.path, headers, body, None, None))
                    self.close_connection = True
                    return
                try:
                    payload = Webhook(receiver.secrets[self.path]).verify(body, headers)
                    error = None
                except Exception as exc:
                    payload, error = None, f"{type(exc).__name__}: {exc}"
                with receiver._lock:
                    receiver.received.append(Received(self.path, headers, body, payload, error))
                code = 400 if error else receiver.status.get(self.path, 200)
                kind, answer = receiver.reply.get(
                    self.path, ("text/plain", b"thanks" if code < 300 else b"receiver says no")
                )
                self.send_response(code)
                self.send_header("content-type", kind)
                self.send_header("content-length", str(len(answer)))
                if self.path in receiver.location:
                    self.send_header("location", receiver.location[self.path])
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.scheme = "https" if tls else "http"
        if tls:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def at(self, path: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.path == path]
