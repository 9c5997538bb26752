"""docs/api.md's walkthrough, run as written: each request in order on a fresh database, each
answer checked against the one the guide shows. The notation is explained at the top of the
guide: `"{name}"` names a value or stands for one named earlier, `"…"` is a value that varies."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from recourse.container import Container
from recourse.integrations.clock import FixedClock, parse_duration
from recourse.services import accounts

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "api.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
NAME = re.compile(r"\{(\w+)\}")
WHOLE_NAME = re.compile(r"^\{(\w+)\}$")
TOKEN = re.compile(r"^(\w+)=\$\(recourse token create (?:--operator|--user (\S+)) \| tail -1\)$")
CLOCK = re.compile(r"^recourse clock advance (\S+)$")
VARIES = "…"


@dataclass(frozen=True)
class Token:
    name: str
    email: str | None


@dataclass(frozen=True)
class Advance:
    duration: str


@dataclass(frozen=True)
class Exchange:
    request_line: str
    headers: dict[str, str]
    body: str
    status: int
    answer_headers: dict[str, str]
    answer: str


Step = Token | Advance | Exchange


def _message(block: str) -> tuple[str, dict[str, str], str]:
    head, _, body = block.partition("\n\n")
    first, *header_lines = head.splitlines()
    headers = dict(line.split(": ", 1) for line in header_lines)
    return first, headers, body.strip()


def _shell(block: str) -> list[Step]:
    steps: list[Step] = []
    for line in block.splitlines():
        token, clock = TOKEN.match(line), CLOCK.match(line)
        if token:
            steps.append(Token(token[1], token[2]))
        elif clock:
            steps.append(Advance(clock[1]))
        elif line and not line.startswith("#"):
            raise ValueError(f"docs/api.md: a command the walkthrough cannot run: {line}")
    return steps


def guide_steps(text: str) -> list[Step]:
    """The guide's `sh` and `http` blocks in order; each request must be followed by its answer."""
    steps: list[Step] = []
    pending: tuple[str, dict[str, str], str] | None = None
    for kind, block in BLOCK.findall(text):
        if kind == "sh":
            steps.extend(_shell(block))
        elif kind == "http" and block.startswith("HTTP/"):
            if pending is None:
                raise ValueError(f"docs/api.md: an answer with no request: {block[:40]}")
            first, headers, body = _message(block)
            steps.append(Exchange(*pending, int(first.split()[1]), headers, body))
            pending = None
        elif kind == "http":
            if pending is not None:
                raise ValueError(f"docs/api.md: a request with no answer: {pending[0]}")
            pending = _message(block)
    if pending is not None:
        raise ValueError(f"docs/api.md: a request with no answer: {pending[0]}")
    return steps


def exchanges(steps: list[Step]) -> list[Exchange]:
    return [s for s in steps if isinstance(s, Exchange)]


def _fill_text(text: str, known: dict[str, Any]) -> str:
    return NAME.sub(lambda m: str(known[m[1]]), text)


def _fill(value: Any, known: dict[str, Any]) -> Any:
    """Request bodies: `"{name}"` becomes the named value itself (a number stays a number)."""
    if isinstance(value, dict):
        return {k: _fill(v, known) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, known) for v in value]
    whole = WHOLE_NAME.match(value) if isinstance(value, str) else None
    return known[whole[1]] if whole else value


def _expect(shown: Any, actual: Any, known: dict[str, Any], where: str) -> None:
    """Every field the guide shows is in the answer, with the value shown."""
    if isinstance(shown, dict):
        assert isinstance(actual, dict), f"{where}: {actual!r} is not an object"
        for key, value in shown.items():
            assert key in actual, f"{where}.{key} is missing from {sorted(actual)}"
            _expect(value, actual[key], known, f"{where}.{key}")
        return
    if isinstance(shown, list):
        assert isinstance(actual, list), f"{where}: {actual!r} is not a list"
        more = bool(shown) and shown[-1] == VARIES
        items = shown[:-1] if more else shown
        assert len(actual) >= len(items) if more else len(actual) == len(items), (
            f"{where}: {len(actual)} items where the guide shows {len(items)}"
        )
        for i, (value, got) in enumerate(zip(items, actual, strict=False)):
            _expect(value, got, known, f"{where}[{i}]")
        return
    if shown == VARIES:
        return
    whole = WHOLE_NAME.match(shown) if isinstance(shown, str) else None
    if whole:
        known.setdefault(whole[1], actual)
        assert actual == known[whole[1]], f"{where}: {actual!r}, not {{{whole[1]}}}"
        return
    assert actual == shown, f"{where}: {actual!r} where the guide shows {shown!r}"


def _run(steps: list[Step], client: TestClient, container: Container, clock: FixedClock) -> int:
    known: dict[str, Any] = {}
    exchanged = 0
    for step in steps:
        if isinstance(step, Token):
            known[step.name] = accounts.create_token(
                container.uow(), container.ctx, operator=step.email is None, email=step.email
            )
        elif isinstance(step, Advance):
            clock.advance(parse_duration(step.duration))
        else:
            method, path = _fill_text(step.request_line, known).split()[:2]
            body = json.dumps(_fill(json.loads(step.body), known)) if step.body else None
            headers = {k: _fill_text(v, known) for k, v in step.headers.items()}
            answer = client.request(method, path, headers=headers, content=body)
            where = f"{method} {path}"
            assert answer.status_code == step.status, f"{where}: {answer.text}"
            for header, value in step.answer_headers.items():
                assert answer.headers.get(header) == value, f"{where}: header {header}"
            _expect(json.loads(step.answer or "{}"), answer.json(), known, where)
            exchanged += 1
    return exchanged


def test_every_example_in_the_api_guide_answers_as_shown(
    client: TestClient, container: Container, clock: FixedClock
) -> None:
    steps = guide_steps(GUIDE.read_text(encoding="utf-8"))

    exchanged = _run(steps, client, container, clock)

    assert exchanged == len(exchanges(steps))
    assert exchanged == GUIDE.read_text(encoding="utf-8").count("```http\nHTTP/")


def test_api_guide_walks_through_the_main_flow() -> None:
    steps = guide_steps(GUIDE.read_text(encoding="utf-8"))
    routes = {re.sub(r"\{\w+\}", "{id}", e.request_line) for e in exchanges(steps)}

    assert routes >= {
        "POST /api/v1/stores",
        "POST /api/v1/users",
        "POST /api/v1/webhook-endpoints",
        "POST /api/v1/orders",
        "POST /api/v1/orders/{id}/payment",
        "POST /api/v1/orders/{id}/shipments",
        "POST /api/v1/shipments/{id}/events",
        "POST /api/v1/orders/{id}/cancellation-quote",
        "POST /api/v1/orders/{id}/cancellations",
        "POST /api/v1/cancellations/{id}/approve",
        "POST /api/v1/orders/{id}/refunds",
        "GET /api/v1/refunds/{id}",
        "GET /api/v1/orders/{id}/refunds",
    }
