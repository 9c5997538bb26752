"""How a key and its facts become a sentence in the reader's language."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from recourse.domain.errors import DomainError, InvalidInput, NotFound
from recourse.i18n import N_, Words

log = logging.getLogger(__name__)

Fact = Callable[[Words, Mapping[str, Any]], str]
"""One fact of an error or event, as the reader reads it (an amount, a moment, a name)."""

Sentence = Callable[[Words, Mapping[str, Any]], str]


def when(name: str) -> Fact:
    """A moment (ISO text or datetime) in the reader's time zone: '05 Mar 2026, 10:00 CET'."""
    return lambda words, facts: words.when(facts.get(name))


def day(name: str) -> Fact:
    """A day: '05 Mar 2026' / '05 mar 2026'."""
    return lambda words, facts: words.day(facts.get(name))


def money(name: str, currency: str = "currency") -> Fact:
    """An amount: the fact is minor units with the currency in `currency`, or a money object
    {"amount", "currency"}."""

    def fact(words: Words, facts: Mapping[str, Any]) -> str:
        value = facts.get(name)
        if isinstance(value, Mapping):
            return words.money(value)
        return words.money(int(value or 0), str(facts.get(currency)))

    return fact


def say(msgid: str, /, **formats: Fact) -> Sentence:
    """A sentence from a msgid (marked with `N_`) whose `%(name)s` placeholders are filled from
    the facts: through the given formatter, else the fact as it is."""

    def sentence(words: Words, facts: Mapping[str, Any]) -> str:
        params = {name: "" if value is None else value for name, value in facts.items()}
        params.update({name: format_(words, facts) for name, format_ in formats.items()})
        return words._(msgid, **params)

    return sentence


def label(
    table: Mapping[str, str] | Mapping[str, tuple[str, str]], code: str | None, words: Words
) -> str:
    """A code's label from a table of msgids (`N_`) or of msgids with a context (`NC_`): a
    status, a reason, an action, translated; an unknown code reads as itself made readable."""
    if not code:
        return ""
    msgid = table.get(code)
    if msgid is None:
        return code.replace("_", " ").capitalize()
    if isinstance(msgid, tuple):
        return words.pgettext(*msgid)
    return words._(msgid)


_FALLBACK: dict[type[DomainError], str] = {
    NotFound: N_("Not found."),
    InvalidInput: N_("This value is not valid."),
}


def _registry() -> Mapping[str, Sentence]:
    from recourse.texts.catalogue import ERRORS

    return ERRORS


def error_message(error: DomainError, words: Words) -> str:
    """What a person reads for an error: its key's sentence in their language."""
    sentence = _registry().get(error.key)
    if sentence is not None:
        return sentence(words, error.facts)
    log.warning("no sentence for the error key %r", error.key)
    for cls, msgid in _FALLBACK.items():
        if isinstance(error, cls):
            return words._(msgid)
    return words._(N_("This cannot be done."))


def blocker_message(code: str, facts: Mapping[str, Any], words: Words) -> str:
    """Why an action is closed (C1), from the blocker's code and facts."""
    from recourse.texts.catalogue import BLOCKERS

    sentence = BLOCKERS.get(code)
    if sentence is None:
        log.warning("no sentence for the blocker %r", code)
        return words._(N_("This cannot be done now."))
    return sentence(words, facts)
