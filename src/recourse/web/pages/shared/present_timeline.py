"""The order's timeline as a person reads it: who did what, in a sentence, in their language.

Nothing here decides anything; it words the recorded entries for the viewer who is looking.
"""

from __future__ import annotations

from typing import Any

from recourse.db.queries.orders import OrderDetail
from recourse.db.queries.timeline import TimelineView
from recourse.domain.money import Money
from recourse.domain.roles import Role
from recourse.i18n import ENGLISH, N_, Words
from recourse.web.templating import status_label

REASONS = {
    "payment_window_expired": N_("not paid in time"),
    "protection_ended": N_("buyer protection ended"),
    "receipt_confirmed": N_("the buyer confirmed receipt"),
    "changed_mind": N_("changed my mind"),
    "ordered_by_mistake": N_("ordered by mistake"),
    "found_cheaper": N_("found it cheaper elsewhere"),
    "wrong_address": N_("wrong delivery address"),
    "wrong_payment_method": N_("wrong payment method"),
    "shipping_too_slow": N_("shipping takes too long"),
    "seller_asked": N_("the seller asked me to cancel"),
    "not_shipped_in_time": N_("not shipped in time"),
    "out_of_stock": N_("out of stock"),
    "cannot_ship_to_address": N_("cannot ship to the address"),
    "pricing_error": N_("pricing error"),
    "buyer_requested": N_("the buyer asked"),
    "suspected_fraud": N_("suspected fraud"),
    "other": N_("other"),
    # R1: return reasons
    "no_longer_needed": N_("no longer needed"),
    "wrong_size": N_("wrong size"),
    "found_better_price": N_("found a better price"),
    "not_as_described": N_("not as described"),
    "damaged": N_("damaged"),
    "defective": N_("defective"),
    "wrong_item": N_("wrong item"),
    "missing_parts": N_("missing parts"),
    "counterfeit": N_("counterfeit"),
}

# Roles as support reads them next to a person's name, and alone when the name is unknown.
ROLE_NAMES = {"buyer": N_("buyer"), "seller": N_("seller"), "support": N_("support")}
ROLE_TITLES = {"buyer": N_("Buyer"), "seller": N_("Seller"), "support": N_("Support")}


def table_label(table: dict[str, str], code: str, words: Words, default: str) -> str:
    msgid = table.get(code)
    return words._(msgid) if msgid is not None else default


def _money(data: dict[str, Any] | None, key: str, currency: str, words: Words) -> str | None:
    value = (data or {}).get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return words.money(Money(value, currency))


def _units(data: dict[str, Any] | None) -> int:
    lines = (data or {}).get("lines")
    if not isinstance(lines, dict):
        return 0
    return sum(int(v) for v in lines.values() if isinstance(v, int))


# Parcel events: the sentence alone, and with the carrier and tracking number when known.
PARCEL_SENTENCES: dict[str, tuple[str, str]] = {
    "parcel.in_transit": (
        N_("The parcel is on its way."),
        N_("The parcel is on its way (%(carrier)s, tracking %(tracking)s)."),
    ),
    "parcel.delivered": (
        N_("The carrier delivered the parcel."),
        N_("The carrier delivered the parcel (%(carrier)s, tracking %(tracking)s)."),
    ),
    "parcel.refused": (
        N_("The parcel was refused at delivery."),
        N_("The parcel was refused at delivery (%(carrier)s, tracking %(tracking)s)."),
    ),
    "parcel.returned_to_sender": (
        N_("The parcel is being sent back to the seller."),
        N_("The parcel is being sent back to the seller (%(carrier)s, tracking %(tracking)s)."),
    ),
    "parcel.delivered_to_sender": (
        N_("The parcel is back with the seller."),
        N_("The parcel is back with the seller (%(carrier)s, tracking %(tracking)s)."),
    ),
    # C10: support voided a parcel the carrier never scanned (its units count as unshipped)
    "parcel.voided": (
        N_("Support voided the parcel the carrier never scanned."),
        N_("Support voided the parcel the carrier never scanned (%(carrier)s, %(tracking)s)."),
    ),
    "return.shipped": (
        N_("The return was sent back."),
        N_("The return was sent back (%(carrier)s, tracking %(tracking)s)."),
    ),
    "cancellation.rejected": (
        N_("The seller declined to cancel."),
        N_("The seller declined to cancel (%(carrier)s, tracking %(tracking)s)."),
    ),
}

PLAIN_SENTENCES: dict[str, str] = {
    "payment.review": N_("The payment was sent for verification."),
    "payment.failed": N_("The payment failed."),
    "payment.pending": N_("The payment is waiting to be made."),
    "order.cancelled": N_("The order was cancelled."),
    "order.completed": N_("The order was completed."),
    "cancellation.requested": N_("Asked the seller to cancel."),
    "cancellation.withdrawn": N_("The cancellation request was withdrawn."),
    "refund.failed": N_("The refund failed at the payment provider."),
    "support_ticket.opened": N_("Asked support for help."),
    "support_ticket.closed": N_("Support closed the request for help."),
    "return.approved": N_("The return was approved."),
    "return.declined": N_("The return was declined."),
    "return.offer_declined": N_("The offer was declined; the seller answers the return again."),
    "return.offer_lapsed": N_("The offer lapsed without an answer."),
    "return.delivered": N_("The return was delivered to the seller."),
    "return.problem": N_("The seller reported a problem with what came back."),
    "return.closed": N_("The return was not sent in time and closed without a refund."),
    "return.withdrawn": N_("The return was withdrawn."),
}

# Events with an amount: with it when it is known, without it when it is not.
AMOUNT_SENTENCES: dict[str, tuple[str, str, str]] = {
    "order.placed": ("total", N_("Order placed for %(amount)s."), N_("Order placed.")),
    "payment.captured": (
        "amount",
        N_("Payment of %(amount)s received."),
        N_("Payment received."),
    ),
    "refund.created": ("amount", N_("Refund of %(amount)s recorded."), N_("Refund recorded.")),
    "refund.processing": (
        "amount",
        N_("Refund of %(amount)s sent to the bank."),
        N_("Refund sent to the bank."),
    ),
    "refund.succeeded": ("amount", N_("Refund of %(amount)s paid out."), N_("Refund paid out.")),
    "return.requested": (
        "refund",
        N_("Asked to return items, for a refund of %(amount)s."),
        N_("Asked to return items."),
    ),
    "return.offered": (
        "amount",
        N_("Offered a partial refund of %(amount)s to keep the item."),
        N_("Offered a partial refund to keep the item."),
    ),
    "return.offer_accepted": (
        "amount",
        N_("Accepted the partial refund of %(amount)s and kept the item."),
        N_("Accepted the partial refund and kept the item."),
    ),
    "return.refunded": (
        "amount",
        N_("The returned items were refunded: %(amount)s."),
        N_("The returned items were refunded."),
    ),
}


def action_sentence(entry: TimelineView, currency: str, words: Words) -> str:
    """`payment.captured` → 'Payment of €54.49 received.'"""
    data = entry.data or {}
    carrier = data.get("carrier")
    tracking = data.get("tracking_number")
    parcel = {"carrier": carrier, "tracking": tracking} if carrier and tracking else None
    action = entry.action
    if action in PLAIN_SENTENCES:
        return words._(PLAIN_SENTENCES[action])
    if action in PARCEL_SENTENCES:
        alone, with_parcel = PARCEL_SENTENCES[action]
        return words._(with_parcel, **parcel) if parcel else words._(alone)
    if action in AMOUNT_SENTENCES:
        key, with_amount, alone = AMOUNT_SENTENCES[action]
        amount = _money(data, key, currency, words)
        return words._(with_amount, amount=amount) if amount else words._(alone)
    if action == "shipment.created":
        units = _units(data)
        if units and parcel:
            return words.ngettext(
                "%(num)d item shipped (%(carrier)s, tracking %(tracking)s).",
                "%(num)d items shipped (%(carrier)s, tracking %(tracking)s).",
                units,
                **parcel,
            )
        if units:
            return words.ngettext("%(num)d item shipped.", "%(num)d items shipped.", units)
        if parcel:
            return words._("Items shipped (%(carrier)s, tracking %(tracking)s).", **parcel)
        return words._("Items shipped.")
    if action.startswith("protection.extension_"):
        return extension_sentence(action, int(data.get("days") or 0), words)
    if action == "order.lines_cancelled":
        units = sum(int(v) for v in (data.get("units") or {}).values())
        return words.ngettext("%(num)d item cancelled.", "%(num)d items cancelled.", units)
    # An action this page has no sentence for yet reads as its code made readable.
    subject, _, verb = action.partition(".")
    text = f"{subject} {verb}".replace("_", " ").strip()
    return f"{text[:1].upper()}{text[1:]}."


def extension_sentence(action: str, days: int, words: Words) -> str:
    """Buyer protection moved on request, by how many days."""
    if action == "protection.extension_granted":
        return words.ngettext(
            "Buyer protection extended by %(num)d day.",
            "Buyer protection extended by %(num)d days.",
            days,
        )
    if action == "protection.extension_declined":
        return words.ngettext(
            "Declined to extend buyer protection by %(num)d day.",
            "Declined to extend buyer protection by %(num)d days.",
            days,
        )
    return words.ngettext(
        "Asked for %(num)d more day of buyer protection.",
        "Asked for %(num)d more days of buyer protection.",
        days,
    )


def reason_label(code: str | None, words: Words) -> str | None:
    """A timeline entry's reason, as the timeline words it ('Reason: changed my mind')."""
    if not code:
        return None
    return table_label(REASONS, code, words, code.replace("_", " "))


def actor_label(
    entry: TimelineView,
    audience: Role,
    viewer_id: int,
    store_name: str,
    names: dict[int, str],
    words: Words = ENGLISH,
) -> str:
    """Who did it, said the way this viewer knows them."""
    _ = words._
    role = entry.actor_role
    if role == "system":
        return _("Recourse (automatic)")
    if role == "operator":
        return _("Carrier") if entry.action.startswith("parcel.") else _("Marketplace")
    if entry.actor_id == viewer_id:
        return _("You")
    name = names.get(entry.actor_id or -1)
    if audience is Role.support:
        if name:
            return _(
                "%(name)s (%(role)s #%(id)s)",
                name=name,
                role=table_label(ROLE_NAMES, role, words, role),
                id=entry.actor_id,
            )
        return table_label(ROLE_TITLES, role, words, role.capitalize())
    if role == "seller":
        return _("Seller (%(store)s)", store=store_name)
    if role == "buyer":
        return _("Buyer")
    return _("Support")


def timeline_rows(
    entries: list[TimelineView],
    detail: OrderDetail,
    audience: Role,
    viewer_id: int,
    names: dict[int, str],
    words: Words,
    hidden: list[str] | None = None,
) -> list[dict[str, Any]]:
    rows = []
    store = str(detail.store["name"])
    for i, entry in enumerate(entries):
        moved = entry.from_state != entry.to_state and entry.to_state
        rows.append(
            {
                "at": entry.at,
                "who": actor_label(entry, audience, viewer_id, store, names, words),
                "what": action_sentence(entry, detail.order.currency, words),
                "code": entry.action,
                "from": status_label(words, entry.from_state)
                if moved and entry.from_state
                else None,
                "to": status_label(words, entry.to_state) if moved and entry.to_state else None,
                "reason": reason_label(entry.reason, words),
                "reason_code": entry.reason,
                "note": entry.note,
                "hidden": hidden[i] if hidden else "",
            }
        )
    return rows


def hidden_from(visible_to_buyer: bool, visible_to_seller: bool, words: Words) -> str:
    if not visible_to_buyer and not visible_to_seller:
        return words._("Hidden from buyer and seller")
    if not visible_to_buyer:
        return words._("Hidden from buyer")
    if not visible_to_seller:
        return words._("Hidden from seller")
    return ""


def actor_ids(entries: list[TimelineView]) -> set[int]:
    return {e.actor_id for e in entries if e.actor_id is not None}
