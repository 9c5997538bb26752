"""Disputes (§5): the API's request bodies, whose schemas say what the rules say (a partial
refund names its amount, each type names its own case, acting for a party needs a note)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, TypedDict, get_args

from pydantic import ConfigDict, Field, StrictBool

from recourse.domain.dispute_rules import DESCRIPTION_MAX, NOTE_MAX
from recourse.domain.disputes import Party
from recourse.domain.errors import NotAllowed
from recourse.domain.evidence import EvidenceLimits
from recourse.domain.roles import Actor, Role
from recourse.web.api.fields import FILLED_PROSE, Amount, BodyId, Prose, filled, filled_in, when
from recourse.web.api.schemas import Strict

MAX_FILES = EvidenceLimits().max_files

DisputeType = Literal[
    "not_received",
    "not_as_described",
    "cancellation_refused",
    "return_refused",
    "refund_not_received",
]
Wanted = Literal["full_refund", "partial_refund", "return_and_refund"]
Counter = Literal["partial_refund", "return_and_refund"]
Outcome = Literal["full_refund", "partial_refund", "refund_after_return", "no_refund"]
PartyName = Literal["buyer", "seller"]

NULL: dict[str, Any] = {"type": "null"}


def _amount_with(field: str, value: str = "partial_refund") -> dict[str, Any]:
    """A partial refund names its amount (whole minor units above zero); nothing else does."""
    return when(
        field,
        value,
        then={"required": ["amount"], "properties": {"amount": {"type": "integer", "minimum": 1}}},
        otherwise={"properties": {"amount": NULL}},
    )


_AUDIT_NOTE_WITH_BEHALF: dict[str, Any] = {
    "if": {
        "properties": {"on_behalf": {"enum": ["buyer", "seller"]}},
        "required": ["on_behalf"],
    },
    "then": filled_in("audit_note"),
}
"""D5: acting for a party needs the agent's note (support only: 403 for anyone else)."""

SUBJECTS = {
    "cancellation_refused": "cancellation_id",
    "return_refused": "return_id",
    "refund_not_received": "refund_id",
}


def _subject_of(kind: str) -> dict[str, Any]:
    """D1: a dispute about one case names it, by the id its type takes and no other."""
    named = SUBJECTS.get(kind)
    then: dict[str, Any] = {
        "properties": {field: NULL for field in SUBJECTS.values() if field != named}
    }
    if named is not None:
        then["required"] = [named]
        then["properties"][named] = {"type": "integer"}
    return when("type", kind, then=then)


class OnBehalf(Strict):
    """D5: a support agent may act for a party, with an audit note kept on the timeline."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"allOf": [_AUDIT_NOTE_WITH_BEHALF]}
    )

    on_behalf: PartyName | None = Field(
        default=None, description="support only: the party the agent acts for"
    )
    audit_note: Prose | None = Field(
        default=None, max_length=NOTE_MAX, description="support only: needed with `on_behalf`"
    )


class DisputeIn(Strict):
    """D1/D2: the type, what the buyer wants, what happened, and evidence. A rejected
    cancellation, a refused return or a late refund is named by its id."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "allOf": [_amount_with("wanted"), *(_subject_of(t) for t in get_args(DisputeType))]
        },
    )

    type: DisputeType
    wanted: Wanted
    amount: Amount | None = Field(
        default=None, description="with partial_refund: at most what is still refundable"
    )
    description: Prose = Field(
        max_length=DESCRIPTION_MAX, json_schema_extra={"pattern": FILLED_PROSE}
    )
    file_ids: list[BodyId] = Field(
        default_factory=list,
        max_length=MAX_FILES,
        description="photos or PDFs the buyer uploaded to this order (POST /orders/{id}/files)",
    )
    cancellation_id: BodyId | None = Field(default=None, description="cancellation_refused")
    return_id: BodyId | None = Field(default=None, description="return_refused")
    refund_id: BodyId | None = Field(default=None, description="refund_not_received")


class RespondIn(OnBehalf):
    """D3: the sellers accept the buyer's request, or counter (a partial refund with its
    amount, or a return and refund)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "allOf": [
                when(
                    "action",
                    "counter",
                    then={"required": ["wanted"], "properties": {"wanted": {"type": "string"}}},
                ),
                _amount_with("wanted"),
                _AUDIT_NOTE_WITH_BEHALF,
            ]
        },
    )

    action: Literal["accept", "counter"]
    wanted: Counter | None = Field(default=None, description="needed with `counter`")
    amount: Amount | None = Field(default=None, description="with partial_refund")
    note: Prose | None = Field(default=None, max_length=NOTE_MAX)
    file_ids: list[BodyId] = Field(
        default_factory=list,
        max_length=MAX_FILES,
        description="the sellers' evidence, uploaded to this order first",
    )


class ProposeIn(OnBehalf):
    """D4: a new proposal while negotiating."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"allOf": [_amount_with("wanted"), _AUDIT_NOTE_WITH_BEHALF]},
    )

    wanted: Wanted
    amount: Amount | None = Field(default=None, description="with partial_refund")
    note: Prose | None = Field(default=None, max_length=NOTE_MAX)
    file_ids: list[BodyId] = Field(
        default_factory=list,
        max_length=MAX_FILES,
        description="evidence uploaded to this order first",
    )


class AssignIn(Strict):
    assignee_id: BodyId | None = Field(
        default=None, description="a support agent; the caller when omitted"
    )


class RequestInfoIn(Strict):
    """D5: support asks one side a question, to be answered by `due_at`."""

    party: PartyName
    question: Prose = Field(max_length=NOTE_MAX, json_schema_extra={"pattern": FILLED_PROSE})
    due_at: datetime = Field(
        description="with its UTC offset; in the future (409 with the time it is otherwise)"
    )


class AnswerInfoIn(OnBehalf):
    request_id: BodyId
    answer: Prose = Field(max_length=NOTE_MAX, json_schema_extra={"pattern": FILLED_PROSE})
    file_ids: list[BodyId] = Field(
        default_factory=list,
        max_length=MAX_FILES,
        description="evidence uploaded to this order first",
    )


class DecideIn(Strict):
    """D5/D6: support decides, with a rationale both sides see; executed at once."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "allOf": [
                _amount_with("outcome"),
                when(
                    "outcome",
                    "no_refund",
                    then={"properties": {"charged_to_store": {"const": False}}},
                ),
            ]
        },
    )

    outcome: Outcome
    amount: Amount | None = Field(default=None, description="with partial_refund")
    rationale: Prose = Field(max_length=NOTE_MAX, json_schema_extra={"pattern": FILLED_PROSE})
    charged_to_store: StrictBool = Field(
        default=False,
        description="a decision against the seller charged to the store (not with no_refund)",
    )


class ForceCancelIn(Strict):
    """C10: support forces a refused cancellation, with a rationale both sides see."""

    rationale: Prose = Field(max_length=NOTE_MAX, json_schema_extra={"pattern": FILLED_PROSE})


class AppealIn(OnBehalf):
    reason: Prose = Field(max_length=NOTE_MAX, json_schema_extra={"pattern": FILLED_PROSE})


class EvidenceIn(Strict):
    file_ids: list[BodyId] = Field(
        min_length=1,
        max_length=MAX_FILES,
        description="photos or PDFs the caller uploaded to this order (POST /orders/{id}/files)",
    )


def party_of(name: PartyName | None) -> Party | None:
    return Party(name) if name is not None else None


class Behalf(TypedDict):
    on_behalf: Party | None
    audit_note: str | None


def behalf(actor: Actor, body: OnBehalf | None) -> Behalf:
    """D5: only support acts for a party (403 for anyone else: their own step is theirs)."""
    if body is None:
        return {"on_behalf": None, "audit_note": None}
    if body.on_behalf is not None and actor.role is not Role.support:
        raise NotAllowed("dispute.on_behalf_support_only")
    return {"on_behalf": party_of(body.on_behalf), "audit_note": filled(body.audit_note)}
