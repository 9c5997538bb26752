"""The API answers in the language `Accept-Language` asks for (M2): the same code and facts,
the sentence in Spanish for `es`, in English without the header."""

from __future__ import annotations

from typing import Any, Literal

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field, ValidationError

from recourse.container import Container
from recourse.i18n import ENGLISH
from recourse.texts.platform import FIELD_PROBLEMS
from recourse.web.api.fields import (
    Country,
    Currency,
    Email,
    FilledLine,
    Locale,
    OneLine,
    Quantity,
    TimeZone,
)
from tests.web.api_helpers import operator_headers


def test_a_missing_order_reads_spanish_when_asked_and_english_otherwise(
    client: TestClient, container: Container
) -> None:
    headers = operator_headers(container)

    english = client.get("/api/v1/orders/424242", headers=headers)
    spanish = client.get("/api/v1/orders/424242", headers={**headers, "Accept-Language": "es"})

    assert english.status_code == spanish.status_code == 404
    assert english.json()["error"] == {
        "code": "not_found",
        "message": "No order 424242.",
        "order_id": 424242,
    }
    assert spanish.json()["error"] == {
        "code": "not_found",
        "message": "No existe el pedido 424242.",
        "order_id": 424242,
    }


def test_a_path_the_api_does_not_have_reads_spanish_when_asked(client: TestClient) -> None:
    english = client.get("/api/v1/no-such-thing")
    spanish = client.get("/api/v1/no-such-thing", headers={"Accept-Language": "es-ES,es;q=0.9"})

    assert english.json()["error"] == {"code": "not_found", "message": "Not Found"}
    assert spanish.json()["error"] == {"code": "not_found", "message": "No encontrado"}


def test_a_malformed_request_names_its_field_in_spanish(
    client: TestClient, container: Container
) -> None:
    headers = operator_headers(container)

    english = client.post("/api/v1/stores", json={"country": "DE"}, headers=headers)
    spanish = client.post(
        "/api/v1/stores", json={"country": "DE"}, headers={**headers, "Accept-Language": "es"}
    )

    assert english.status_code == spanish.status_code == 422
    assert english.json()["error"]["message"] == "name: Field required"
    assert spanish.json()["error"]["message"] == "name: Campo obligatorio"
    assert spanish.json()["error"]["errors"] == [{"field": "name", "message": "Campo obligatorio"}]


def test_a_rule_of_the_api_reads_spanish_when_asked(
    client: TestClient, container: Container
) -> None:
    headers = {**operator_headers(container), "Accept-Language": "es"}

    refused = client.post(
        "/api/v1/stores", json={"name": "Lamps", "country": "de"}, headers=headers
    )

    assert refused.status_code == 422
    assert refused.json()["error"]["errors"] == [
        {"field": "country", "message": "Los códigos de país van en mayúsculas: DE."}
    ]


class _Checked(BaseModel):
    country: Country
    currency: Currency
    email: Email
    locale: Locale
    timezone: TimeZone
    line: OneLine
    filled: FilledLine
    quantity: Quantity
    short: str = Field(max_length=3)
    choice: Literal["instant", "approval"]


@pytest.mark.parametrize(
    "body",
    [
        {
            "country": "de",
            "currency": "eur",
            "email": "ana",
            "locale": "1",
            "timezone": "Mars/Olympus",
            "line": "a\x01",
            "filled": "  ",
            "quantity": 0,
            "short": "abcd",
            "choice": "maybe",
        },
        {"country": "ZZ", "currency": "XXX", "quantity": 10**12, "unknown": 1},
    ],
)
def test_the_api_words_each_check_as_pydantic_says_it_in_english(body: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as refused:
        _Checked.model_validate(body)

    for error in refused.value.errors():
        sentence = FIELD_PROBLEMS[error["type"]]
        assert sentence(ENGLISH, error.get("ctx") or {}) == error["msg"]
