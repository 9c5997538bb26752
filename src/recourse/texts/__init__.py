"""Sentences at the edge (STYLE 11): what rules and use cases say in keys and facts, worded in
the reader's language. Pages, the API's error bodies, notifications and the CLI read from here;
`recourse.domain` and `recourse.services` never do.

Each capability keeps its sentences in its own module (`cancellations`, `refunds`, …), as
tables from a key to a `Sentence`; `say(N_("…%(fact)s…"), fact=when("fact"))` builds one. The
msgids are extracted into the message catalogues like any other (`N_` marks them)."""

from __future__ import annotations

from recourse.texts.core import (
    Sentence,
    blocker_message,
    day,
    error_message,
    label,
    money,
    say,
    when,
)

__all__ = [
    "Sentence",
    "blocker_message",
    "day",
    "error_message",
    "label",
    "money",
    "say",
    "when",
]
