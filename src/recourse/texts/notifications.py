"""Sentences of notifications (see `recourse.texts`)."""

from __future__ import annotations

from recourse.i18n import N_
from recourse.texts.core import Sentence, day, money, say, when

ERRORS: dict[str, Sentence] = {}

BLOCKERS: dict[str, Sentence] = {}

__all__ = ["BLOCKERS", "ERRORS", "N_", "day", "money", "say", "when"]
