"""Errors that name the business condition; web/errors.py alone maps them to HTTP."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base: a stable `code` for programs, the `key` of the sentence people read, and the facts
    behind it. Rules speak in keys and facts; `recourse.texts` words them in the reader's
    language at the edge (STYLE 11)."""

    code = "error"

    def __init__(self, key: str, /, **facts: Any) -> None:
        super().__init__(key)
        self.key = key
        self.facts = facts

    def __str__(self) -> str:
        facts = ", ".join(f"{k}={v!r}" for k, v in self.facts.items())
        return f"{self.key} ({facts})" if facts else self.key


class NotFound(DomainError):
    """The object does not exist, or it is not the actor's to see (never say which)."""

    code = "not_found"


class InvalidInput(DomainError):
    """Malformed input: names the offending field and what is wrong with it (`key`)."""

    code = "invalid"

    def __init__(self, field: str, key: str, /, **facts: Any) -> None:
        super().__init__(key, field=field, **facts)
        self.field = field


class RuleConflict(DomainError):
    """The request is well-formed but a business rule or the current state forbids it; the
    code names the rule and is the sentence's key."""

    code = "conflict"

    def __init__(self, code: str, /, **facts: Any) -> None:
        super().__init__(code, **facts)
        self.code = code


class IllegalTransition(RuleConflict):
    def __init__(self, machine: str, current: str, target: str) -> None:
        super().__init__("illegal_transition", current=current, target=target)
        self.key = f"illegal_transition.{machine}"  # the sentence names the machine


class NotAllowed(DomainError):
    """The actor may see the object but not do this to it."""

    code = "forbidden"


class Unauthenticated(DomainError):
    code = "unauthenticated"


class TooManyAttempts(DomainError):
    code = "too_many_attempts"


class InvalidSignature(DomainError):
    """A webhook whose signature does not check out did not come from who it claims."""

    code = "invalid_signature"


class GatewayUnreachable(DomainError):
    """The payment gateway could not be asked about a refund: nothing changed; try again."""

    code = "gateway_unavailable"
