"""A value the database refuses (the schemas should have caught it first) answers 422 with
what was wrong with it, never a 500 and never another kind of problem's sentence: a NUL in a
title once answered "A number in the request is too large"."""

from __future__ import annotations

from collections.abc import Callable

import psycopg
import psycopg.errors
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from fastapi.testclient import TestClient
from sqlalchemy.exc import DataError

from recourse.web import errors


def refused_by_postgresql(cause: Exception) -> DataError:
    return DataError("INSERT INTO order_lines …", {}, cause)


def encoding_a_lone_surrogate() -> UnicodeEncodeError:
    """What psycopg and sqlite3 raise for a string JSON's `\\ud800` escape can carry."""
    try:
        "a\ud800".encode()
    except UnicodeEncodeError as exc:
        return exc
    raise AssertionError("a lone surrogate encoded")


def page_error(request: Request, status: int, message: str) -> Response:
    return PlainTextResponse(message, status_code=status)


def app_raising(failure: Callable[[], Exception]) -> TestClient:
    app = FastAPI()
    errors.install(app, page_error)

    @app.post("/api/v1/orders")
    def ingest() -> None:
        raise failure()

    return TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize(
    ("failure", "code", "words"),
    [
        (
            lambda: refused_by_postgresql(
                psycopg.errors.NumericValueOutOfRange("integer out of range")
            ),
            "out_of_range",
            "A number in the request is too large",
        ),
        (
            lambda: OverflowError("Python int too large to convert to SQLite INTEGER"),
            "out_of_range",
            "A number in the request is too large",
        ),
        (
            lambda: refused_by_postgresql(
                psycopg.DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes")
            ),
            "invalid_text",
            "A text in the request contains a character that cannot be stored",
        ),
        (
            encoding_a_lone_surrogate,
            "invalid_text",
            "A text in the request contains a character that cannot be stored",
        ),
        (
            lambda: refused_by_postgresql(
                psycopg.errors.StringDataRightTruncation(
                    "value too long for type character varying(300)"
                )
            ),
            "too_long",
            "A text in the request is longer than can be stored",
        ),
    ],
    ids=["integer out of range", "SQLite integer", "NUL", "lone surrogate", "text too long"],
)
def test_a_value_the_database_refuses_answers_422_saying_what_was_wrong(
    failure: Callable[[], Exception], code: str, words: str
) -> None:
    response = app_raising(failure).post("/api/v1/orders", json={})

    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert (error["code"], error["field"]) == (code, "body")
    assert error["message"].startswith(words)
