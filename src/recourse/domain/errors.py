"""Errors that name the business condition; web/errors.py alone maps them to HTTP."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base: a stable `code`, a sentence for people, and the facts behind it."""

    code = "error"

    def __init__(self, message: str, **facts: Any) -> None:
        super().__init__(message)
        self.message = message
        self.facts = facts


class NotFound(DomainError):
    """The object does not exist, or it is not the actor's to see (never say which)."""

    code = "not_found"


class InvalidInput(DomainError):
    """Malformed input: names the offending field."""

    code = "invalid"

    def __init__(self, field: str, message: str, **facts: Any) -> None:
        super().__init__(message, field=field, **facts)
        self.field = field


class RuleConflict(DomainError):
    """The request is well-formed but a business rule or the current state forbids it."""

    code = "conflict"

    def __init__(self, code: str, message: str, **facts: Any) -> None:
        super().__init__(message, **facts)
        self.code = code


class IllegalTransition(RuleConflict):
    def __init__(self, machine: str, current: str, target: str) -> None:
        super().__init__(
            "illegal_transition",
            f"A {machine} cannot go from {current} to {target}.",
            current=current,
            target=target,
        )


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
