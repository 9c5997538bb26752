"""Sentences of parcels coming back to the seller (S1/S2): the error keys the rules raise, the
blockers and names of the guide's parcel paths, and the notifications."""

from __future__ import annotations

from recourse.i18n import N_
from recourse.texts.core import Sentence, say

ERRORS: dict[str, Sentence] = {
    "parcel_return.kind_not_parcel": say(
        N_("Only a refused or intercepted parcel comes back this way.")
    ),
    "parcel_return.no_parcels": say(N_("Name at least one parcel that is coming back.")),
    "parcel_return.not_outbound": say(
        N_("Parcel %(shipment_id)s is a return parcel, not one the seller sent.")
    ),
    "parcel_return.parcel_arrived": say(
        N_("Parcel %(shipment_id)s has already arrived, so it cannot come back this way.")
    ),
    "parcel_return.not_a_parcel": say(
        N_("This return is not a parcel coming back, so it has no reason to give here.")
    ),
    "parcel_return.already_refunded": say(
        N_("This parcel's return is already settled; its reason can no longer change.")
    ),
    "parcel_return.reason_given": say(N_("A reason was already given for this parcel.")),
}

BLOCKERS: dict[str, Sentence] = {
    "parcel.delivered": say(
        N_("The parcel has already been delivered; you can ask for a return instead.")
    ),
    "parcel.nothing_going_out": say(N_("No parcel of this order is on its way to you.")),
    # the action's own refusals (ERRORS), worded for the buyer's closed path
    "parcel_return.reason_given": say(N_("You already said why the parcel came back.")),
    "parcel_return.already_refunded": ERRORS["parcel_return.already_refunded"],
}

PATH_LABELS: dict[str, str] = {
    "refuse_delivery": N_("Refuse the parcel at the door"),
    "give_reason": N_("Say why the parcel came back"),
    "confirm_parcel_back": N_("Confirm the parcel is back"),
}

PATH_HINTS: dict[str, str] = {
    "refuse_delivery": N_(
        "Refuse it at the door: the return opens by itself, and you are refunded when the "
        "parcel is back with the seller."
    ),
    "give_reason": N_("If the seller was at fault, the shipping you paid is refunded too."),
    "confirm_parcel_back": N_(
        "Confirm it as soon as the parcel is back: the buyer is refunded at once."
    ),
}

NOTICES: dict[str, tuple[Sentence, Sentence]] = {
    "return.parcel_returning": (
        say(N_("Order #%(order_id)s: the parcel is on its way back")),
        say(
            N_(
                "The parcel is going back to the seller. You are refunded when it is back; "
                "tell us why it came back if you can."
            )
        ),
    ),
    "return.parcel_returning_seller": (
        say(N_("Order #%(order_id)s: a parcel is coming back to you")),
        say(
            N_(
                "The parcel was refused, returned by the carrier or intercepted. Confirm it "
                "when it is back: the buyer is then refunded."
            )
        ),
    ),
}

EVENT_DESCRIPTIONS: dict[str, str] = {
    "return.parcel_returning": N_(
        "A parcel is on its way back to the seller (refused, returned by the carrier, or "
        "intercepted): a return opened by itself for its units."
    ),
}
