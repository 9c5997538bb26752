"""Sentences of the returns pages (§4): what the buyer's wizard and the seller's forms refuse
before any rule is asked (the rules' own keys are in the returns module)."""

from __future__ import annotations

from recourse.i18n import N_
from recourse.texts.core import Sentence, say

ERRORS: dict[str, Sentence] = {
    "return_page.choose_reason": say(N_("Choose a reason.")),
    "return_page.no_lines": say(N_("Choose at least one item to send back.")),
    "return_page.choose_condition": say(
        N_("Say whether what came back is as expected or has a problem.")
    ),
}

BLOCKERS: dict[str, Sentence] = {}
