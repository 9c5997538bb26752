"""Sentences of platform: error keys and blockers (see `recourse.texts`): orders and their
ingest, payments, shipments, stores and their policies, reasons, webhooks, and the API's own
words about the fields of a request."""

from __future__ import annotations

from collections.abc import Mapping
from ipaddress import ip_address
from typing import Any

from recourse.domain.policy import WINDOW_LIMITS
from recourse.i18n import ENGLISH, N_, Words
from recourse.services.webhooks import MAX_DESCRIPTION, MAX_URL
from recourse.texts.accounts import quoted
from recourse.texts.core import Fact, Sentence, day, money, say, when


def number(name: str) -> Fact:
    """A whole number as the reader groups its digits: 1,000,000 / 1.000.000."""
    return lambda words, facts: words.number(int(facts.get(name) or 0))


def constant(value: object) -> Fact:
    """A fixed bound the sentence states, not a fact of the error."""
    return lambda words, facts: str(value)


def _setting(words: Words, facts: Mapping[str, Any]) -> str:
    """The policy field at fault, from the error's `field` ('policy.processing_days')."""
    return str(facts.get("field", "")).removeprefix("policy.")


def _reason_not_available(words: Words, facts: Mapping[str, Any]) -> str:
    reason = repr(facts.get("reason"))
    actor = facts.get("actor")
    if actor == "buyer":
        return words._(N_("%(reason)s is not a reason a buyer can give."), reason=reason)
    if actor == "seller":
        return words._(N_("%(reason)s is not a reason a seller can give."), reason=reason)
    return words._(
        N_("%(reason)s is not a reason a %(actor)s can give."), reason=reason, actor=actor
    )


# Webhook addresses (T2): why one is refused.
WHOLE_URL = N_("Give an http:// or https:// URL, e.g. https://shop.example/webhooks.")
ADDRESS_KINDS = {
    "loopback": N_("a loopback address (this machine)"),
    "private": N_("a private network address"),
    "link_local": N_("a link-local address (such as a cloud metadata service)"),
    "multicast": N_("a multicast address"),
    "unspecified": N_("the unspecified address"),
    "shared": N_("a carrier-grade NAT address"),
    "reserved": N_("a reserved or special-purpose address"),
}


def _spells(host: str, address: str) -> bool:
    """Whether `host` is `address` in its usual notation (not `0x7f000001` for 127.0.0.1)."""
    try:
        return ip_address(host.removeprefix("[").removesuffix("]")) == ip_address(address)
    except ValueError:
        return False


def url_refusal(words: Words, facts: Mapping[str, Any]) -> str:
    """T2 in a sentence, from `services.webhooks.refusal_facts`."""
    reason, host = facts.get("reason"), str(facts.get("host") or "")
    if reason == "scheme" or not host:
        return words._(WHOLE_URL)
    if reason == "credentials":
        return words._(
            N_(
                "Leave user names and passwords out of the URL; receivers check the "
                "webhook-signature header instead."
            )
        )
    if reason == "host":
        return words._(
            N_("Give a host name such as shop.example or a public IP address, not %(host)s."),
            host=repr(host),
        )
    kind = words._(ADDRESS_KINDS[str(reason)])
    address = facts.get("address")
    if not address or _spells(host, str(address)):
        subject = words._(N_("%(host)s is %(kind)s"), host=host, kind=kind)
    elif facts.get("resolved"):
        subject = words._(
            N_("%(host)s resolves to %(address)s, %(kind)s"), host=host, address=address, kind=kind
        )
    else:
        subject = words._(
            N_("%(host)s is %(address)s, %(kind)s"), host=host, address=address, kind=kind
        )
    return words._(N_("Webhooks go only to public addresses: %(subject)s."), subject=subject)


ERRORS: dict[str, Sentence] = {
    # Orders and their ingest (§2).
    "order_not_found": say(N_("No order %(order_id)s.")),
    "order_without_lines": say(N_("An order needs at least one line.")),
    "shipping_fee_negative": say(N_("The shipping fee cannot be negative.")),
    "unit_price_negative": say(N_("The unit price cannot be negative.")),
    "discount_negative": say(N_("The discount cannot be negative.")),
    "tax_negative": say(N_("The tax cannot be negative.")),
    "shipping_fee_too_large": say(N_("The shipping fee is more than %(max)s."), max=number("max")),
    "unit_price_too_large": say(N_("The unit price is more than %(max)s."), max=number("max")),
    "discount_too_large": say(N_("The discount is more than %(max)s."), max=number("max")),
    "tax_too_large": say(N_("The tax is more than %(max)s."), max=number("max")),
    "quantity_below_one": say(N_("Quantity must be at least 1.")),
    "quantity_too_large": say(N_("At most %(max)s units of one line."), max=number("max")),
    "discount_exceeds_line": say(
        N_("The discount is larger than the line (unit price x quantity).")
    ),
    "sku_empty": say(N_("The SKU cannot be empty.")),
    "sku_twice": say(N_("SKU %(sku)s appears twice; merge the lines."), sku=quoted("sku")),
    "order_total_too_large": say(
        N_("The order's total would be %(total)s, more than %(max)s (minor units)."),
        total=number("total"),
        max=number("max"),
    ),
    "line_not_on_order": say(N_("Line %(line_id)s is not on this order.")),
    # Payments (§2, C2).
    "payment_state": say(N_("The payment is %(current)s; it cannot become %(target)s.")),
    "order_cancelled": say(N_("The order is cancelled; it cannot be paid.")),
    "payment_window_closed": say(
        N_("The payment window has closed and the order is cancelled; refund the payment.")
    ),
    "captured_without_amount": say(N_("A captured payment needs the amount captured.")),
    "amount_is_not_the_total": say(N_("The captured amount must equal the order total.")),
    "captured_without_reference": say(N_("A captured payment needs the gateway reference.")),
    # Shipments and carrier events (C9).
    "not_paid": say(N_("The order is not paid yet; it cannot be shipped.")),
    "carrier_missing": say(N_("Name the carrier.")),
    "tracking_number_missing": say(N_("Enter the tracking number.")),
    "ship_no_lines": say(N_("Choose at least one line to ship.")),
    "ship_line_twice": say(N_("The same line is listed twice.")),
    "quantity_not_shippable": say(
        N_("Only %(shippable)s of %(title)s can still ship."), title=quoted("title")
    ),
    "shipment_not_found": say(N_("No shipment %(shipment_id)s.")),
    "illegal_transition.parcel": say(N_("A parcel cannot go from %(current)s to %(target)s.")),
    "event_in_the_future": say(N_("The event time is in the future.")),
    "event_before_shipment": say(N_("The event time is before the parcel was shipped.")),
    "time_without_offset": say(N_("Give the time with a UTC offset, e.g. 2026-03-02T10:00:00Z.")),
    # Stores and their policies (§9, P).
    "store_not_found": say(N_("No such store.")),
    "store_id_not_found": say(N_("No store %(store_id)s.")),
    "store_name_missing": say(N_("Enter the store's name.")),
    "policy_field_unknown": say(
        N_("Unknown policy field %(setting)s."),
        setting=lambda words, facts: repr(_setting(words, facts)),
    ),
    "policy_buyer_cancel_choice": say(N_("buyer_cancel must be 'instant' or 'approval'.")),
    "policy_not_boolean": say(N_("%(setting)s must be true or false."), setting=_setting),
    "policy_not_whole": say(N_("%(setting)s must be a whole number."), setting=_setting),
    "policy_out_of_range": say(
        N_("%(setting)s must be between %(min)s and %(max)s."), setting=_setting
    ),
    # The operator's platform-wide windows.
    "platform_setting_unknown": say(
        N_("Unknown platform setting %(field)s."), field=quoted("field")
    ),
    "platform_setting_out_of_range": say(
        N_("%(field)s must be a whole number from %(min)s to %(max)s."),
        min=constant(WINDOW_LIMITS[0]),
        max=constant(WINDOW_LIMITS[1]),
    ),
    # Reasons (C5).
    "reason_not_available": _reason_not_available,
    "note_required": say(N_("Tell us a little more: this reason needs a note.")),
    "reason_code_invalid": say(N_("Use lowercase letters, digits and underscores (max 64).")),
    "reason_label_missing": say(N_("Give the reason a label people will read.")),
    "reason_actor_invalid": say(N_("The actor is buyer or seller.")),
    "reason_fault_invalid": say(N_("The fault is buyer, seller or none.")),
    "reason_exists": say(N_("A reason %(reason)s already exists."), reason=quoted("reason")),
    "reason_not_found": say(N_("No reason %(reason)s."), reason=quoted("reason")),
    # Notifications (M2).
    "notification_not_found": say(N_("No notification %(notification_id)s.")),
    # Webhooks (M3, T2).
    "webhook_events_missing": say(N_("Subscribe to at least one event type, or to '*'.")),
    "webhook_event_unknown": say(
        N_(
            "Unknown event type %(event_type)s. Choose from the catalogue, a family such as "
            "'refund.*', or '*'."
        ),
        event_type=quoted("event_type"),
    ),
    "webhook_url_invalid": say(WHOLE_URL),
    "webhook_url_too_long": say(
        N_("Keep the URL under %(max)s characters."), max=constant(MAX_URL)
    ),
    "webhook_url_refused": url_refusal,
    "webhook_description_too_long": say(
        N_("Keep the description under %(max)s characters."), max=constant(MAX_DESCRIPTION)
    ),
    "webhook_endpoint_not_found": say(N_("No webhook endpoint %(endpoint_id)s.")),
    "webhook_event_not_found": say(N_("No event %(event_id)s.")),
    "webhook_delivery_not_found": say(N_("No webhook delivery %(delivery_id)s.")),
    "endpoint_disabled": say(
        N_("The endpoint is disabled; enable it before replaying its deliveries.")
    ),
}

BLOCKERS: dict[str, Sentence] = {}


# -- The API's words about a request's fields (422) ---------------------------------------------
# A check of the API's own (web/api/fields.py), or one of pydantic's, by its error type; the
# numbers come from pydantic's `ctx`. Each says in English exactly what pydantic says (an error
# whose English would differ keeps pydantic's sentence).


def _at_most_characters(words: Words, ctx: Mapping[str, Any]) -> str:
    return words.ngettext(
        "String should have at most %(num)d character",
        "String should have at most %(num)d characters",
        int(ctx["max_length"]),
    )


def _at_least_characters(words: Words, ctx: Mapping[str, Any]) -> str:
    return words.ngettext(
        "String should have at least %(num)d character",
        "String should have at least %(num)d characters",
        int(ctx["min_length"]),
    )


def _at_least_items(words: Words, ctx: Mapping[str, Any]) -> str:
    return words.ngettext(
        "List should have at least %(num)d item after validation, not %(actual)s",
        "List should have at least %(num)d items after validation, not %(actual)s",
        int(ctx["min_length"]),
        actual=ctx["actual_length"],
    )


def _at_most_items(words: Words, ctx: Mapping[str, Any]) -> str:
    return words.ngettext(
        "List should have at most %(num)d item after validation, not %(actual)s",
        "List should have at most %(num)d items after validation, not %(actual)s",
        int(ctx["max_length"]),
        actual=ctx["actual_length"],
    )


def _one_of(words: Words, ctx: Mapping[str, Any]) -> str:
    """'a', 'b' or 'c': the choices pydantic lists, joined in the reader's words."""
    expected = str(ctx["expected"])
    head, sep, last = expected.rpartition(" or ")
    if sep:
        expected = words._(N_("%(choices)s or %(last)s"), choices=head, last=last)
    return words._(N_("Input should be %(expected)s"), expected=expected)


def _say_ctx(msgid: str) -> Sentence:
    return lambda words, ctx: words._(msgid, **ctx)


FIELD_PROBLEMS: dict[str, Sentence] = {
    # The API's own checks (web/api/fields.py).
    "control_character": _say_ctx(
        N_("Remove the control character U+%(code)s (character %(position)s).")
    ),
    "blank": _say_ctx(N_("Enter some text, not only spaces.")),
    "email": _say_ctx(N_("Enter one email address, such as ana@example.com.")),
    "locale": _say_ctx(N_("Use a language tag such as en, de or pt_BR.")),
    "time_zone": _say_ctx(N_("Use an IANA time zone name, such as Europe/Berlin or UTC.")),
    "country_case": _say_ctx(N_("Country codes are upper case: %(upper)s.")),
    "country": _say_ctx(N_("Use the ISO 3166-1 alpha-2 code of a country, such as DE or FR.")),
    "currency_case": _say_ctx(N_("Currency codes are upper case: %(upper)s.")),
    "currency": _say_ctx(
        N_(
            "Use the ISO 4217 code of a currency in use, such as EUR or JPY (not XXX, XTS, "
            "metals, units of account or withdrawn currencies)."
        )
    ),
    # Pydantic's.
    "missing": _say_ctx(N_("Field required")),
    "extra_forbidden": _say_ctx(N_("Extra inputs are not permitted")),
    "string_type": _say_ctx(N_("Input should be a valid string")),
    "int_type": _say_ctx(N_("Input should be a valid integer")),
    "int_parsing": _say_ctx(
        N_("Input should be a valid integer, unable to parse string as an integer")
    ),
    "int_from_float": _say_ctx(
        N_("Input should be a valid integer, got a number with a fractional part")
    ),
    "float_type": _say_ctx(N_("Input should be a valid number")),
    "float_parsing": _say_ctx(
        N_("Input should be a valid number, unable to parse string as a number")
    ),
    "finite_number": _say_ctx(N_("Input should be a finite number")),
    "bool_type": _say_ctx(N_("Input should be a valid boolean")),
    "bool_parsing": _say_ctx(N_("Input should be a valid boolean, unable to interpret input")),
    "list_type": _say_ctx(N_("Input should be a valid list")),
    "dict_type": _say_ctx(N_("Input should be a valid dictionary")),
    "model_attributes_type": _say_ctx(
        N_("Input should be a valid dictionary or object to extract fields from")
    ),
    "datetime_type": _say_ctx(N_("Input should be a valid datetime")),
    "greater_than": _say_ctx(N_("Input should be greater than %(gt)s")),
    "greater_than_equal": _say_ctx(N_("Input should be greater than or equal to %(ge)s")),
    "less_than": _say_ctx(N_("Input should be less than %(lt)s")),
    "less_than_equal": _say_ctx(N_("Input should be less than or equal to %(le)s")),
    "string_too_long": _at_most_characters,
    "string_too_short": _at_least_characters,
    "string_pattern_mismatch": _say_ctx(N_("String should match pattern '%(pattern)s'")),
    "too_short": _at_least_items,
    "too_long": _at_most_items,
    "enum": _one_of,
    "literal_error": _one_of,
}


def field_problem(words: Words, error: Mapping[str, Any]) -> str:
    """What is wrong with one field of a request (one of pydantic's errors), in the reader's
    words; pydantic's own sentence for a check we have no words for."""
    said = str(error.get("msg", "invalid"))
    sentence = FIELD_PROBLEMS.get(str(error.get("type")))
    if sentence is None:
        return said
    ctx = error.get("ctx") or {}
    try:
        if sentence(ENGLISH, ctx) != said:  # pydantic's words changed: keep them
            return said
        return sentence(words, ctx)
    except (KeyError, TypeError, ValueError):
        return said


def invalid_json(words: Words, detail: str, at: object) -> str:
    """A body that is not JSON; `detail` is the parser's own (English) reason."""
    return words._(N_("Invalid JSON: %(detail)s at character %(at)s"), detail=detail, at=at)


__all__ = [
    "BLOCKERS",
    "ERRORS",
    "FIELD_PROBLEMS",
    "N_",
    "day",
    "field_problem",
    "invalid_json",
    "money",
    "say",
    "url_refusal",
    "when",
]
