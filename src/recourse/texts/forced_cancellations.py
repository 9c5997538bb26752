"""Sentences of refused cancellations that support forces (C10) and of what support weighs on
such a case: a parcel with no carrier scan, a refund's gateway history (F5)."""

from __future__ import annotations

from recourse.i18n import N_
from recourse.texts.core import Sentence, say

ERRORS: dict[str, Sentence] = {
    "parcel_not_voidable": say(
        N_("The carrier has reported on this parcel, so it cannot be voided.")
    ),
    "dispute_force_not_cancellation": say(
        N_("Only a dispute about a refused cancellation can force the cancellation.")
    ),
    "dispute_nothing_to_cancel": say(
        N_("Nothing is left to cancel: every parcel of this order has a carrier scan.")
    ),
}

BLOCKERS: dict[str, Sentence] = {}
