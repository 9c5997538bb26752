"""Types of request fields: numbers within the columns they are stored in, text without control
characters, and ISO codes of real countries and real money. A value outside them answers 422
naming its own field, before anything reaches a database (SQLite and PostgreSQL refuse
different things, so the schema decides for both)."""

from __future__ import annotations

import re
from typing import Annotated

from annotated_types import Ge, Le
from pydantic import AfterValidator, Field, StrictInt, WithJsonSchema
from pydantic_core import PydanticCustomError

from recourse.countries import country_codes
from recourse.currency import currency_codes
from recourse.domain.money import MAX_AMOUNT
from recourse.domain.order import MAX_QUANTITY

# Ids start at 1 and are stored in signed 64-bit columns (BigInteger on PostgreSQL, INTEGER on
# SQLite); the bound is 2^53 - 1, the largest whole number every JSON client reads exactly
# (and one the OpenAPI document, which writes bounds as floats, states exactly).
MAX_ID = 2**53 - 1

# An id in a path or a query (given as text, so not strict).
Id = Annotated[int, Ge(1), Le(MAX_ID)]
# An id in a JSON body.
BodyId = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
# Minor units of the order's currency; the domain also caps an order's total at MAX_AMOUNT.
Amount = Annotated[
    StrictInt,
    Field(ge=0, le=MAX_AMOUNT, description="minor units of the order's currency"),
]
# Units of an order line (a 32-bit column).
Quantity = Annotated[StrictInt, Field(ge=1, le=MAX_QUANTITY)]

# C0 and C1 controls, DEL, the Unicode line and paragraph separators, and halves of surrogate
# pairs (which JSON's `\ud800` escapes can carry and no database can store).
_NOT_IN_A_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
# The same, but line breaks and tabs are part of a note.
_NOT_IN_PROSE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _without(pattern: re.Pattern[str]) -> AfterValidator:
    def check(value: str) -> str:
        found = pattern.search(value)
        if found is not None:
            raise PydanticCustomError(
                "control_character",
                "Remove the control character U+{code} (character {position}).",
                {"code": f"{ord(found.group()):04X}", "position": found.start() + 1},
            )
        return value

    return AfterValidator(check)


# One line of text: a name, title, SKU, reference. Give its length with `Field`. The pattern
# tells clients (surrogate halves cannot be written in one; they are refused all the same).
OneLine = Annotated[
    str,
    _without(_NOT_IN_A_LINE),
    Field(json_schema_extra={"pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]*$"}),
]
# A note or description: line breaks and tabs allowed, other control characters not.
Prose = Annotated[
    str,
    _without(_NOT_IN_PROSE),
    Field(
        json_schema_extra={
            "pattern": "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"
        }
    ),
]


def _country(value: str) -> str:
    if value in country_codes():
        return value
    if value.upper() in country_codes():
        raise PydanticCustomError(
            "country_case", "Country codes are upper case: {upper}.", {"upper": value.upper()}
        )
    raise PydanticCustomError(
        "country", "Use the ISO 3166-1 alpha-2 code of a country, such as DE or FR."
    )


def _currency(value: str) -> str:
    if value in currency_codes():
        return value
    if value.upper() in currency_codes():
        raise PydanticCustomError(
            "currency_case", "Currency codes are upper case: {upper}.", {"upper": value.upper()}
        )
    raise PydanticCustomError(
        "currency",
        "Use the ISO 4217 code of a currency in use, such as EUR or JPY (not XXX, XTS, "
        "metals, units of account or withdrawn currencies).",
    )


# The JSON schema lists the codes, so a generated client offers exactly these.
Country = Annotated[
    str,
    AfterValidator(_country),
    WithJsonSchema(
        {
            "type": "string",
            "enum": sorted(country_codes()),
            "description": "ISO 3166-1 alpha-2, upper case (XK for Kosovo)",
        }
    ),
]
Currency = Annotated[
    str,
    AfterValidator(_currency),
    WithJsonSchema(
        {
            "type": "string",
            "enum": sorted(currency_codes()),
            "description": "ISO 4217, upper case: a currency some country pays with today",
        }
    ),
]
