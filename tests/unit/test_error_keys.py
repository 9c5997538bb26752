"""Rules speak in keys, the edge words them (STYLE 11): every error the source raises names a
key that has a sentence, and no sentence is defined twice."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import recourse
from recourse.domain import errors
from recourse.i18n import ENGLISH, Words
from recourse.texts import catalogue, error_message

SOURCE = Path(recourse.__file__).parent
# Where the key sits among each error's positional arguments.
KEY_AT = {
    "NotFound": 0,
    "NotAllowed": 0,
    "Unauthenticated": 0,
    "TooManyAttempts": 0,
    "InvalidSignature": 0,
    "GatewayUnreachable": 0,
    "RuleConflict": 0,
    "InvalidInput": 1,
}


def _raised_keys() -> list[tuple[str, str, bool]]:
    """(where, key or its f-string prefix, is_prefix) for every error built in the source."""
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            at = KEY_AT.get(str(name))
            if at is None or len(node.args) <= at:
                continue
            where = f"{path.relative_to(SOURCE)}:{node.lineno}"
            arg = node.args[at]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.append((where, arg.value, False))
            elif isinstance(arg, ast.JoinedStr) and isinstance(arg.values[0], ast.Constant):
                found.append((where, str(arg.values[0].value), True))
    return found


RAISED = _raised_keys()


def test_the_source_raises_errors_by_key() -> None:
    assert len(RAISED) > 150


@pytest.mark.parametrize(("where", "key", "prefix"), RAISED, ids=[w for w, _, _ in RAISED])
def test_every_raised_key_has_a_sentence(where: str, key: str, prefix: bool) -> None:
    assert " " not in key, f"{where}: an English sentence where a key belongs"
    keys = catalogue.ERRORS
    assert any(k.startswith(key) for k in keys) if prefix else key in keys, where


def test_no_key_is_worded_twice() -> None:
    seen: dict[str, str] = {}
    for module in catalogue.MODULES:
        for key in module.ERRORS:
            assert key not in seen, f"{key} in {module.__name__} and {seen[key]}"
            seen[key] = module.__name__


def test_an_error_reads_in_english_and_in_spanish_with_its_facts_formatted() -> None:
    error = errors.RuleConflict(
        "seller_not_late",
        field="reason",
        reason="not_shipped_in_time",
        reason_label="The seller did not ship in time",
        ship_by="2026-03-05T09:00:00+00:00",
    )
    english = error_message(error, Words("en", "Europe/Berlin"))
    spanish = error_message(error, Words("es", "Europe/Madrid"))

    assert "05 Mar 2026, 10:00 CET" in english
    assert "05 mar 2026, 10:00 CET" in spanish
    assert english != spanish
    assert error_message(errors.NotFound("no_such_key_anywhere"), ENGLISH) == "Not found."
