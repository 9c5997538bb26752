"""Sentences of disputes (D1-D7): the error keys the rules raise (refusals name the dates that
decided them), the guide's closed dispute paths, the paths' labels and the labels of a
dispute's types, wants, outcomes, statuses and resolutions. What a dispute tells is in
`disputes_notices.py`."""

from __future__ import annotations

from recourse.i18n import N_
from recourse.texts.core import Sentence, money, say, when

ERRORS: dict[str, Sentence] = {
    "dispute.not_found": say(N_("There is no dispute %(dispute_id)s.")),
    "dispute.subject_not_found": say(N_("That is not a case of this order.")),
    "dispute.info_request_not_found": say(N_("There is no such request for information.")),
    "dispute.type_choice": say(
        N_(
            "Choose what went wrong: not received, not as described, cancellation refused, "
            "return refused or refund not received."
        )
    ),
    "dispute.wanted_choice": say(
        N_("Choose what you want: a full refund, a partial refund, or a return and refund.")
    ),
    "dispute.counter_choice": say(
        N_("Counter with a partial refund or a return and refund (to refund in full, accept).")
    ),
    "dispute.outcome_choice": say(
        N_("Choose a full refund, a partial refund, a refund after return, or no refund.")
    ),
    "dispute.respond_choice": say(N_("Accept the buyer's request or make a counter-proposal.")),
    "dispute.party_choice": say(N_("Ask the buyer or the seller.")),
    "dispute.subject_needed": say(N_("Choose the case this dispute is about.")),
    "dispute.subject_not_for_type": say(N_("This kind of dispute is not about that case.")),
    "dispute.description_needed": say(N_("Describe what happened.")),
    "dispute.question_needed": say(N_("Write the question.")),
    "dispute.answer_needed": say(N_("Write your answer.")),
    "dispute.rationale_needed": say(N_("Write the rationale both sides will read.")),
    "dispute.appeal_reason_needed": say(N_("Say why you appeal the decision.")),
    "dispute.audit_note_needed": say(
        N_("Acting for one side needs a note saying why (it is kept on the timeline).")
    ),
    "dispute.on_behalf_support_only": say(N_("Only support can act for one side.")),
    "dispute.text_too_long": say(N_("Keep it under %(max)s characters.")),
    "dispute.files_needed": say(N_("Choose at least one file.")),
    "dispute.amount_needed": say(N_("Enter the amount of the partial refund.")),
    "dispute.amount_not_positive": say(N_("Enter an amount above zero.")),
    "dispute.amount_not_wanted": say(N_("Only a partial refund names an amount.")),
    "dispute.charge_without_refund": say(
        N_("Only a decision that refunds can be charged to the store.")
    ),
    "dispute.info_due_past": say(N_("Choose a due date in the future.")),
    "dispute.assignee_not_support": say(N_("Disputes can be given to support agents only.")),
    "dispute_amount_exceeds_refundable": say(
        N_("At most %(refundable)s can still be refunded on this order."),
        refundable=money("refundable"),
    ),
    "dispute_already_open": say(
        N_("This order already has an open dispute; follow that one or withdraw it first.")
    ),
    "dispute_already_settled": say(N_("This was already settled by an earlier dispute.")),
    "dispute_window_not_open": say(
        N_("This dispute can be opened from %(opens_at)s."),
        opens_at=when("opens_at"),
    ),
    "dispute_window_closed": say(
        N_("The time to open this dispute ended on %(closes_at)s."),
        closes_at=when("closes_at"),
    ),
    "dispute_nothing_shipped": say(N_("Nothing in this order has shipped yet.")),
    "dispute_all_delivered": say(N_("Everything that shipped was delivered.")),
    "dispute_nothing_delivered": say(N_("Nothing in this order has been delivered yet.")),
    "dispute_cancellation_not_rejected": say(N_("The seller did not reject that cancellation.")),
    "dispute_return_not_refused": say(
        N_("The seller neither declined that return nor reported a problem with it.")
    ),
    "dispute_refund_arrived": say(N_("That refund has arrived.")),
    "dispute_refund_not_late": say(N_("That refund is not late yet.")),
    "dispute_nothing_to_return": say(N_("Nothing delivered is left to send back for a refund.")),
    "dispute_no_proposal": say(N_("There is no proposal from the other side to accept.")),
    "dispute_respond_by_passed": say(
        N_(
            "The time to answer ended on %(respond_by)s and the buyer's request was carried "
            "out automatically."
        ),
        respond_by=when("respond_by"),
    ),
    "dispute_escalate_at_passed": say(
        N_("Negotiation ended on %(escalate_at)s and the dispute went to support."),
        escalate_at=when("escalate_at"),
    ),
    "dispute_appeal_by_passed": say(
        N_("The time to appeal ended on %(appeal_by)s; the decision is final."),
        appeal_by=when("appeal_by"),
    ),
    "dispute_appeal_same_agent": say(
        N_("An appeal is decided by a different agent than the one who decided.")
    ),
    "dispute_info_answered": say(N_("This request was already answered.")),
    "dispute_info_due_passed": say(N_("The answer was due by %(due_at)s."), due_at=when("due_at")),
    "dispute_info_not_yours": say(N_("This question was asked of the other side.")),
    "dispute_not_at_step": say(N_("This dispute cannot do that now (it is %(status)s).")),
    "dispute_not_party": say(N_("Only the buyer and the store's sellers take part here.")),
    "dispute_not_buyer": say(N_("Only the buyer of the order can do this.")),
    "dispute_not_seller": say(N_("Only the store's sellers answer this dispute.")),
    "dispute_not_support": say(N_("Only support agents can do this.")),
    "illegal_transition.dispute": say(N_("This dispute cannot go from %(current)s to %(target)s.")),
}

BLOCKERS: dict[str, Sentence] = {
    # the guide's closed dispute paths: the same refusals as the actions'
    key: ERRORS[key]
    for key in (
        "dispute_already_open",
        "dispute_already_settled",
        "dispute_window_not_open",
        "dispute_window_closed",
        "dispute_nothing_shipped",
        "dispute_all_delivered",
        "dispute_nothing_delivered",
        "dispute_cancellation_not_rejected",
        "dispute_return_not_refused",
        "dispute_refund_arrived",
        "dispute_refund_not_late",
        "dispute_no_proposal",
        "dispute_appeal_by_passed",
        "dispute_respond_by_passed",
        "dispute_escalate_at_passed",
        "dispute_not_at_step",
    )
}

# The guide's dispute paths (H1), as the button or link that takes each reads.
PATH_LABELS: dict[str, str] = {
    "open_dispute": N_("Open a dispute"),
    "accept_proposal": N_("Accept the other side's proposal"),
    "escalate": N_("Ask support to decide"),
    "withdraw_dispute": N_("Withdraw the dispute"),
    "appeal": N_("Appeal the decision"),
    "respond_dispute": N_("Answer the dispute"),
    "decide_dispute": N_("Decide the dispute"),
}

TYPE_LABELS: dict[str, str] = {
    "not_received": N_("Not received"),
    "not_as_described": N_("Not as described"),
    "cancellation_refused": N_("Cancellation refused"),
    "return_refused": N_("Return refused"),
    "refund_not_received": N_("Refund not received"),
}

WANTED_LABELS: dict[str, str] = {
    "full_refund": N_("Full refund"),
    "partial_refund": N_("Partial refund"),
    "return_and_refund": N_("Return and refund"),
}

OUTCOME_LABELS: dict[str, str] = {
    "full_refund": N_("Full refund"),
    "partial_refund": N_("Partial refund"),
    "refund_after_return": N_("Refund after return"),
    "no_refund": N_("No refund"),
}

STATUS_LABELS: dict[str, str] = {
    "awaiting_seller": N_("Waiting for the seller"),
    "negotiating": N_("Negotiating"),
    "escalated": N_("With support"),
    "decided": N_("Decided"),
    "appealed": N_("Appealed"),
    "resolved": N_("Resolved"),
    "withdrawn": N_("Withdrawn"),
}
