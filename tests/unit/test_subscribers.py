"""STYLE 10: every fact a use case records has an entry in the one subscriber table, and only
the table tells anyone — no use case calls a notification helper or publishes an event itself."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import pkgutil
from pathlib import Path
from typing import get_args

import recourse.services
from recourse.services import events, subscribers

SERVICES = Path(recourse.services.__file__).parent

# Where telling is written: the handlers, and the helpers and catalogue they use.
TELLERS = {
    "subscribers.py",
    "notify.py",
    "cancellations/notices.py",
    "refunds/notices.py",
    "conversation_notices.py",
    "returns/notices.py",
    "returns/parcel_notices.py",
    "disputes/notices.py",
    "disputes/outcome_notices.py",
    "disputes/force_notices.py",
}
TELLING = {"notify_user", "notify_store_staff", "queue_email", "publish"}


def _facts() -> set[type]:
    """Every dataclass the modules of services/events/ define: the facts a use case may
    record."""
    modules = [
        importlib.import_module(f"{events.__name__}.{info.name}")
        for info in pkgutil.iter_modules(events.__path__)
    ]
    return {
        cls
        for module in modules
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if cls.__module__ == module.__name__ and dataclasses.is_dataclass(cls)
    }


def test_every_fact_is_one_a_use_case_may_record() -> None:
    assert _facts() == set(get_args(events.Happened))


def test_every_fact_has_an_entry_in_the_table() -> None:
    missing = {cls.__name__ for cls in _facts()} - {cls.__name__ for cls in subscribers.SUBSCRIBERS}
    assert not missing, f"add these facts to SUBSCRIBERS: {sorted(missing)}"
    assert set(subscribers.SUBSCRIBERS) == _facts()


def test_facts_are_frozen() -> None:
    thawed = [cls.__name__ for cls in _facts() if not cls.__dataclass_params__.frozen]  # type: ignore[attr-defined]
    assert not thawed


def test_each_handler_takes_its_fact() -> None:
    for fact, handlers in subscribers.SUBSCRIBERS.items():
        for handler in handlers:
            hints = inspect.get_annotations(handler, eval_str=True)
            assert hints.get("e") is fact, f"{handler.__name__} does not take {fact.__name__}"


def _calls(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                names.add(func.id)
            elif isinstance(func, ast.Attribute):
                names.add(func.attr)
    return names


def test_use_cases_tell_only_through_the_table() -> None:
    offenders = {
        rel: sorted(_calls(path) & TELLING)
        for path in sorted(SERVICES.rglob("*.py"))
        if (rel := path.relative_to(SERVICES).as_posix()) not in TELLERS
        and "ports/" not in rel
        and _calls(path) & TELLING
    }
    assert not offenders, f"record a fact with subscribers.record instead: {offenders}"
