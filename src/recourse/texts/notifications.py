"""Sentences of notifications (see `recourse.texts`): each kind's title and body, worded from
the facts the notification was stored with (`params`) in the reader's language when it is read;
and the errors of orders and notifications."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from recourse.domain.roles import Role
from recourse.i18n import N_, Words
from recourse.texts import conversation, disputes_notices, parcels, returns
from recourse.texts.core import Fact, Sentence, day, money, say, when
from recourse.texts.refund_dates import destination_words

ERRORS: dict[str, Sentence] = {
    "order.no_such": say(N_("No such order.")),
    "order.no_buyer": say(N_("There is no buyer %(buyer_id)s.")),
    "order.no_store": say(N_("There is no store %(store_id)s.")),
    "order.unknown_currency": lambda words, facts: words._(
        N_("%(currency)s is not an ISO 4217 currency code."),
        currency=repr(facts.get("currency")),
    ),
    "order.country_code": say(N_("Use a two-letter ISO 3166 country code.")),
    "duplicate_external_id": say(
        N_("An order with this external_id already exists for the store.")
    ),
}

BLOCKERS: dict[str, Sentence] = {}


def short_day(name: str, pattern: str) -> Fact:
    """A day in a short pattern ('5 Mar', '5 Mar 2026'), as refunds are promised."""
    return lambda words, facts: words.day(facts.get(name), pattern)


EVENT_DESCRIPTIONS: dict[str, str] = {
    "refund.created": N_("A refund was recorded and will be sent to the payment provider."),
    "refund.processing": N_("The payment provider accepted a refund."),
    "refund.succeeded": N_("The money left the platform; carries the trace number when known."),
    "refund.failed": N_("The payment provider refused a refund, or it kept failing."),
    "order.shipped": N_("A parcel of the order left with the carrier."),
    "order.delivered": N_("The carrier reports a parcel delivered."),
    "order.cancelled": N_("Every line of the order was cancelled."),
    "order.lines_cancelled": N_(
        "Units of some lines were cancelled: SKUs and quantities to restock."
    ),
    "order.completed": N_(
        "The buyer confirmed receipt: buyer protection ended, the order completed."
    ),
    "cancellation.requested": N_("A buyer asked the seller to cancel; carries the answer-by time."),
    "cancellation.approved": N_("A cancellation took effect (at once, or the seller approved)."),
    "cancellation.rejected": N_("The seller rejected a cancellation request, with the reason."),
    "cancellation.expired": N_("The seller did not answer in time; the request was approved."),
    "cancellation.withdrawn": N_("The buyer withdrew a cancellation request."),
    **parcels.EVENT_DESCRIPTIONS,
    **returns.EVENT_DESCRIPTIONS,
    **disputes_notices.EVENT_DESCRIPTIONS,
}
"""What each webhook event type (services.events.EVENT_TYPES) means, for the catalogue's readers."""


def event_description(event_type: str, words: Words) -> str:
    msgid = EVENT_DESCRIPTIONS.get(event_type)
    return words._(msgid) if msgid else ""


REJECTIONS: dict[str, str] = {
    "already_shipped": N_("already shipped"),
    "made_to_order": N_("made to order"),
    "buyer_agreed_to_keep": N_("buyer agreed to keep"),
    "other": N_("other"),
}
"""The seller's reason for declining a cancellation, as the buyer's notification names it."""


def destination(words: Words, facts: Mapping[str, Any]) -> str:
    return destination_words(str(facts.get("method") or ""), Role.buyer, words)


def _order_cancelled(words: Words, facts: Mapping[str, Any]) -> str:
    if facts.get("whole"):
        return words._(N_("Order #%(order_id)s: cancelled"), order_id=facts.get("order_id"))
    return words._(N_("Order #%(order_id)s: items cancelled"), order_id=facts.get("order_id"))


def _cancelled_body(words: Words, facts: Mapping[str, Any]) -> str:
    if facts.get("audience") == "seller":
        if facts.get("automatic"):
            return words._(
                N_(
                    "Do not ship the cancelled items. "
                    "You did not answer in time, so the request was approved."
                )
            )
        return words._(N_("Do not ship the cancelled items."))
    refund = facts.get("refund")
    if refund:
        return words._(
            N_("%(amount)s will be refunded to %(destination)s."),
            amount=words.money(refund),
            destination=destination(words, facts),
        )
    return words._(N_("Nothing was charged for these items, so there is nothing to refund."))


def _rejected_body(words: Words, facts: Mapping[str, Any]) -> str:
    note = str(facts.get("note") or "").strip()
    if note:
        return note
    reason = str(facts.get("reason") or "")
    msgid = REJECTIONS.get(reason)
    return words._(msgid) if msgid else reason.replace("_", " ").strip()


def _refund_sent_body(words: Words, facts: Mapping[str, Any]) -> str:
    latest = words.day(facts.get("latest"), "d MMM y")
    if facts.get("trace_number"):
        return words._(
            N_(
                "Your refund for order #%(order_id)s has left us (reference "
                "%(trace_number)s). It should be on your statement by %(latest)s."
            ),
            order_id=facts.get("order_id"),
            trace_number=facts.get("trace_number"),
            latest=latest,
        )
    return words._(
        N_(
            "Your refund for order #%(order_id)s has left us. "
            "It should be on your statement by %(latest)s."
        ),
        order_id=facts.get("order_id"),
        latest=latest,
    )


def _extension_days(words: Words, facts: Mapping[str, Any]) -> str:
    days = int(facts.get("days") or 0)
    return words.ngettext(
        "They ask to extend buyer protection by %(num)d day. Grant or decline it on the order.",
        "They ask to extend buyer protection by %(num)d days. Grant or decline it on the order.",
        days,
    )


NOTICES: dict[str, tuple[Sentence, Sentence]] = {
    "cancellation.requested": (
        say(N_("Order #%(order_id)s: the buyer asks to cancel")),
        say(
            N_(
                "Approve or reject by %(respond_by)s; without an answer the cancellation is "
                "approved automatically."
            ),
            respond_by=when("respond_by"),
        ),
    ),
    "cancellation.completed": (_order_cancelled, _cancelled_body),
    "cancellation.rejected": (
        say(N_("Order #%(order_id)s: the seller declined to cancel")),
        _rejected_body,
    ),
    "cancellation.reminder": (
        say(N_("Order #%(order_id)s: answer the cancellation request")),
        say(N_("Without your answer the cancellation will be approved automatically.")),
    ),
    "order.overdue_reminder": (
        say(N_("Order #%(order_id)s: ship it before it cancels itself")),
        say(
            N_("Without a shipment the order is cancelled automatically and counted as your fault.")
        ),
    ),
    "order.payment_reminder": (
        say(N_("Pay for order #%(order_id)s or it will be cancelled")),
        say(
            N_(
                "Order #%(order_id)s is still waiting for your payment. If it has not arrived "
                "by the deadline, the order cancels itself."
            )
        ),
    ),
    "order.receipt_confirmed": (
        say(N_("Order #%(order_id)s: the buyer confirmed receipt")),
        say(N_("Buyer protection has ended and the order is completed.")),
    ),
    "order.protection_ending": (
        say(N_("Order #%(order_id)s: buyer protection ends soon")),
        say(
            N_(
                "Buyer protection ends on %(protection_ends_at)s. If all is well, confirm "
                "receipt; if something is wrong, act before then."
            ),
            protection_ends_at=when("protection_ends_at"),
        ),
    ),
    "protection.extension_requested": (
        say(N_("Order #%(order_id)s: the buyer asks for more protection")),
        _extension_days,
    ),
    "protection.extension_granted": (
        say(N_("Order #%(order_id)s: buyer protection extended")),
        say(
            N_("The seller agreed. Buyer protection now ends on %(protection_ends_at)s."),
            protection_ends_at=when("protection_ends_at"),
        ),
    ),
    "protection.extension_declined": (
        say(N_("Order #%(order_id)s: the seller declined to extend protection")),
        say(
            N_("Buyer protection still ends on %(protection_ends_at)s."),
            protection_ends_at=when("protection_ends_at"),
        ),
    ),
    "refund.created": (
        say(N_("Refund of %(amount)s on its way"), amount=money("amount")),
        say(
            N_(
                "We are refunding %(amount)s for order #%(order_id)s to %(destination)s. "
                "Expect it between %(earliest)s and %(latest)s."
            ),
            amount=money("amount"),
            destination=destination,
            earliest=short_day("earliest", "d MMM"),
            latest=short_day("latest", "d MMM y"),
        ),
    ),
    "refund.succeeded": (
        say(N_("Refund of %(amount)s sent"), amount=money("amount")),
        _refund_sent_body,
    ),
    "refund.failed": (
        say(N_("Refund of %(amount)s delayed"), amount=money("amount")),
        say(
            N_(
                "The payment provider could not process the refund for order "
                "#%(order_id)s. Our support team has been alerted and will send it again."
            )
        ),
    ),
    **conversation.NOTICES,
    **parcels.NOTICES,
    **returns.NOTICES,
    **disputes_notices.NOTICES,
}
"""Each kind's title and body, from the facts the notification was stored with."""


def notice(
    kind: str,
    params: Mapping[str, Any] | None,
    words: Words,
    *,
    title: str | None = None,
    body: str | None = None,
) -> tuple[str, str]:
    """A notification's title and body in the reader's words; a row stored with its text
    (written before notifications were worded when read) reads as it was stored."""
    sentences = NOTICES.get(kind)
    if params is None or sentences is None:
        return title or kind.replace("_", " ").replace(".", ": ", 1), body or ""
    make_title, make_body = sentences
    return make_title(words, params), make_body(words, params)


__all__ = [
    "BLOCKERS",
    "ERRORS",
    "EVENT_DESCRIPTIONS",
    "NOTICES",
    "N_",
    "REJECTIONS",
    "day",
    "event_description",
    "money",
    "notice",
    "say",
    "when",
]
