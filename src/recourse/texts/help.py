"""H2: which help article explains a blocker, a deadline or an outcome, by its code.

Pages link a blocker's sentence to `help_url(HELP_FOR[code])` (the `help_for` template global
does both); a capability that adds blocker codes adds their article here."""

from __future__ import annotations

HELP_FOR: dict[str, str] = {
    # cancellation blockers (C1 to C9)
    "already_shipped": "cancel-before-shipping",
    "order_cancelled": "seller-cancels",
    "order_closed": "confirm-receipt-and-protection",
    "payment_under_review": "cancel-before-shipping",
    "request_pending": "seller-does-not-answer",
    "partial_cancel_not_allowed": "cancel-some-items",
    "seller_not_late": "seller-does-not-answer",
    # deadlines and what they decide (C4)
    "respond_by_passed": "seller-does-not-answer",
    "overdue_autocancelled": "seller-does-not-answer",
    "cancellation_pending": "seller-does-not-answer",
    # refunds (F2, F5)
    "nothing_to_refund": "refund-timing",
    "refund_expected": "refund-timing",
    # the dates on an order page (§10)
    "pay_by": "common-mistakes",
    "ship_by": "seller-does-not-answer",
    # policies and protection (§9, §2)
    "store_policy": "store-policies",
    "protection": "confirm-receipt-and-protection",
    # the order's conversation and stopping a parcel (M1, S1)
    "intercept_nothing_shipped": "messages-and-stopping-a-parcel",
    "intercept_nothing_going_out": "messages-and-stopping-a-parcel",
    "intercept_waiting": "messages-and-stopping-a-parcel",
    "no_intercept_request": "messages-and-stopping-a-parcel",
    # parcels coming back (S1, S2)
    "parcel.delivered": "refusing-a-delivery",
    "parcel.nothing_going_out": "refusing-a-delivery",
    "parcel_return.reason_given": "refusing-a-delivery",
    "parcel_return.already_refunded": "refusing-a-delivery",
    # buyer returns (R1-R5): their blockers and the deadlines each step runs on
    "return_nothing_delivered": "returning-an-item",
    "return_already_open": "returning-an-item",
    "return_nothing_left": "returning-an-item",
    "return_window_closed": "returning-an-item",
    "return_protection_ended": "returning-an-item",
    "remorse_not_accepted": "what-a-return-costs",
    "return_on_its_way": "returning-an-item",
    "return_not_approved": "returning-an-item",
    "return_answered": "returning-an-item",
    "return_not_sent": "returning-an-item",
    "return_respond_by_passed": "returning-an-item",
    "return_offer_answer_by_passed": "what-a-return-costs",
    "return_ship_by_passed": "returning-an-item",
    "return_refund_by_passed": "returning-an-item",
    "return_offer_made_once": "what-a-return-costs",
    "return_cost": "what-a-return-costs",
    # disputes (D1-D7): the opening blockers and windows, the steps' deadlines, appeals
    "dispute_already_open": "opening-a-dispute",
    "dispute_already_settled": "opening-a-dispute",
    "dispute_window_not_open": "opening-a-dispute",
    "dispute_window_closed": "opening-a-dispute",
    "dispute_nothing_shipped": "opening-a-dispute",
    "dispute_all_delivered": "opening-a-dispute",
    "dispute_nothing_delivered": "opening-a-dispute",
    "dispute_cancellation_not_rejected": "opening-a-dispute",
    "dispute_return_not_refused": "opening-a-dispute",
    "dispute_refund_arrived": "refund-timing",
    "dispute_refund_not_late": "refund-timing",
    "dispute_amount_exceeds_refundable": "opening-a-dispute",
    "dispute_no_proposal": "opening-a-dispute",
    "dispute_respond_by_passed": "opening-a-dispute",
    "dispute_escalate_at_passed": "dispute-escalation-and-decision",
    "dispute_info_due_passed": "dispute-escalation-and-decision",
    "dispute_sla": "dispute-escalation-and-decision",
    "dispute_appeal_by_passed": "appealing-a-decision",
    "dispute_appeal_same_agent": "appealing-a-decision",
}

DEFAULT_ARTICLE = "common-mistakes"


def help_slug(code: str | None) -> str | None:
    """The article for a code, or None when no article explains it (yet)."""
    return HELP_FOR.get(code) if code else None
