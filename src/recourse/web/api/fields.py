"""Types of request fields: numbers within the columns they are stored in, text without control
characters, and ISO codes of real countries and real money. A value outside them answers 422
naming its own field, before anything reaches a database (SQLite and PostgreSQL refuse
different things, so the schema decides for both)."""

from __future__ import annotations

import re
from typing import Annotated, Any
from zoneinfo import available_timezones

from annotated_types import Ge, Le
from pydantic import AfterValidator, BeforeValidator, Field, StrictInt, WithJsonSchema
from pydantic_core import PydanticCustomError

from recourse.countries import country_codes
from recourse.currency import currency_codes
from recourse.domain.money import MAX_AMOUNT
from recourse.domain.order import MAX_QUANTITY

# Ids start at 1 and are stored in signed 64-bit columns (BigInteger on PostgreSQL, INTEGER on
# SQLite); the bound is 2^53 - 1, the largest whole number every JSON client reads exactly
# (and one the OpenAPI document, which writes bounds as floats, states exactly).
MAX_ID = 2**53 - 1


def _whole(value: object) -> object:
    """JSON has one kind of number, and JSON Schema's `integer` is any whole one: `12.0` is
    12. A fraction (`12.5`), a string (`"12"`) or a boolean is still refused."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# Read 12.0 as 12 before the strict check; put it after a field's bounds, so they stay the
# integer's own (`minimum`, `maximum` in the schema).
WHOLE = BeforeValidator(_whole)
# A whole number in a JSON body: 12 or 12.0, never 12.5, "12" or true.
Whole = Annotated[StrictInt, WHOLE]
# An id in a path or a query (given as text, so not strict).
Id = Annotated[int, Ge(1), Le(MAX_ID)]
# An id in a JSON body.
BodyId = Annotated[StrictInt, Field(ge=1, le=MAX_ID), WHOLE]
# Minor units of the order's currency; the domain also caps an order's total at MAX_AMOUNT.
Amount = Annotated[
    StrictInt,
    Field(ge=0, le=MAX_AMOUNT, description="minor units of the order's currency"),
    WHOLE,
]
# Units of an order line (a 32-bit column).
Quantity = Annotated[StrictInt, Field(ge=1, le=MAX_QUANTITY), WHOLE]

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

# What JSON Schema's regular expressions (ECMA-262) read as a space, written out so that the
# schema and this server agree character for character: text that is only these (or empty) is
# blank. Control characters are refused before this is asked.
_SPACES = " \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\ufeff\t\n\r"
_LINE_CONTROLS = "\x00-\x1f\x7f-\x9f\u2028\u2029"
_PROSE_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
FILLED_LINE = f"^[^{_LINE_CONTROLS}]*[^{_LINE_CONTROLS}{_SPACES}][^{_LINE_CONTROLS}]*$"
FILLED_PROSE = f"^[^{_PROSE_CONTROLS}]*[^{_PROSE_CONTROLS}{_SPACES}][^{_PROSE_CONTROLS}]*$"
_VISIBLE = re.compile(f"[^{_LINE_CONTROLS}{_SPACES}]")


def _filled(value: str) -> str:
    if _VISIBLE.search(value) is None:
        raise PydanticCustomError("blank", "Enter some text, not only spaces.")
    return value


def filled(text: str | None) -> str | None:
    """The text if it says something, else None: blank as the schema's FILLED_* patterns read
    it, so a rule that needs a note sees the same blank notes the schema does."""
    return text if text is not None and _VISIBLE.search(text) is not None else None


# One line of text that must say something: a name, a SKU, a carrier, a tracking number.
FilledLine = Annotated[
    str,
    _without(_NOT_IN_A_LINE),
    AfterValidator(_filled),
    Field(json_schema_extra={"pattern": FILLED_LINE}),
]
# A note that must say something (a reason that needs explaining).
FilledProse = Annotated[
    str,
    _without(_NOT_IN_PROSE),
    AfterValidator(_filled),
    Field(json_schema_extra={"pattern": FILLED_PROSE}),
]

# What Python's `\s` and `str.strip` read as spaces (the domain's checks use them), written
# out for the schema.
PYTHON_SPACES = "\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_ADDRESS_CHAR = f'[^@{PYTHON_SPACES}\x00-\x1f\x7f-\x9f"<>()\\[\\],;:\\\\]'


def _matching(pattern: str, code: str, message: str) -> Any:
    """The pattern the schema states, checked here the same way (the whole value, as JSON
    Schema's anchored patterns do), with a sentence instead of the pattern as the error."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if compiled.fullmatch(value) is None:
            raise PydanticCustomError(code, message)
        return value

    return AfterValidator(check)


EMAIL = f"^{_ADDRESS_CHAR}+@{_ADDRESS_CHAR}+\\.{_ADDRESS_CHAR}+$"
# One mailbox, as domain.accounts reads it (T3), without the spaces it would strip.
Email = Annotated[
    str,
    Field(max_length=254),
    _matching(EMAIL, "email", "Enter one email address, such as ana@example.com."),
    Field(json_schema_extra={"pattern": EMAIL}),
]
Password = Annotated[str, Field(min_length=8, max_length=256)]
LOCALE = "^[A-Za-z]{2,3}([-_][A-Za-z]{2})?$"
# A language, and a region if any: en, de, pt_BR (pt-BR and pt_br are read as pt_BR).
Locale = Annotated[
    str,
    _matching(LOCALE, "locale", "Use a language tag such as en, de or pt_BR."),
    Field(json_schema_extra={"pattern": LOCALE}),
]


def _time_zone(value: str) -> str:
    if value not in available_timezones():
        raise PydanticCustomError(
            "time_zone", "Use an IANA time zone name, such as Europe/Berlin or UTC."
        )
    return value


def _constant_name(zone: str) -> str:
    """Etc/GMT+5 -> ETC_GMT_PLUS_5: a generated client's enum member, one per zone (GMT+0,
    GMT-0 and GMT0 would otherwise collide)."""
    name = re.sub(r"-(?=\d)", "_MINUS_", zone.replace("+", "_PLUS_"))
    return re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").upper()


_ZONES = sorted(available_timezones())
TimeZone = Annotated[
    str,
    AfterValidator(_time_zone),
    WithJsonSchema(
        {
            "type": "string",
            "enum": _ZONES,
            "x-enum-varnames": [_constant_name(zone) for zone in _ZONES],
            "description": "IANA time zone",
        }
    ),
]


def filled_in(*fields: str, pattern: str = FILLED_PROSE) -> dict[str, Any]:
    """The schema of a body that has `fields`, each a string that says something (`pattern`:
    FILLED_PROSE or FILLED_LINE), for a rule that needs them (`then` of `when`, a branch of
    `anyOf`): required and not null, though the fields may be null otherwise."""
    return {
        "required": list(fields),
        "properties": {field: {"type": "string", "pattern": pattern} for field in fields},
    }


def when(
    field: str,
    value: str,
    *,
    then: dict[str, Any],
    otherwise: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A rule of a request body that depends on one field's value, as JSON Schema says it
    (`if`/`then`/`else`): the schema then describes every request the API accepts."""
    rule: dict[str, Any] = {
        "if": {"properties": {field: {"const": value}}, "required": [field]},
        "then": then,
    }
    if otherwise is not None:
        rule["else"] = otherwise
    return rule


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
