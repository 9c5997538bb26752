"""Sentences of accounts: error keys and blockers (see `recourse.texts`): users, roles, sign-in,
sessions, API tokens and passwords."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from recourse.domain.accounts import NAME_MAX
from recourse.i18n import N_, Words
from recourse.texts.core import Fact, Sentence, day, money, say, when


def quoted(name: str) -> Fact:
    """A value as the API quotes it: 'Europe/Nowhere' (Python's repr of the text)."""
    return lambda words, facts: repr(facts.get(name))


def _minutes(facts: Mapping[str, Any]) -> int:
    """T5: how long to wait, in whole minutes (from `retry_after`, in seconds)."""
    return int(facts.get("retry_after") or 0) // 60


def _too_many_for_account(words: Words, facts: Mapping[str, Any]) -> str:
    return words.ngettext(
        "Too many failed sign-ins for this account. Wait %(num)d minute and try again.",
        "Too many failed sign-ins for this account. Wait %(num)d minutes and try again.",
        _minutes(facts),
    )


def _too_many_for_client(words: Words, facts: Mapping[str, Any]) -> str:
    return words.ngettext(
        "Too many failed sign-ins from your network address. Wait %(num)d minute and try again.",
        "Too many failed sign-ins from your network address. Wait %(num)d minutes and try again.",
        _minutes(facts),
    )


ERRORS: dict[str, Sentence] = {
    # Who may do what (§1).
    "operator_only.create_users": say(N_("Only the marketplace operator creates users.")),
    "operator_only.create_stores": say(N_("Only the marketplace operator creates stores.")),
    "operator_only.ingest_orders": say(N_("Only the marketplace operator ingests orders.")),
    "operator_only.report_payments": say(N_("Only the marketplace operator reports payments.")),
    "operator_only.report_parcel_events": say(
        N_("Only the marketplace's carrier feed reports parcel events.")
    ),
    "operator_only.change_platform_settings": say(
        N_("Only the marketplace operator changes platform settings.")
    ),
    "operator_only.change_settlement_profiles": say(
        N_("Only the marketplace operator changes settlement profiles.")
    ),
    "operator_only.edit_reasons": say(
        N_("Only the marketplace operator edits the reason catalogue.")
    ),
    "operator_only.manage_webhooks": say(
        N_("Webhooks are managed with the marketplace operator's token.")
    ),
    "cancel_not_party": say(N_("Only the buyer or the store's staff can cancel this order.")),
    "answer_cancellation_not_staff": say(
        N_("Only the store's staff can answer a cancellation request.")
    ),
    "withdraw_cancellation_not_buyer": say(
        N_("Only the buyer can withdraw their cancellation request.")
    ),
    "ship_not_staff": say(N_("Only the store's staff can ship this order.")),
    "manual_refund_not_support": say(N_("Only support agents issue manual refunds.")),
    "retry_refund_not_support": say(N_("Only support agents retry refunds.")),
    "policy_not_staff": say(N_("Only the store's staff or the operator may change its policy.")),
    "operator_token_only": say(N_("This endpoint is for the marketplace operator's token.")),
    # Users (T3).
    "email_invalid": say(N_("Enter a valid email address.")),
    "email_taken": say(N_("A user with this email already exists.")),
    "user_email_unknown": say(N_("No user with email %(email)s."), email=quoted("email")),
    "user_not_found": say(N_("No user %(user_id)s.")),
    "name_control_characters": say(
        N_("A name cannot contain line breaks, tabs or other control characters.")
    ),
    "name_missing": say(N_("Enter a name.")),
    "name_too_long": say(
        N_("The name is too long (%(max)s characters at most)."),
        max=lambda words, facts: str(NAME_MAX),
    ),
    "country_code_invalid": say(N_("Use a two-letter ISO 3166 country code, such as DE.")),
    "role_operator_not_a_user": say(N_("Operators use API tokens, not user accounts.")),
    "role_system_not_a_user": say(N_("The system acts on its own; it has no user account.")),
    "seller_without_store": say(N_("A seller belongs to at least one store.")),
    "store_member_not_seller": say(N_("Only sellers belong to stores.")),
    "member_store_not_found": say(N_("There is no store %(store_id)s.")),
    "timezone_unknown": say(
        N_("Unknown time zone %(timezone)s; use an IANA name."), timezone=quoted("timezone")
    ),
    "locale_invalid": say(N_("Use a language tag such as en, de or pt_BR.")),
    # Passwords, sign-in and sessions (T4, T5).
    "password_too_short": say(N_("The password needs at least 8 characters.")),
    "password_too_long": say(N_("The password is too long (256 characters at most).")),
    "sign_in_failed": say(N_("That email and password do not match an account.")),
    "too_many_sign_ins.account": _too_many_for_account,
    "too_many_sign_ins.client": _too_many_for_client,
    "csrf_invalid": say(
        N_("The form expired or came from elsewhere. Reload the page and try again.")
    ),
    # API tokens (§12).
    "api_token_missing": say(N_("Send an API token: Authorization: Bearer <token>.")),
    "api_token_invalid": say(N_("The API token is missing, unknown or revoked.")),
    "api_token_user_gone": say(N_("The API token's user no longer exists.")),
}

BLOCKERS: dict[str, Sentence] = {}

__all__ = ["BLOCKERS", "ERRORS", "N_", "day", "money", "quoted", "say", "when"]
