"""H1, "what can I do now?": for an order, a viewer and a moment, every path open or closed —
why it is closed (a blocker code and its facts, worded at the edge), when it opens or closes,
what to do instead and which help article explains it.

One function per capability (`PathFunction`) says its paths; `PATHS` lists them, so a new
capability adds its paths by adding one function here and nothing else decides on its own what
is allowed: the API's `/options` and the order pages of all three audiences read this answer.
A capability that has not landed has no function, so its paths are absent, never faked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from recourse.domain.dispute_opening import Subject
from recourse.domain.disputes import Dispute, DisputeType
from recourse.domain.order import Order
from recourse.domain.policy import PlatformPolicy, StorePolicy
from recourse.domain.returns import Return
from recourse.domain.roles import Actor
from recourse.domain.shipment import ShipmentStatus


class PathName(StrEnum):
    """Every path the guide knows; later capabilities add theirs."""

    # the buyer's
    cancel = "cancel"
    cancel_items = "cancel_items"
    withdraw_request = "withdraw_request"
    confirm_receipt = "confirm_receipt"
    contact_support = "contact_support"
    message_seller = "message_seller"
    ask_intercept = "ask_intercept"
    refuse_delivery = "refuse_delivery"
    give_reason = "give_reason"
    return_items = "return_items"
    withdraw_return = "withdraw_return"
    ship_return = "ship_return"
    answer_offer = "answer_offer"
    # the seller's
    approve_request = "approve_request"
    reject_request = "reject_request"
    ship = "ship"
    cancel_as_seller = "cancel_as_seller"
    extend_protection = "extend_protection"
    message_buyer = "message_buyer"
    answer_intercept = "answer_intercept"
    confirm_parcel_back = "confirm_parcel_back"
    answer_return = "answer_return"
    receive_return = "receive_return"
    # §5 disputes: the buyer opens, withdraws; either side accepts, escalates, appeals
    open_dispute = "open_dispute"
    withdraw_dispute = "withdraw_dispute"
    respond_dispute = "respond_dispute"
    accept_proposal = "accept_proposal"
    escalate = "escalate"
    appeal = "appeal"
    # support's
    refund = "refund"
    decide_dispute = "decide_dispute"


@dataclass(frozen=True, slots=True)
class PendingRequest:
    """The buyer's cancellation request waiting for the seller, if there is one (C4)."""

    id: int
    respond_by: datetime | None
    line_ids: frozenset[int]


@dataclass(frozen=True, slots=True)
class Situation:
    """What the paths decide on: the order as it stands, who looks, and when."""

    order: Order
    viewer: Actor
    now: datetime
    policy: StorePolicy
    platform: PlatformPolicy
    pending: PendingRequest | None = None
    refundable: int = 0
    """What support could still refund of the capture (F2), in minor units."""
    extension_request: int | None = None
    """The buyer's request for more protection waiting for the seller (its id), if any (§2)."""
    parcels: tuple[ShipmentStatus, ...] = ()
    """Where each of the seller's parcels stands (S1: may one still be stopped?)."""
    intercept_request: int | None = None
    """The buyer's request to stop a parcel waiting for the seller (its id), if any (S1)."""
    parcel_returns: tuple[Return, ...] = ()
    """The order's parcels coming back to the seller, open or settled (S1/S2)."""
    parcels_in_returns: tuple[ShipmentStatus, ...] = ()
    """Where each of the seller's parcels already coming back in a return stands (S1/S2: an
    intercepted parcel may still read `in_transit`)."""
    buyer_returns: tuple[Return, ...] = ()
    """The order's buyer returns, open or settled (R1-R4)."""
    delivered_at: datetime | None = None
    """When the carrier last delivered one of the order's parcels (R1: the remorse window)."""
    disputes: tuple[Dispute, ...] = ()
    """The order's disputes, oldest first (D1-D7)."""
    dispute_subjects: Mapping[DisputeType, Subject] = field(default_factory=dict)
    """D1: the case a dispute of a type would be about — the latest rejected cancellation,
    declined (or problem) return, late refund — as its window needs it."""


@dataclass(frozen=True, slots=True)
class Option:
    """One path for this viewer now: open, or closed with why (`blocker` + `facts`) and when it
    opens (`opens_at`, if it will); `closes_at` when an open path stops being open; what to do
    instead (`alternatives`: other paths' names or help slugs); the article that explains it."""

    path: PathName
    open: bool
    blocker: str | None = None
    facts: Mapping[str, Any] = field(default_factory=dict)
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    alternatives: tuple[str, ...] = ()
    help: str | None = None


PathFunction = Callable[[Situation], Sequence[Option]]


def options(situation: Situation, paths: Sequence[PathFunction]) -> list[Option]:
    """Every path of every capability for this situation, in the capabilities' order."""
    return [option for path_function in paths for option in path_function(situation)]
