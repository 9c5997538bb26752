"""A return's labels (§4: R1, R2): its status for each reader, its kind, the reason's
category, the condition it came back in, the partial offer's state, and the return reasons
grouped by category as the wizard shows them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from recourse.domain.returns import ReturnKind, ReturnStatus
from recourse.i18n import N_, Words
from recourse.texts import label
from recourse.texts.web import reason_label

STATUS_LABELS: dict[str, str] = {
    ReturnStatus.requested: N_("Waiting for the seller"),
    ReturnStatus.offered: N_("Partial refund offered"),
    ReturnStatus.approved: N_("Approved: send it back"),
    ReturnStatus.declined: N_("Declined"),
    ReturnStatus.shipped: N_("On its way back"),
    ReturnStatus.parcel_returning: N_("Parcel on its way back"),
    ReturnStatus.delivered: N_("Back with the seller"),
    ReturnStatus.refunded: N_("Refunded"),
    ReturnStatus.offer_accepted: N_("Kept for a partial refund"),
    ReturnStatus.problem: N_("Problem reported"),
    ReturnStatus.closed: N_("Closed without a refund"),
    ReturnStatus.withdrawn: N_("Withdrawn"),
}

KIND_LABELS: dict[str, str] = {
    ReturnKind.buyer_return: N_("Return"),
    ReturnKind.refused_delivery: N_("Parcel refused or sent back"),
    ReturnKind.intercepted: N_("Parcel stopped on its way"),
}

CATEGORY_LABELS = {
    "remorse": N_("Changed my mind"),
    "not_as_described": N_("Not as described"),
}

CONDITION_LABELS = {
    "ok": N_("As expected"),
    "problem": N_("Problem reported"),
}


# What a status means to the seller, where it differs from the buyer's words.
SELLER_STATUS_LABELS: dict[str, str] = {
    ReturnStatus.requested: N_("Waiting for your answer"),
    ReturnStatus.offered: N_("Offer sent"),
    ReturnStatus.approved: N_("Approved: the buyer sends it back"),
    ReturnStatus.delivered: N_("Back with you: confirm receipt"),
}


OFFER_STATUS_LABELS = {
    "offered": N_("waiting for the buyer"),
    "accepted": N_("accepted"),
    "declined": N_("declined"),
    "lapsed": N_("not answered in time"),
}


def status_label(status: str, words: Words, audience: str = "buyer") -> str:
    if audience == "seller" and status in SELLER_STATUS_LABELS:
        return label(SELLER_STATUS_LABELS, status, words)
    return label(STATUS_LABELS, status, words)


def kind_label(kind: str, words: Words) -> str:
    return label(KIND_LABELS, kind, words)


def category_label(category: str | None, words: Words) -> str:
    return label(CATEGORY_LABELS, category or "", words) if category else ""


def return_reason_label(code: str | None, stored: str | None, words: Words) -> str:
    """A return reason's words: the catalogue's label, translated while it is the seeded one."""
    return reason_label(code, stored, words)


@dataclass(frozen=True, slots=True)
class ReasonChoice:
    code: str
    label: str


@dataclass(frozen=True, slots=True)
class ReasonGroup:
    category: str
    label: str
    reasons: list[ReasonChoice]


def reason_groups(reasons: Iterable[Any], words: Words) -> list[ReasonGroup]:
    """R1: the return reasons as the wizard's `<optgroup>`s: changed my mind, then not as
    described; a reason without a category is left out (it is not a return reason)."""
    groups: dict[str, list[ReasonChoice]] = {key: [] for key in CATEGORY_LABELS}
    for r in reasons:
        category = str(getattr(r, "category", None) or "")
        if category in groups:
            groups[category].append(
                ReasonChoice(r.code, return_reason_label(r.code, getattr(r, "label", None), words))
            )
    return [
        ReasonGroup(key, category_label(key, words), found)
        for key, found in groups.items()
        if found
    ]


def reason_words(code: str | None, reasons: Iterable[Any], words: Words) -> str:
    if not code:
        return ""
    found = next((r for r in reasons if r.code == code), None)
    return return_reason_label(code, getattr(found, "label", None), words)
