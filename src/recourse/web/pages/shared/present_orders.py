"""Turns read-side values into what a person reads: sentences, labels, compact counts.

Nothing here decides anything about an order; it only words what the domain and the
read queries already decided, for the viewer who is looking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from recourse.currency import format_money
from recourse.db.queries.orders import LineSummary, OrderDetail, OrderSummary
from recourse.db.queries.timeline import TimelineView
from recourse.domain.money import Money
from recourse.domain.order import OrderLine
from recourse.domain.policy import describe_policy
from recourse.domain.roles import Role
from recourse.i18n import ENGLISH
from recourse.web.templating import local_time, status_label

TAB_LABELS: dict[str, str] = {
    "all": "All",
    "to_pay": "To pay",
    "to_ship": "To ship",
    "shipped": "Shipped",
    "delivered": "Delivered",
    "completed": "Completed",
    "cancelled": "Cancelled",
}

PAYMENT_METHODS = {
    "card": "Card",
    "wallet": "Digital wallet",
    "bank_transfer": "Bank transfer",
    "store_balance": "Store balance",
    "coupon": "Coupon",
}

PAYMENT_STATUSES = {
    "pending": "Not paid yet",
    "review": "Being verified",
    "captured": "Paid",
    "failed": "Failed",
}

REASONS = {
    "payment_window_expired": "not paid in time",
    "protection_ended": "buyer protection ended",
    "changed_mind": "changed my mind",
    "ordered_by_mistake": "ordered by mistake",
    "found_cheaper": "found it cheaper elsewhere",
    "wrong_address": "wrong delivery address",
    "wrong_payment_method": "wrong payment method",
    "shipping_too_slow": "shipping takes too long",
    "seller_asked": "the seller asked me to cancel",
    "not_shipped_in_time": "not shipped in time",
    "out_of_stock": "out of stock",
    "cannot_ship_to_address": "cannot ship to the address",
    "pricing_error": "pricing error",
    "buyer_requested": "the buyer asked",
    "suspected_fraud": "suspected fraud",
    "other": "other",
}

STATUS_MEANINGS = {
    "awaiting_payment": "The order is placed and waits for payment.",
    "payment_review": "The payment is being verified by the bank or for fraud.",
    "awaiting_shipment": "The order is paid and waits for the seller to ship it.",
    "shipped": "At least one parcel is with the carrier; nothing is delivered yet.",
    "delivered": "The carrier confirmed delivery; buyer protection is running.",
    "completed": "The order is complete.",
    "cancelled": "Every item was cancelled before it shipped.",
    "closed": "The order is complete and everything on it is settled.",
}

QUANTITY_NAMES = ("cancelled", "shipped", "delivered", "returned", "refunded")


def tabs(counts: dict[str, int], active: str) -> list[dict[str, Any]]:
    return [
        {"key": key, "label": label, "count": counts.get(key, 0), "active": key == active}
        for key, label in TAB_LABELS.items()
    ]


def items_text(summary: LineSummary | None, fallback: OrderSummary) -> str:
    """The first item's title, with how many units or how many other items come with it."""
    if summary is None:
        return fallback.first_title
    if summary.line_count > 1:
        return f"{summary.first_title} and {summary.line_count - 1} more"
    if summary.unit_count > 1:
        return f"{summary.first_title} \N{MULTIPLICATION SIGN} {summary.unit_count}"
    return summary.first_title


def order_rows(
    items: list[OrderSummary], lines: dict[int, LineSummary], now: datetime
) -> list[dict[str, Any]]:
    return [
        {
            "order": o,
            "items_text": items_text(lines.get(o.id), o),
            "to_ship": o.status == "awaiting_shipment" and o.ship_by is not None,
            "overdue": o.status == "awaiting_shipment"
            and o.ship_by is not None
            and o.ship_by < now,
        }
        for o in items
    ]


def quantity_chips(line: OrderLine) -> list[str]:
    """'2 ordered', then only the counts that are not zero."""
    qty = line.qty
    chips = [f"{qty.ordered} ordered"]
    chips += [f"{getattr(qty, name)} {name}" for name in QUANTITY_NAMES if getattr(qty, name)]
    return chips


@dataclass(frozen=True, slots=True)
class Note:
    label: str
    sentence: str
    urgent: bool = False


def deadline_notes(detail: OrderDetail, now: datetime, tz: str, audience: Role) -> list[Note]:
    """The dates that matter for the order's current status, each said in a sentence."""
    d = detail.order.deadlines
    status = str(detail.status)
    buyer = audience is Role.buyer
    seller = audience is Role.seller

    def at(value: datetime) -> str:
        return local_time(ENGLISH, value, tz)

    notes: list[Note] = []
    if status == "awaiting_payment" and d.pay_by:
        who = "You have" if buyer else "The buyer has"
        notes.append(
            Note(
                "Pay by",
                f"{who} until {at(d.pay_by)} to pay; an order still unpaid then cancels itself.",
            )
        )
    if status == "payment_review" and d.review_until:
        notes.append(
            Note(
                "Payment review until",
                f"The payment is being verified until {at(d.review_until)}; "
                "the order cannot be cancelled until then.",
            )
        )
    if status == "awaiting_shipment" and d.ship_by:
        late = d.ship_by < now
        if seller:
            sentence = (
                f"This order was due to ship by {at(d.ship_by)}; it is late."
                if late
                else f"Ship this order by {at(d.ship_by)}."
            )
        else:
            sentence = (
                f"The seller was due to ship by {at(d.ship_by)} and is late."
                if late
                else f"The seller ships by {at(d.ship_by)}."
            )
        notes.append(Note("Ship by", sentence, urgent=late))
    if d.protection_ends_at and status in ("shipped", "delivered"):
        whose = "Your buyer" if buyer else "Buyer"
        notes.append(
            Note(
                "Protection ends",
                f"{whose} protection lasts until {at(d.protection_ends_at)}: "
                "until then a missing or faulty item can be reported.",
            )
        )
    if d.protection_ends_at and status in ("completed", "closed"):
        verb = "ended" if d.protection_ends_at <= now else "ends"
        notes.append(Note("Protection", f"Buyer protection {verb} on {at(d.protection_ends_at)}."))
    return notes


def _money(data: dict[str, Any] | None, key: str, currency: str) -> str | None:
    value = (data or {}).get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return format_money(Money(value, currency))


def _units(data: dict[str, Any] | None) -> int:
    lines = (data or {}).get("lines")
    if not isinstance(lines, dict):
        return 0
    return sum(int(v) for v in lines.values() if isinstance(v, int))


def action_sentence(entry: TimelineView, currency: str) -> str:
    """`payment.captured` → 'Payment of €54.49 received.'"""
    data = entry.data or {}
    carrier = data.get("carrier")
    tracking = data.get("tracking_number")
    parcel = f" ({carrier}, tracking {tracking})" if carrier and tracking else ""
    match entry.action:
        case "order.placed":
            total = _money(data, "total", currency)
            return f"Order placed for {total}." if total else "Order placed."
        case "payment.captured":
            amount = _money(data, "amount", currency)
            return f"Payment of {amount} received." if amount else "Payment received."
        case "payment.review":
            return "The payment was sent for verification."
        case "payment.failed":
            return "The payment failed."
        case "payment.pending":
            return "The payment is waiting to be made."
        case "shipment.created":
            units = _units(data)
            what = f"{units} item{'s' if units != 1 else ''}" if units else "Items"
            return f"{what} shipped{parcel}."
        case "parcel.in_transit":
            return f"The parcel is on its way{parcel}."
        case "parcel.delivered":
            return f"The carrier delivered the parcel{parcel}."
        case "parcel.refused":
            return f"The parcel was refused at delivery{parcel}."
        case "parcel.returned_to_sender":
            return f"The parcel is being sent back to the seller{parcel}."
        case "parcel.delivered_to_sender":
            return f"The parcel is back with the seller{parcel}."
        case "order.cancelled":
            return "The order was cancelled."
        case "order.lines_cancelled":
            units = sum(int(v) for v in (data.get("units") or {}).values())
            return f"{units} item{'s' if units != 1 else ''} cancelled."
        case "order.completed":
            return "The order was completed."
        case "cancellation.requested":
            return "Asked the seller to cancel."
        case "cancellation.rejected":
            return f"The seller declined to cancel{parcel}."
        case "cancellation.withdrawn":
            return "The cancellation request was withdrawn."
        case "refund.created":
            amount = _money(data, "amount", currency)
            return f"Refund of {amount} recorded." if amount else "Refund recorded."
        case "refund.processing":
            amount = _money(data, "amount", currency)
            return f"Refund of {amount} sent to the bank." if amount else "Refund sent to the bank."
        case "refund.succeeded":
            amount = _money(data, "amount", currency)
            return f"Refund of {amount} paid out." if amount else "Refund paid out."
        case "refund.failed":
            return "The refund failed at the payment provider."
    subject, _, verb = entry.action.partition(".")
    words = f"{subject} {verb}".replace("_", " ").strip()
    return f"{words[:1].upper()}{words[1:]}."


def reason_label(code: str | None) -> str | None:
    if not code:
        return None
    return REASONS.get(code, code.replace("_", " "))


def actor_label(
    entry: TimelineView, audience: Role, viewer_id: int, store_name: str, names: dict[int, str]
) -> str:
    """Who did it, said the way this viewer knows them."""
    role = entry.actor_role
    if role == "system":
        return "Recourse (automatic)"
    if role == "operator":
        return "Carrier" if entry.action.startswith("parcel.") else "Marketplace"
    if entry.actor_id == viewer_id:
        return "You"
    name = names.get(entry.actor_id or -1)
    if audience is Role.support:
        return f"{name} ({role} #{entry.actor_id})" if name else role.capitalize()
    if role == "seller":
        return f"Seller ({store_name})"
    if role == "buyer":
        return "Buyer"
    return "Support"


def timeline_rows(
    entries: list[TimelineView],
    detail: OrderDetail,
    audience: Role,
    viewer_id: int,
    names: dict[int, str],
    hidden: list[str] | None = None,
) -> list[dict[str, Any]]:
    rows = []
    for i, entry in enumerate(entries):
        moved = entry.from_state != entry.to_state and entry.to_state
        rows.append(
            {
                "at": entry.at,
                "who": actor_label(entry, audience, viewer_id, str(detail.store["name"]), names),
                "what": action_sentence(entry, detail.order.currency),
                "code": entry.action,
                "from": status_label(ENGLISH, entry.from_state)
                if moved and entry.from_state
                else None,
                "to": status_label(ENGLISH, entry.to_state) if moved and entry.to_state else None,
                "reason": reason_label(entry.reason),
                "reason_code": entry.reason,
                "note": entry.note,
                "hidden": hidden[i] if hidden else "",
            }
        )
    return rows


def hidden_from(visible_to_buyer: bool, visible_to_seller: bool) -> str:
    parties = [
        name
        for name, visible in (("buyer", visible_to_buyer), ("seller", visible_to_seller))
        if not visible
    ]
    return f"Hidden from {' and '.join(parties)}" if parties else ""


def actor_ids(entries: list[TimelineView]) -> set[int]:
    return {e.actor_id for e in entries if e.actor_id is not None}


def order_view(detail: OrderDetail) -> dict[str, Any]:
    """The parts of the order page that do not depend on who looks."""
    order = detail.order
    return {
        "lines": [
            {"line": line, "chips": quantity_chips(line), "unshipped": line.qty.unshipped}
            for line in order.lines
        ],
        "payment_method": PAYMENT_METHODS.get(str(order.payment.method), str(order.payment.method)),
        "payment_status": PAYMENT_STATUSES.get(
            str(order.payment.status), str(order.payment.status)
        ),
        "policy": describe_policy(detail.policy.policy),
        "meaning": STATUS_MEANINGS.get(str(detail.status), ""),
        "shippable": [line for line in order.lines if line.qty.unshipped > 0],
    }


def order_page(
    detail: OrderDetail,
    *,
    audience: Role,
    viewer_id: int,
    tz: str,
    now: datetime,
    names: dict[int, str],
    entries: list[TimelineView] | None = None,
    hidden: list[str] | None = None,
) -> dict[str, Any]:
    """Context shared by the buyer's, the seller's and support's order pages."""
    return {
        "detail": detail,
        "view": order_view(detail),
        "notes": deadline_notes(detail, now, tz, audience),
        "timeline": timeline_rows(
            detail.timeline if entries is None else entries,
            detail,
            audience,
            viewer_id,
            names,
            hidden,
        ),
        "audience": str(audience),
    }
