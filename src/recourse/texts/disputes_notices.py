"""Sentences of what a dispute tells (D1-D7, M2, M3): each in-app notification kind's title and
body, worded from the facts it was stored with, and what each `dispute.*` webhook event means.
The emails' words are in their templates (integrations/templates/email/dispute_*)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from recourse.i18n import N_, Words
from recourse.texts.core import Sentence, say, when

ERRORS: dict[str, Sentence] = {
    # the API's own check of support's due date against the clock (D5)
    "dispute_info_due_passed_already": say(
        N_("Choose a due date after now (%(now)s)."), now=when("now")
    ),
}

BLOCKERS: dict[str, Sentence] = {}

EVENT_DESCRIPTIONS: dict[str, str] = {
    "dispute.opened": N_(
        "A buyer opened a dispute; carries its type, what they want and respond-by."
    ),
    "dispute.responded": N_("The seller accepted the buyer's request or made a counter-proposal."),
    "dispute.escalated": N_("A dispute went to support (asked for, or negotiation ran out)."),
    "dispute.info_requested": N_("Support asked one side of a dispute for more, with a due date."),
    "dispute.decided": N_("Support decided a dispute, with its outcome, amount and rationale."),
    "dispute.appealed": N_("A side appealed a dispute's decision; a different agent decides."),
    "dispute.resolved": N_("A dispute ended: accepted, agreed, by silence, or decided for good."),
    "dispute.withdrawn": N_("The buyer withdrew a dispute."),
}
"""What each `dispute.*` webhook event type means (services.events.EVENT_TYPES)."""


def wanted_words(words: Words, wanted: object, amount: object) -> str:
    """D2-D4: what a side asks for or offers, in the reader's words."""
    if wanted == "partial_refund" and isinstance(amount, Mapping):
        return words._(N_("a partial refund of %(amount)s"), amount=words.money(amount))
    if wanted == "return_and_refund":
        return words._(N_("return the items for a refund"))
    return words._(N_("a full refund"))


def outcome_words(words: Words, outcome: object, amount: object) -> str:
    """D5: what support decided, in the reader's words."""
    if outcome == "partial_refund" and isinstance(amount, Mapping):
        return words._(N_("a partial refund of %(amount)s"), amount=words.money(amount))
    if outcome == "refund_after_return":
        return words._(N_("a refund once the items are returned"))
    if outcome == "no_refund":
        return words._(N_("no refund"))
    return words._(N_("a full refund"))


def _proposal_body(words: Words, facts: Mapping[str, Any]) -> str:
    what = wanted_words(words, facts.get("wanted"), facts.get("amount"))
    if facts.get("by") == "seller":
        return words._(
            N_(
                "The seller offers %(wanted)s. Accept it, make a proposal of your own, or ask "
                "our support team to decide."
            ),
            wanted=what,
        )
    return words._(
        N_("The buyer asks for %(wanted)s. Accept it, or ask our support team to decide."),
        wanted=what,
    )


def _info_answered_title(words: Words, facts: Mapping[str, Any]) -> str:
    if facts.get("party") == "seller":
        return words._(
            N_("Dispute #%(dispute_id)s: the seller answered your question"),
            dispute_id=facts.get("dispute_id"),
        )
    return words._(
        N_("Dispute #%(dispute_id)s: the buyer answered your question"),
        dispute_id=facts.get("dispute_id"),
    )


def _answer(words: Words, facts: Mapping[str, Any]) -> str:
    return str(facts.get("answer") or "")


def _decided_title(words: Words, facts: Mapping[str, Any]) -> str:
    if facts.get("appeal"):
        return words._(
            N_("Order #%(order_id)s: support decided the appeal"), order_id=facts.get("order_id")
        )
    return words._(
        N_("Order #%(order_id)s: support decided the dispute"), order_id=facts.get("order_id")
    )


def _decided_body(words: Words, facts: Mapping[str, Any]) -> str:
    return words._(
        N_("Decided: %(outcome)s. Their reasons: %(rationale)s"),
        outcome=outcome_words(words, facts.get("outcome"), facts.get("amount")),
        rationale=str(facts.get("rationale") or ""),
    )


RESOLUTIONS: dict[str, str] = {
    "seller_accepted": N_("The seller accepted the buyer's request; it is carried out."),
    "seller_silent": N_(
        "The seller did not answer in time, so the buyer's request is carried out."
    ),
    "agreed": N_("The buyer and the seller agreed; it is carried out."),
    "decided": N_("Nobody appealed in time: support's decision is final."),
    "appeal_decided": N_("The appeal is decided: the decision is final."),
}
"""How a dispute ended (domain.disputes.Resolution), as the in-app notice says it."""


def _resolved_body(words: Words, facts: Mapping[str, Any]) -> str:
    msgid = RESOLUTIONS.get(str(facts.get("resolution") or ""))
    return words._(msgid) if msgid else ""


# a reminder names the deadline it comes before (the reminder's own name is accepted too)
RESPOND_DEADLINES = frozenset({"dispute.respond_by", "dispute.respond_reminder"})
INFO_DEADLINES = frozenset({"dispute.info_due", "dispute.info_reminder"})
APPEAL_DEADLINES = frozenset({"dispute.appeal_by", "dispute.appeal_reminder"})


def _reminder_title(words: Words, facts: Mapping[str, Any]) -> str:
    if facts.get("deadline") in INFO_DEADLINES:
        return words._(
            N_("Order #%(order_id)s: answer support's question"), order_id=facts.get("order_id")
        )
    if facts.get("deadline") in RESPOND_DEADLINES:
        return words._(
            N_("Order #%(order_id)s: answer the dispute"), order_id=facts.get("order_id")
        )
    if facts.get("deadline") in APPEAL_DEADLINES:
        return words._(
            N_("Order #%(order_id)s: support's decision becomes final soon"),
            order_id=facts.get("order_id"),
        )
    return words._(
        N_("Order #%(order_id)s: the dispute goes to support soon"), order_id=facts.get("order_id")
    )


def _reminder_body(words: Words, facts: Mapping[str, Any]) -> str:
    due = words.when(facts.get("due_at"))
    if facts.get("deadline") in INFO_DEADLINES:
        return words._(
            N_("Answer by %(due_at)s, or support decides with what they have."), due_at=due
        )
    if facts.get("deadline") in RESPOND_DEADLINES:
        return words._(
            N_("Answer by %(due_at)s, or the buyer's request is carried out automatically."),
            due_at=due,
        )
    if facts.get("deadline") in APPEAL_DEADLINES:
        return words._(
            N_("You can appeal support's decision until %(due_at)s; after that it is final."),
            due_at=due,
        )
    return words._(
        N_("If you have not agreed by %(due_at)s, our support team decides."), due_at=due
    )


NOTICES: dict[str, tuple[Sentence, Sentence]] = {
    "dispute.opened": (
        say(N_("Order #%(order_id)s: the buyer opened a dispute")),
        say(
            N_(
                "Accept, or make a counter-proposal, by %(respond_by)s; without an answer the "
                "buyer's request is carried out automatically."
            ),
            respond_by=when("respond_by"),
        ),
    ),
    "dispute.proposal": (
        say(N_("Order #%(order_id)s: a new proposal in the dispute")),
        _proposal_body,
    ),
    "dispute.escalated": (
        say(N_("Order #%(order_id)s: the dispute went to support")),
        say(
            N_("Our support team decides by %(sla_due_at)s."),
            sla_due_at=when("sla_due_at"),
        ),
    ),
    "dispute.assigned": (
        say(N_("Dispute #%(dispute_id)s is yours")),
        say(
            N_("Order #%(order_id)s: decide by %(sla_due_at)s."),
            sla_due_at=when("sla_due_at"),
        ),
    ),
    "dispute.info_requested": (
        say(N_("Order #%(order_id)s: support asks you a question")),
        say(
            N_("Answer by %(due_at)s: %(question)s"),
            due_at=when("due_at"),
        ),
    ),
    "dispute.info_answered": (_info_answered_title, _answer),
    "dispute.info_overdue": (
        say(N_("Dispute #%(dispute_id)s: no answer by the due date")),
        say(N_("The question was not answered in time; decide with what you have.")),
    ),
    "dispute.decided": (_decided_title, _decided_body),
    "dispute.appealed": (
        say(N_("Order #%(order_id)s: the decision was appealed")),
        say(N_("A different agent of our support team decides the appeal.")),
    ),
    "dispute.resolved": (
        say(N_("Order #%(order_id)s: the dispute is settled")),
        _resolved_body,
    ),
    "dispute.withdrawn": (
        say(N_("Order #%(order_id)s: the buyer withdrew the dispute")),
        say(N_("Nothing more is needed from you.")),
    ),
    "dispute.reminder": (_reminder_title, _reminder_body),
}
"""Each dispute notification kind's title and body, from the facts it was stored with."""
