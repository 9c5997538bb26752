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
from recourse.domain.order import OrderLine
from recourse.domain.roles import Role
from recourse.i18n import N_, NC_, Words
from recourse.texts import label
from recourse.texts.web import policy_sentences
from recourse.web.pages.shared.present_timeline import (
    REASONS,
    action_sentence,
    actor_ids,
    actor_label,
    hidden_from,
    reason_label,
    table_label,
    timeline_rows,
)

TABS = ("all", "to_pay", "to_ship", "shipped", "delivered", "completed", "cancelled")


# A tab is plural where a language says so ('Enviados'), hence a context apart from an order's
# status ('Shipped').
TAB_LABELS = {
    "all": NC_("orders tab", "All"),
    "to_pay": NC_("orders tab", "To pay"),
    "to_ship": NC_("orders tab", "To ship"),
    "shipped": NC_("orders tab", "Shipped"),
    "delivered": NC_("orders tab", "Delivered"),
    "completed": NC_("orders tab", "Completed"),
    "cancelled": NC_("orders tab", "Cancelled"),
}


def tab_label(key: str, words: Words) -> str:
    return label(TAB_LABELS, key, words) if key in TAB_LABELS else key


PAYMENT_METHODS = {
    "card": N_("Card"),
    "wallet": N_("Digital wallet"),
    "bank_transfer": N_("Bank transfer"),
    "store_balance": N_("Store balance"),
    "coupon": N_("Coupon"),
}


PAYMENT_STATUSES = {
    "pending": NC_("payment", "Not paid yet"),
    "review": NC_("payment", "Being verified"),
    "captured": NC_("payment", "Paid"),
    "failed": NC_("payment", "Failed"),
}


def payment_status_label(code: str, words: Words) -> str:
    return label(PAYMENT_STATUSES, code, words) if code in PAYMENT_STATUSES else code


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

__all__ = [
    "REASONS",
    "action_sentence",
    "actor_ids",
    "actor_label",
    "hidden_from",
    "order_page",
    "reason_label",
    "timeline_rows",
]


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
    topic: str | None = None
    """The code whose help article explains this date (`texts/help.py`)."""


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
        notes.append(Note(_("Pay by"), sentence, topic="pay_by"))
    if status == "payment_review" and d.review_until:
        notes.append(
            Note(
                _("Payment review until"),
                _(
                    "The payment is being verified until %(time)s; "
                    "the order cannot be cancelled until then.",
                    time=words.when(d.review_until),
                ),
                topic="payment_under_review",
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
        notes.append(Note(_("Ship by"), sentence, urgent=late, topic="ship_by"))
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
        notes.append(Note(_("Protection ends"), sentence, topic="protection"))
    if d.protection_ends_at and status in ("completed", "closed"):
        time = words.when(d.protection_ends_at)
        sentence = (
            _("Buyer protection ended on %(time)s.", time=time)
            if d.protection_ends_at <= now
            else _("Buyer protection ends on %(time)s.", time=time)
        )
        notes.append(Note(_("Protection"), sentence, topic="protection"))
    return notes


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
        "payment_method": table_label(PAYMENT_METHODS, method, words, method),
        "payment_status": payment_status_label(payment_status, words),
        "policy": policy_sentences(detail.policy.policy, words),
        "meaning": table_label(STATUS_MEANINGS, str(detail.status), words, ""),
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
