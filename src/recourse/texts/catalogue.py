"""Every capability's sentences in one lookup: a key is defined once, in its capability's
module (a test fails on a key defined twice, or raised without a sentence)."""

from __future__ import annotations

from collections.abc import Mapping

from recourse.texts import (
    accounts,
    cancellations,
    conversation,
    disputes,
    disputes_notices,
    evidence,
    forced_cancellations,
    notifications,
    options,
    parcels,
    platform,
    receipt,
    refunds,
    returns,
    returns_pages,
    tickets,
    web,
)
from recourse.texts.core import Sentence

MODULES = (
    accounts,
    cancellations,
    conversation,
    disputes,
    disputes_notices,
    evidence,
    forced_cancellations,
    notifications,
    options,
    parcels,
    platform,
    receipt,
    refunds,
    returns,
    returns_pages,
    tickets,
    web,
)

ERRORS: Mapping[str, Sentence] = {
    key: sentence for module in MODULES for key, sentence in module.ERRORS.items()
}
BLOCKERS: Mapping[str, Sentence] = {
    key: sentence for module in MODULES for key, sentence in module.BLOCKERS.items()
}
