"""STYLE 2 and 12: files a newcomer can read whole, and use cases that read as recipes."""

from __future__ import annotations

import ast
from pathlib import Path

import recourse

SOURCE = Path(recourse.__file__).parent
MAX_FILE_LINES = 400
MAX_SERVICE_FUNCTION_LINES = 60


def _sources() -> list[Path]:
    return sorted(SOURCE.rglob("*.py"))


def _line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_source_file_is_over_400_lines() -> None:
    too_long = [
        f"{path.relative_to(SOURCE.parent)}: {n} lines"
        for path in _sources()
        if (n := _line_count(path)) > MAX_FILE_LINES
    ]
    assert not too_long, "\n".join(too_long)


def _functions(path: Path) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]


def test_no_function_in_services_is_over_60_lines() -> None:
    too_long = [
        f"{path.relative_to(SOURCE.parent)}:{node.lineno} {node.name}: {length} lines"
        for path in sorted((SOURCE / "services").rglob("*.py"))
        for node in _functions(path)
        if (length := (node.end_lineno or node.lineno) - node.lineno + 1)
        > MAX_SERVICE_FUNCTION_LINES
    ]
    assert not too_long, "\n".join(too_long)
