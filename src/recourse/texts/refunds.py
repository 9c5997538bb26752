"""Sentences of refunds: error keys and blockers (see `recourse.texts`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from recourse.i18n import N_, Words
from recourse.texts.core import Fact, Sentence, day, label, money, say, when

# A refund's ledger state, inside a sentence ('The refund is pending; …').
REFUND_STATES: dict[str, str] = {
    "pending": N_("pending"),
    "processing": N_("processing"),
    "succeeded": N_("succeeded"),
    "failed": N_("failed"),
}


def state(name: str) -> Fact:
    """A refund's status code, as a word of the reader's language."""
    return lambda words, facts: label(REFUND_STATES, str(facts.get(name) or ""), words)


def quoted(name: str) -> Fact:
    """A name or code as typed, in quotes (Python's repr: 'Mug', "Kid's mug")."""
    return lambda words, facts: repr(facts.get(name))


def _number(name: str) -> Fact:
    return lambda words, facts: words.number(int(facts.get(name) or 0))


def _decimals_allowed(words: Words, facts: Mapping[str, Any]) -> str:
    """Support typed more decimals than the order's currency has."""
    params = {
        "currency": facts.get("currency"),
        "typed": facts.get("typed"),
        "decimals": facts.get("decimals"),
        "example": facts.get("example"),
    }
    digits = int(facts.get("digits") or 0)
    if digits == 0:
        return words._(
            "%(currency)s amounts have no decimals; %(typed)s has %(decimals)s. "
            "For example %(example)s.",
            **params,
        )
    return words.ngettext(
        "%(currency)s amounts have at most %(num)d decimal; %(typed)s has %(decimals)s. "
        "For example %(example)s.",
        "%(currency)s amounts have at most %(num)d decimals; %(typed)s has %(decimals)s. "
        "For example %(example)s.",
        digits,
        **params,
    )


ERRORS: dict[str, Sentence] = {
    # The ledger (F1-F4)
    "refund.not_found": say(N_("No refund %(refund_id)s.")),
    "refunds.order_not_found": say(N_("No order %(order_id)s.")),
    "refund.reason_unknown": say(N_("Choose the reason for the refund from the list.")),
    "refund.note_needed": say(N_("Say what the refund is for: the reason 'other' needs a note.")),
    "refund.quantity_too_small": say(N_("Quantity must be at least 1.")),
    "refund.amount_not_positive": say(N_("The amount must be a positive number of minor units.")),
    "illegal_transition.refund": say(
        N_("A refund cannot go from %(current)s to %(target)s."),
        current=state("current"),
        target=state("target"),
    ),
    "refund_not_retryable": say(
        N_("The refund is %(status)s; only failed or stuck refunds can be retried."),
        status=state("status"),
    ),
    "units_already_refunded": say(
        N_("Only %(refundable_units)s unit(s) of %(title)s can still be refunded."),
        title=quoted("title"),
    ),
    "nothing_to_refund": say(N_("There is nothing to refund.")),
    "refund_exceeds_captured": say(
        N_("The refund would exceed what is left of the captured payment.")
    ),
    "currency_is_not_the_orders": say(
        N_("The order is paid in %(order_currency)s; refunds are in %(order_currency)s.")
    ),
    "refund_changed": say(
        N_("The refund changed while the gateway was asked about it; look at it again.")
    ),
    "refund_not_failed_at_gateway": say(
        N_(
            "The payment gateway reports this refund %(gateway_status)s, so it is not sent "
            "again; the ledger now says so too."
        ),
        gateway_status=state("gateway_status"),
    ),
    # Settlement profiles (F5)
    "settlement.unknown_method": say(
        N_("Unknown payment method %(method)s."), method=quoted("method")
    ),
    "settlement.min_days_range": say(N_("Use 0 to 60 business days.")),
    "settlement.max_days_range": say(
        N_("Use at least min_business_days and at most 60 business days.")
    ),
    # Payment gateways (F6, T1)
    "refund.gateway_unreachable": say(
        N_(
            "The %(gateway)s gateway could not be asked about refund %(reference)s; "
            "nothing was changed. Try again shortly."
        )
    ),
    "gateway.not_configured": say(N_("The %(gateway)s gateway is not configured.")),
    "gateway.unknown": say(N_("No gateway %(gateway)s."), gateway=quoted("gateway")),
    "gateway.webhook_field_invalid": say(N_("%(field)s: %(detail)s")),
    "gateway.sandbox_signature_mismatch": say(
        N_("The Standard Webhooks signature does not match this payload: %(detail)s")
    ),
    "gateway.stripe_secret_missing": say(
        N_("Stripe webhooks cannot be verified: no Stripe webhook secret is configured.")
    ),
    "gateway.stripe_signature_mismatch": say(
        N_("The Stripe-Signature header does not match this payload: %(detail)s")
    ),
    "gateway.stripe_not_an_event": say(N_("The body is not a Stripe event: %(detail)s")),
    # Support's manual refund form
    "refund_form.amount_missing": say(N_("Enter the amount to refund, for example %(example)s.")),
    "refund_form.amount_negative": say(
        N_("Enter a positive amount: a refund pays the buyer back.")
    ),
    "refund_form.amount_not_digits": say(
        N_(
            "Enter the amount in %(currency)s as digits, with a point before any decimals, "
            "for example %(example)s."
        )
    ),
    "refund_form.too_many_decimals": _decimals_allowed,
    "refund_form.amount_too_large": say(
        N_("That amount is larger than any payment; check the digits.")
    ),
    "refund_form.amount_zero": say(N_("Enter an amount greater than zero.")),
    "refund_form.note_too_long": say(
        N_("Keep the note under %(limit)s characters."), limit=_number("limit")
    ),
}

BLOCKERS: dict[str, Sentence] = {}

__all__ = ["BLOCKERS", "ERRORS", "N_", "day", "money", "say", "when"]
