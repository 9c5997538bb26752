"""Prometheus text exposition of request counts and latencies, without extra dependencies."""

from __future__ import annotations

import threading
import time
from collections import defaultdict

from starlette.types import ASGIApp, Message, Receive, Scope, Send

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Registry:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: dict[tuple[str, str, int], int] = defaultdict(int)
        self.buckets: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * len(BUCKETS))
        self.sums: dict[tuple[str, str], float] = defaultdict(float)
        self.counts: dict[tuple[str, str], int] = defaultdict(int)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        with self._lock:
            self.requests[(method, route, status)] += 1
            key = (method, route)
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    self.buckets[key][i] += 1
            self.sums[key] += seconds
            self.counts[key] += 1

    def render(self) -> str:
        out = [
            "# HELP recourse_http_requests_total HTTP requests by route and status.",
            "# TYPE recourse_http_requests_total counter",
        ]
        with self._lock:
            for (method, route, status), n in sorted(self.requests.items()):
                out.append(
                    f'recourse_http_requests_total{{method="{method}",route="{route}",'
                    f'status="{status}"}} {n}'
                )
            out.append("# HELP recourse_http_request_seconds Request latency.")
            out.append("# TYPE recourse_http_request_seconds histogram")
            for (method, route), counts in sorted(self.buckets.items()):
                labels = f'method="{method}",route="{route}"'
                for bound, n in zip(BUCKETS, counts, strict=True):
                    out.append(f'recourse_http_request_seconds_bucket{{{labels},le="{bound}"}} {n}')
                total = self.counts[(method, route)]
                out.append(f'recourse_http_request_seconds_bucket{{{labels},le="+Inf"}} {total}')
                out.append(
                    f"recourse_http_request_seconds_sum{{{labels}}} {self.sums[(method, route)]}"
                )
                out.append(f"recourse_http_request_seconds_count{{{labels}}} {total}")
        return "\n".join(out) + "\n"


METRICS = Registry()


class MetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def wrapped(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, wrapped)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", None) or "unmatched"
            METRICS.observe(scope["method"], path, status, time.perf_counter() - started)
