"""C5: the operator keeps the reason catalogue: list, add, retire, restore."""

from __future__ import annotations

from recourse.domain.errors import InvalidInput, NotFound, RuleConflict
from recourse.domain.reasons import Fault, Reason, ReasonActor, check_new_reason
from recourse.domain.roles import Actor, OperatorTask, check_operator
from recourse.services.ports.unit_of_work import UnitOfWork


def add_reason(
    uow: UnitOfWork,
    *,
    actor: Actor,
    code: str,
    label: str,
    reason_actor: str,
    fault: str,
    requires_note: bool = False,
) -> Reason:
    """A new reason buyers or sellers can pick, with whose fault it is."""
    check_operator(actor, OperatorTask.edit_reasons)
    check_new_reason(code, label)
    try:
        who = ReasonActor(reason_actor)
    except ValueError:
        raise InvalidInput("actor", "reason_actor_invalid") from None
    try:
        blame = Fault(fault)
    except ValueError:
        raise InvalidInput("fault", "reason_fault_invalid") from None
    reason = Reason(code, label.strip(), who, blame, requires_note)
    with uow:
        if uow.reasons.get(code) is not None:
            raise RuleConflict("reason_exists", field="code", reason=code)
        uow.reasons.add(reason)
        uow.commit()
    return reason


def set_reason_active(uow: UnitOfWork, *, actor: Actor, code: str, active: bool) -> None:
    """Retired reasons stay on old cancellations but can no longer be picked."""
    check_operator(actor, OperatorTask.edit_reasons)
    with uow:
        if not uow.reasons.set_active(code, active):
            raise NotFound("reason_not_found", reason=code)
        uow.commit()
