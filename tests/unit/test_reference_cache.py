"""Reference data kept per process: for its time to live, and never past a change."""

from __future__ import annotations

from collections.abc import Callable

from recourse.db.reference import ReferenceCache


class Ticks:
    """A monotonic clock the test moves (the cache's only outside input)."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def counting_loader(values: list[str]) -> tuple[list[int], Callable[[], str]]:
    calls = [0]

    def load() -> str:
        calls[0] += 1
        return values[calls[0] - 1]

    return calls, load


def test_a_value_is_read_once_while_it_lives_then_read_again() -> None:
    ticks = Ticks()
    cache = ReferenceCache(5, ticks)
    calls, load = counting_loader(["v1", "v2"])

    assert cache.get("k", load) == "v1"
    ticks.now += 4.9
    assert cache.get("k", load) == "v1"
    ticks.now += 0.2
    assert cache.get("k", load) == "v2"
    assert calls == [2]


def test_clear_drops_everything_and_counts_a_generation() -> None:
    cache = ReferenceCache(60, Ticks())
    _, load = counting_loader(["old", "new"])
    cache.get("k", load)
    before = cache.generation

    cache.clear()

    assert cache.generation == before + 1
    assert cache.get("k", load) == "new"


def test_a_value_read_while_a_change_cleared_the_cache_is_not_kept() -> None:
    cache = ReferenceCache(60, Ticks())

    def load_then_someone_changes_it() -> str:
        cache.clear()  # another thread's change lands while this read is under way
        return "read before the change"

    assert cache.get("k", load_then_someone_changes_it) == "read before the change"
    assert cache.get("k", lambda: "fresh") == "fresh"


def test_a_time_to_live_of_zero_keeps_nothing() -> None:
    cache = ReferenceCache(0, Ticks())
    calls, load = counting_loader(["a", "b"])

    assert [cache.get("k", load), cache.get("k", load)] == ["a", "b"]
    assert calls == [2]
