"""The worker's own Prometheus counter: gateway calls that failed.

`prometheus_client` is imported on first use, not with this module: the command line imports
the worker before it sets `PROMETHEUS_MULTIPROC_DIR`, and the library decides where values are
kept when first imported. With the folder set, a scrape of the web server adds this counter up
over every process that shares the folder (the embedded worker, `recourse worker` on the same
host); without it, the counter lives in this process's default registry."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prometheus_client import Counter


@cache
def _gateway_errors() -> Counter:
    from prometheus_client import Counter

    return Counter(
        "recourse_gateway_errors",
        "Payment gateway calls from the worker that failed transiently (network, timeout, 5xx).",
        ["gateway", "operation"],
    )


def count_gateway_error(gateway: str, operation: str) -> None:
    _gateway_errors().labels(gateway, operation).inc()
