"""Turns read-side values into what a person reads: sentences, labels, compact counts.

Nothing here decides anything about an order; it only words what the domain and the
read queries already decided, for the viewer who is looking, in their language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from recourse.db.queries.orders import LineSummary, OrderDetail, OrderSummary
from recourse.db.queries.timeline import TimelineView
from recourse.domain.money import Money
from recourse.domain.order import OrderLine
from recourse.domain.roles import Role
from recourse.i18n import ENGLISH, N_, Words
from recourse.texts.web import policy_sentences
from recourse.web.templating import status_label

TABS = ("all", "to_pay", "to_ship", "shipped", "delivered", "completed", "cancelled")


def tab_label(key: str, words: Words) -> str:
    """A tab of the order lists: plural in languages that say so ('Enviados'), hence its own
    context apart from an order's status ('Shipped')."""
    match key:
        case "all":
            return words.pgettext("orders tab", "All")
        case "to_pay":
            return words.pgettext("orders tab", "To pay")
        case "to_ship":
            return words.pgettext("orders tab", "To ship")
        case "shipped":
            return words.pgettext("orders tab", "Shipped")
        case "delivered":
            return words.pgettext("orders tab", "Delivered")
        case "completed":
            return words.pgettext("orders tab", "Completed")
        case "cancelled":
            return words.pgettext("orders tab", "Cancelled")
    return key


PAYMENT_METHODS = {
    "card": N_("Card"),
    "wallet": N_("Digital wallet"),
    "bank_transfer": N_("Bank transfer"),
    "store_balance": N_("Store balance"),
    "coupon": N_("Coupon"),
}


def payment_status_label(code: str, words: Words) -> str:
    match code:
        case "pending":
            return words.pgettext("payment", "Not paid yet")
        case "review":
            return words.pgettext("payment", "Being verified")
        case "captured":
            return words.pgettext("payment", "Paid")
        case "failed":
            return words.pgettext("payment", "Failed")
    return code


REASONS = {
    "payment_window_expired": N_("not paid in time"),
    "protection_ended": N_("buyer protection ended"),
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
}

STATUS_MEANINGS = {
    "awaiting_payment": N_("The order is placed and waits for payment."),
    "payment_review": N_("The payment is being verified by the bank or for fraud."),
    "awaiting_shipment": N_("The order is paid and waits for the seller to ship it."),
    "shipped": N_("At least one parcel is with the carrier; nothing is delivered yet."),
    "delivered": N_("The carrier confirmed delivery; buyer protection is running."),
    "completed": N_("The order is complete."),
    "cancelled": N_("Every item was cancelled before it shipped."),
    "closed": N_("The order is complete and everything on it is settled."),
}

QUANTITY_NAMES = ("cancelled", "shipped", "delivered", "returned", "refunded")

# Roles as support reads them next to a person's name, and alone when the name is unknown.
ROLE_NAMES = {"buyer": N_("buyer"), "seller": N_("seller"), "support": N_("support")}
ROLE_TITLES = {"buyer": N_("Buyer"), "seller": N_("Seller"), "support": N_("Support")}


def _table(table: dict[str, str], code: str, words: Words, default: str) -> str:
    msgid = table.get(code)
    return words._(msgid) if msgid is not None else default


def tabs(counts: dict[str, int], active: str, words: Words) -> list[dict[str, Any]]:
    return [
        {
            "key": key,
            "label": tab_label(key, words),
            "count": counts.get(key, 0),
            "active": key == active,
        }
        for key in TABS
    ]


def items_text(summary: LineSummary | None, fallback: OrderSummary, words: Words) -> str:
    """The first item's title, with how many units or how many other items come with it."""
    if summary is None:
        return fallback.first_title
    if summary.line_count > 1:
        return words.ngettext(
            "%(title)s and %(num)d more",
            "%(title)s and %(num)d more",
            summary.line_count - 1,
            title=summary.first_title,
        )
    if summary.unit_count > 1:
        return f"{summary.first_title} \N{MULTIPLICATION SIGN} {summary.unit_count}"
    return summary.first_title


def order_rows(
    items: list[OrderSummary], lines: dict[int, LineSummary], now: datetime, words: Words
) -> list[dict[str, Any]]:
    return [
        {
            "order": o,
            "items_text": items_text(lines.get(o.id), o, words),
            "to_ship": o.status == "awaiting_shipment" and o.ship_by is not None,
            "overdue": o.status == "awaiting_shipment"
            and o.ship_by is not None
            and o.ship_by < now,
        }
        for o in items
    ]


def _chip(name: str, n: int, words: Words) -> str:
    match name:
        case "ordered":
            return words.ngettext("%(num)d ordered", "%(num)d ordered", n)
        case "cancelled":
            return words.ngettext("%(num)d cancelled", "%(num)d cancelled", n)
        case "shipped":
            return words.ngettext("%(num)d shipped", "%(num)d shipped", n)
        case "delivered":
            return words.ngettext("%(num)d delivered", "%(num)d delivered", n)
        case "returned":
            return words.ngettext("%(num)d returned", "%(num)d returned", n)
        case "refunded":
            return words.ngettext("%(num)d refunded", "%(num)d refunded", n)
    return f"{n} {name}"


def quantity_chips(line: OrderLine, words: Words) -> list[str]:
    """'2 ordered', then only the counts that are not zero."""
    qty = line.qty
    chips = [_chip("ordered", qty.ordered, words)]
    chips += [
        _chip(name, getattr(qty, name), words) for name in QUANTITY_NAMES if getattr(qty, name)
    ]
    return chips


@dataclass(frozen=True, slots=True)
class Note:
    label: str
    sentence: str
    urgent: bool = False


def deadline_notes(detail: OrderDetail, now: datetime, words: Words, audience: Role) -> list[Note]:
    """The dates that matter for the order's current status, each said in a sentence."""
    d = detail.order.deadlines
    status = str(detail.status)
    buyer = audience is Role.buyer
    seller = audience is Role.seller
    _ = words._

    notes: list[Note] = []
    if status == "awaiting_payment" and d.pay_by:
        time = words.when(d.pay_by)
        sentence = (
            _(
                "You have until %(time)s to pay; an order still unpaid then cancels itself.",
                time=time,
            )
            if buyer
            else _(
                "The buyer has until %(time)s to pay; an order still unpaid then cancels itself.",
                time=time,
            )
        )
        notes.append(Note(_("Pay by"), sentence))
    if status == "payment_review" and d.review_until:
        notes.append(
            Note(
                _("Payment review until"),
                _(
                    "The payment is being verified until %(time)s; "
                    "the order cannot be cancelled until then.",
                    time=words.when(d.review_until),
                ),
            )
        )
    if status == "awaiting_shipment" and d.ship_by:
        late = d.ship_by < now
        time = words.when(d.ship_by)
        if seller:
            sentence = (
                _("This order was due to ship by %(time)s; it is late.", time=time)
                if late
                else _("Ship this order by %(time)s.", time=time)
            )
        else:
            sentence = (
                _("The seller was due to ship by %(time)s and is late.", time=time)
                if late
                else _("The seller ships by %(time)s.", time=time)
            )
        notes.append(Note(_("Ship by"), sentence, urgent=late))
    if d.protection_ends_at and status in ("shipped", "delivered"):
        time = words.when(d.protection_ends_at)
        sentence = (
            _(
                "Your buyer protection lasts until %(time)s: "
                "until then a missing or faulty item can be reported.",
                time=time,
            )
            if buyer
            else _(
                "Buyer protection lasts until %(time)s: "
                "until then a missing or faulty item can be reported.",
                time=time,
            )
        )
        notes.append(Note(_("Protection ends"), sentence))
    if d.protection_ends_at and status in ("completed", "closed"):
        time = words.when(d.protection_ends_at)
        sentence = (
            _("Buyer protection ended on %(time)s.", time=time)
            if d.protection_ends_at <= now
            else _("Buyer protection ends on %(time)s.", time=time)
        )
        notes.append(Note(_("Protection"), sentence))
    return notes


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
    if action == "order.lines_cancelled":
        units = sum(int(v) for v in (data.get("units") or {}).values())
        return words.ngettext("%(num)d item cancelled.", "%(num)d items cancelled.", units)
    # An action this page has no sentence for yet reads as its code made readable.
    subject, _, verb = action.partition(".")
    text = f"{subject} {verb}".replace("_", " ").strip()
    return f"{text[:1].upper()}{text[1:]}."


def reason_label(code: str | None, words: Words) -> str | None:
    """A timeline entry's reason, as the timeline words it ('Reason: changed my mind')."""
    if not code:
        return None
    return _table(REASONS, code, words, code.replace("_", " "))


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
                role=_table(ROLE_NAMES, role, words, role),
                id=entry.actor_id,
            )
        return _table(ROLE_TITLES, role, words, role.capitalize())
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


def order_view(detail: OrderDetail, words: Words) -> dict[str, Any]:
    """The parts of the order page that do not depend on who looks."""
    order = detail.order
    method = str(order.payment.method)
    payment_status = str(order.payment.status)
    return {
        "lines": [
            {"line": line, "chips": quantity_chips(line, words), "unshipped": line.qty.unshipped}
            for line in order.lines
        ],
        "payment_method": _table(PAYMENT_METHODS, method, words, method),
        "payment_status": payment_status_label(payment_status, words),
        "policy": policy_sentences(detail.policy.policy, words),
        "meaning": _table(STATUS_MEANINGS, str(detail.status), words, ""),
        "shippable": [line for line in order.lines if line.qty.unshipped > 0],
    }


def order_page(
    detail: OrderDetail,
    *,
    audience: Role,
    viewer_id: int,
    now: datetime,
    names: dict[int, str],
    words: Words,
    entries: list[TimelineView] | None = None,
    hidden: list[str] | None = None,
) -> dict[str, Any]:
    """Context shared by the buyer's, the seller's and support's order pages, in the words of
    the request's reader (`recourse.web.language.words`)."""
    return {
        "detail": detail,
        "view": order_view(detail, words),
        "notes": deadline_notes(detail, now, words, audience),
        "timeline": timeline_rows(
            detail.timeline if entries is None else entries,
            detail,
            audience,
            viewer_id,
            names,
            words,
            hidden,
        ),
        "audience": str(audience),
    }
