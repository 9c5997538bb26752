"""Sentences of buyer returns (R1-R5): the error keys the rules raise (refusals name the date
that decided them), the notifications, the webhook event descriptions, the return reasons a
new installation is seeded with, and the guide's return paths."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from recourse.i18n import N_, Words
from recourse.texts.core import Sentence, day, money, say, when


def _not_returnable(words: Words, facts: Mapping[str, Any]) -> str:
    n = int(facts.get("returnable_units") or 0)
    if n == 0:
        return words._(
            N_(
                "%(title)s cannot be returned: none of it was delivered, or it is already "
                "on its way back."
            ),
            title=repr(str(facts.get("title", ""))),
        )
    return words.ngettext(
        "Only %(num)d of %(title)s can still be returned.",
        "Only %(num)d of %(title)s can still be returned.",
        n,
        title=repr(str(facts.get("title", ""))),
    )


ERRORS: dict[str, Sentence] = {
    "return.not_found": say(N_("There is no return %(return_id)s.")),
    "return.no_lines": say(N_("Choose at least one item to send back.")),
    "return.line_twice": say(N_("Each item may be named only once.")),
    "return.quantity_too_small": say(N_("Enter a whole number of items, 1 or more.")),
    "units_not_returnable": _not_returnable,
    "return_nothing_delivered": say(
        N_("Nothing in this order has been delivered yet, so nothing can be returned.")
    ),
    "return_already_open": say(
        N_("This order already has a return in progress; finish or withdraw it first.")
    ),
    "remorse_not_accepted": say(
        N_(
            "This store does not take back items you simply no longer want. If something is "
            "wrong with the item, choose the reason that says what."
        )
    ),
    "return_window_closed": say(
        N_(
            "The time to return an item you no longer want ended on %(window_ends_at)s. If "
            "something is wrong with the item, choose the reason that says what."
        ),
        window_ends_at=day("window_ends_at"),
    ),
    "return_protection_ended": say(
        N_("Buyer protection ended on %(protection_ends_at)s, so returns are closed."),
        protection_ends_at=day("protection_ends_at"),
    ),
    "return.description_needed": say(N_("Say what is wrong with the item.")),
    "return.description_too_long": say(N_("Keep it under %(max)s characters.")),
    "return.note_too_long": say(N_("Keep it under %(max)s characters.")),
    "return.field_too_long": say(N_("Keep it under %(max)s characters.")),
    "return.address_needed": say(
        N_("Give the address the parcel should go back to (none is on file for the store).")
    ),
    "return.address_too_long": say(N_("Keep the address under %(max)s characters.")),
    "return.decline_reason_needed": say(N_("Say why you decline the return.")),
    "return.problem_note_needed": say(N_("Describe the problem with what came back.")),
    "return.condition_unknown": say(N_("Say whether what came back is fine or has a problem.")),
    "return.offer_not_positive": say(N_("Offer an amount above zero.")),
    "return.offer_not_partial": say(
        N_("Offer less than the full refund of %(full)s; for everything, approve the return."),
        full=money("full"),
    ),
    "return_offer_made_once": say(N_("A partial refund can be offered only once per return.")),
    "return_respond_by_passed": say(
        N_("The time to answer ended on %(respond_by)s and the return was approved automatically."),
        respond_by=when("respond_by"),
    ),
    "return_offer_answer_by_passed": say(
        N_(
            "The offer lapsed on %(offer_answer_by)s without an answer; the seller answers the "
            "return again."
        ),
        offer_answer_by=when("offer_answer_by"),
    ),
    "return_ship_by_passed": say(
        N_("The return had to be sent by %(ship_by)s; it closed without a refund."),
        ship_by=when("ship_by"),
    ),
    "return_refund_by_passed": say(
        N_("The return was refunded automatically on %(refund_by)s."),
        refund_by=when("refund_by"),
    ),
    "return_not_at_step": say(N_("This return cannot do that now (it is %(status)s).")),
    "return_not_staff": say(N_("Only the store's sellers answer this return.")),
    "return_not_buyer": say(N_("Only the buyer of the order can do this.")),
    "illegal_transition.return": say(N_("This return cannot go from %(current)s to %(target)s.")),
}

BLOCKERS: dict[str, Sentence] = {
    # the guide's closed return paths (R1): the same refusals as the request's
    "return_window_closed": ERRORS["return_window_closed"],
    "remorse_not_accepted": ERRORS["remorse_not_accepted"],
    "return_protection_ended": ERRORS["return_protection_ended"],
    "return_nothing_delivered": ERRORS["return_nothing_delivered"],
    "return_already_open": ERRORS["return_already_open"],
    "return_nothing_left": say(N_("Every delivered item is already returned or on its way back.")),
    "return_on_its_way": say(N_("The return is on its way back; it can no longer be withdrawn.")),
    "return_not_approved": say(N_("Ship the return once the seller approves it.")),
    "return_answered": say(N_("The return has been answered; nothing waits for you now.")),
    "return_not_sent": say(N_("Nothing has been sent back yet.")),
}

# The guide's return paths (H1), as the button or link that takes each reads.
PATH_LABELS: dict[str, str] = {
    "return_items": N_("Return items"),
    "withdraw_return": N_("Withdraw your return"),
    "ship_return": N_("Send the return"),
    "answer_offer": N_("Answer the seller's offer"),
    "answer_return": N_("Answer the return request"),
    "receive_return": N_("Confirm what came back"),
}

# R1: the return reasons a new installation is seeded with (migration 0016), as msgids.
REASON_LABELS: dict[str, str] = {
    "no_longer_needed": N_("I no longer need it"),
    "wrong_size": N_("It is the wrong size"),
    "found_better_price": N_("I found a better price"),
    "not_as_described": N_("It is not as described"),
    "damaged": N_("It arrived damaged"),
    "defective": N_("It does not work"),
    "wrong_item": N_("I received the wrong item"),
    "missing_parts": N_("Parts are missing"),
    "counterfeit": N_("It is counterfeit"),
}

EVENT_DESCRIPTIONS: dict[str, str] = {
    "return.requested": N_("A buyer asked to return units; carries the answer-by time."),
    "return.approved": N_("A return was approved (by the seller, or by silence); carries ship-by."),
    "return.declined": N_("The seller declined a return, with the reason."),
    "return.offered": N_("The seller offered a partial refund for the buyer to keep the item."),
    "return.offer_accepted": N_("The buyer accepted the partial refund and keeps the item."),
    "return.shipped": N_("The buyer sent the return parcel; carries carrier and tracking."),
    "return.delivered": N_("The carrier delivered the return to the seller; carries refund-by."),
    "return.received": N_("The seller confirmed the returned units came back in good condition."),
    "return.refunded": N_("The return's refund was recorded: SKUs and quantities to restock."),
    "return.closed": N_("The buyer did not ship the return in time; it closed without a refund."),
    "return.withdrawn": N_("The buyer withdrew a return."),
    "return.problem": N_("The seller reported a problem with the returned units; support looks."),
}


def _approved_body(words: Words, facts: Mapping[str, Any]) -> str:
    if facts.get("return_address"):
        return words._(
            N_("Send it to %(address)s by %(ship_by)s, then enter the carrier and tracking."),
            address=str(facts["return_address"]),
            ship_by=words.when(facts.get("ship_by")),
        )
    return words._(
        N_(
            "Send it by %(ship_by)s. The seller will give the address on the return page; "
            "then enter the carrier and tracking."
        ),
        ship_by=words.when(facts.get("ship_by")),
    )


def _reminder_title(words: Words, facts: Mapping[str, Any]) -> str:
    deadline = facts.get("deadline")
    if deadline == "return.ship_by":
        return words._(N_("Order #%(order_id)s: send your return"), order_id=facts.get("order_id"))
    if deadline == "return.refund_by":
        return words._(
            N_("Order #%(order_id)s: check the returned parcel"), order_id=facts.get("order_id")
        )
    return words._(N_("Order #%(order_id)s: answer the return"), order_id=facts.get("order_id"))


def _reminder_body(words: Words, facts: Mapping[str, Any]) -> str:
    deadline = facts.get("deadline")
    due = words.when(facts.get("due_at"))
    if deadline == "return.ship_by":
        return words._(
            N_("Send it by %(due_at)s, or the return closes without a refund."), due_at=due
        )
    if deadline == "return.refund_by":
        return words._(
            N_("Confirm what came back by %(due_at)s, or the refund is issued automatically."),
            due_at=due,
        )
    return words._(N_("Answer by %(due_at)s, or the return is approved automatically."), due_at=due)


NOTICES: dict[str, tuple[Sentence, Sentence]] = {
    "return.requested": (
        say(N_("Order #%(order_id)s: the buyer asks to return items")),
        say(
            N_(
                "Approve, decline or offer a partial refund by %(respond_by)s; without an "
                "answer the return is approved automatically."
            ),
            respond_by=when("respond_by"),
        ),
    ),
    "return.approved": (
        say(N_("Order #%(order_id)s: your return is approved")),
        _approved_body,
    ),
    "return.address_needed": (
        say(N_("Order #%(order_id)s: give a return address")),
        say(
            N_(
                "The return was approved automatically and no return address is on file. "
                "Add one to the store so the buyer can send it."
            )
        ),
    ),
    "return.declined": (
        say(N_("Order #%(order_id)s: the seller declined your return")),
        say(N_("Their reason: %(note)s")),
    ),
    "return.offered": (
        say(N_("Order #%(order_id)s: the seller offers a partial refund")),
        say(
            N_(
                "Keep the item and get %(amount)s back, or send it back as asked. Answer by "
                "%(offer_answer_by)s."
            ),
            amount=money("amount"),
            offer_answer_by=when("offer_answer_by"),
        ),
    ),
    "return.offer_accepted": (
        say(N_("Order #%(order_id)s: the buyer accepted your offer")),
        say(N_("They keep the item; the partial refund is on its way.")),
    ),
    "return.offer_declined": (
        say(N_("Order #%(order_id)s: the buyer declined your offer")),
        say(
            N_("Approve or decline the return by %(respond_by)s."),
            respond_by=when("respond_by"),
        ),
    ),
    "return.offer_lapsed": (
        say(N_("Order #%(order_id)s: your offer lapsed")),
        say(
            N_("The buyer did not answer. Approve or decline the return by %(respond_by)s."),
            respond_by=when("respond_by"),
        ),
    ),
    "return.shipped": (
        say(N_("Order #%(order_id)s: the return is on its way")),
        say(N_("Sent with %(carrier)s, tracking number %(tracking_number)s.")),
    ),
    "return.delivered": (
        say(N_("Order #%(order_id)s: the return was delivered to you")),
        say(
            N_(
                "Check what came back by %(refund_by)s; after that the refund is issued "
                "automatically."
            ),
            refund_by=when("refund_by"),
        ),
    ),
    "return.problem": (
        say(N_("Order #%(order_id)s: the seller reports a problem with your return")),
        say(N_("Our support team will look at it. The seller says: %(note)s")),
    ),
    "return.refunded_automatically": (
        say(N_("Order #%(order_id)s: the return was refunded automatically")),
        say(
            N_("You did not confirm what came back in time, so %(amount)s was refunded."),
            amount=money("amount"),
        ),
    ),
    "return.closed": (
        say(N_("Order #%(order_id)s: your return closed")),
        say(
            N_("It was not sent by %(ship_by)s, so there is no refund."),
            ship_by=when("ship_by"),
        ),
    ),
    "return.withdrawn": (
        say(N_("Order #%(order_id)s: the buyer withdrew the return")),
        say(N_("Nothing comes back; there is nothing to do.")),
    ),
    "return.reminder": (_reminder_title, _reminder_body),
}
