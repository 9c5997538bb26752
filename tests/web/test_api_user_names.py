"""T3: a user's name is a name. Line breaks and other control characters are refused (422,
field `name`); anything else people are called, brackets and quotes included, is kept."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from recourse.container import Container
from tests.web.api_helpers import operator_headers


def _user(name: str) -> dict[str, str]:
    return {"email": "eve@example.com", "name": name, "role": "buyer", "country": "DE"}


@pytest.mark.parametrize(
    "name",
    ["Eve\r\nBcc: x@evil.test", "Eve\nX", "Eve\rX", "Eve\x00", "Eve\x1b[31m", "Eve\u2028X"],
    ids=["crlf", "lf", "cr", "nul", "escape", "line-separator"],
)
def test_a_name_with_control_characters_is_refused_naming_the_field(
    client: TestClient, container: Container, name: str
) -> None:
    response = client.post("/api/v1/users", json=_user(name), headers=operator_headers(container))

    assert response.status_code == 422
    assert response.json()["error"]["field"] == "name"


def test_a_name_with_brackets_and_quotes_is_kept_as_written(
    client: TestClient, container: Container
) -> None:
    response = client.post(
        "/api/v1/users", json=_user('Eve <x@evil.test> "'), headers=operator_headers(container)
    )

    assert response.status_code == 201
    assert response.json()["name"] == 'Eve <x@evil.test> "'
