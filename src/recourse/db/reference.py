"""Reference data every request reads and operators change rarely: store policy versions
(immutable once written), platform settings, the cancellation reason catalogue and the
settlement profiles.

Each process keeps what it read for `ttl` seconds. A change written through this process clears
the cache at once and again when its transaction commits; other processes see it within `ttl`
seconds (docs/operations.md). With `ttl` 0 nothing is kept.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class ReferenceCache:
    def __init__(self, ttl: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._entries: dict[object, tuple[float, object]] = {}
        self._generation = 0

    def get(self, key: object, load: Callable[[], T]) -> T:
        """The cached value of `key`, or `load()`'s, kept unless a change cleared it meanwhile."""
        if self.ttl <= 0:
            return load()
        now = self._monotonic()
        with self._lock:
            hit = self._entries.get(key)
            generation = self._generation
        if hit is not None and hit[0] > now:
            return hit[1]  # type: ignore[return-value]
        value = load()
        with self._lock:
            if generation == self._generation:
                self._entries[key] = (now + self.ttl, value)
        return value

    @property
    def generation(self) -> int:
        """Counts the clears: a unit of work compares it before and after to know whether
        reference data changed while it ran."""
        return self._generation

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._generation += 1
