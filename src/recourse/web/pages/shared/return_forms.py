"""What a return's pages share around their forms (R1): reading the order and its return
(404 for anyone else's), the wizard's values carried between steps, an error placed next to
the input it is about, the reasons to choose from and the lines that can still go back."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from recourse.container import Container
from recourse.db.queries import returns as return_queries
from recourse.db.queries.orders import OrderDetail
from recourse.domain.accounts import User
from recourse.domain.errors import DomainError, NotFound
from recourse.domain.returns import ReturnStatus
from recourse.i18n import Words
from recourse.services.evidence import LIMITS as EVIDENCE_LIMITS
from recourse.texts import error_message
from recourse.web import language
from recourse.web.deps import check_csrf, flash
from recourse.web.pages.common import error_field, see_other
from recourse.web.pages.shared.cancellation_forms import read_order
from recourse.web.pages.shared.return_labels import ReasonGroup, reason_groups
from recourse.web.settled import settle_order

QTY = "qty-"
LIMITS = EVIDENCE_LIMITS

# Rule conflicts that one input brought up: the message sits next to it.
CONFLICT_FIELDS = {
    "return_window_closed": "reason",
    "remorse_not_accepted": "reason",
    "return_protection_ended": "reason",
    "reason_not_available": "reason",
}


def form_error(error: DomainError | None, words: Words) -> tuple[str | None, str | None]:
    """(sentence, field): the message in the reader's words and the input it belongs next to
    (a line's quantity, the reason, the files…), or no field for the form as a whole."""
    if error is None:
        return None, None
    field: str | None
    if "line_id" in error.facts:
        field = f"{QTY}{error.facts['line_id']}"
    else:
        field = error_field(error) or CONFLICT_FIELDS.get(error.code)
        if field and field.startswith("lines"):
            field = "lines"
    return error_message(error, words), field


def wizard_values(form: Mapping[str, str]) -> dict[str, Any]:
    """What the buyer chose, to carry to the next step or send back with an error: the
    quantities, the reason, the description and the files already kept (id and name)."""
    files = []
    for key, value in form.items():
        if key.startswith("file-") and key.removeprefix("file-").isdigit():
            files.append({"id": int(key.removeprefix("file-")), "name": value})
    return {
        "qty": {k.removeprefix(QTY): v for k, v in form.items() if k.startswith(QTY)},
        "reason": form.get("reason", ""),
        "description": form.get("description", ""),
        "files": files[: EVIDENCE_LIMITS.max_files],
    }


def read_return(c: Container, user: User, order_id: int, return_id: int) -> tuple[OrderDetail, Any]:
    """The order (404 unless the reader is a party or support) after its passed deadlines are
    applied, and its return `return_id` (404 when it is another order's)."""
    settle_order(c, order_id)
    detail = read_order(c, user, order_id)
    with c.read_session() as session:
        view = return_queries.return_view(session, return_id)
    if view is None or int(view.order_id) != order_id:
        raise NotFound("page.not_found")
    return detail, view


def order_returns(c: Container, order_id: int) -> list[Any]:
    with c.read_session() as session:
        return list(return_queries.returns_of_order(session, order_id))


def return_reasons(c: Container, words: Words) -> list[ReasonGroup]:
    with c.uow() as uow:
        reasons = uow.reasons.all(for_return=True)
    return reason_groups(reasons, words)


TAKEN = frozenset(
    {
        ReturnStatus.requested,
        ReturnStatus.offered,
        ReturnStatus.approved,
        ReturnStatus.shipped,
        ReturnStatus.parcel_returning,
        ReturnStatus.delivered,
        ReturnStatus.offer_accepted,
        ReturnStatus.problem,
    }
)


@dataclass(frozen=True, slots=True)
class ReturnableLine:
    id: int
    title: str
    delivered: int
    returnable: int


def returnable_lines(c: Container, detail: OrderDetail) -> list[ReturnableLine]:
    """R1: every delivered line with how many units can still go back (delivered, less what
    came back already and what another return holds); the rule itself is the service's."""
    taken: dict[int, int] = {}
    for r in order_returns(c, detail.order.id):
        if str(r.status) in TAKEN:
            for x in r.lines:
                taken[x.line_id] = taken.get(x.line_id, 0) + x.quantity
    found = []
    for line in detail.order.lines:
        if not line.qty.delivered:
            continue
        left = line.qty.delivered - line.qty.returned - taken.get(line.id, 0)
        found.append(ReturnableLine(line.id, line.title, line.qty.delivered, max(left, 0)))
    return found


def on_the_form(error: DomainError) -> bool:
    """A refusal goes back on the form next to its field; a NotFound that names no field is
    the 404 it says."""
    return not isinstance(error, NotFound) or bool(error.facts.get("field"))


def answer_form(
    request: Request,
    form: Mapping[str, str],
    step: Callable[[], str],
    page: Callable[[DomainError], Response],
    back_to: str,
) -> Response:
    """A return's form posted: the CSRF check, then the step (its message is flashed on the way
    back to `back_to`); a refusal comes back on the page (see `on_the_form`)."""
    try:
        check_csrf(request, form.get("csrf_token"))
        message = step()
    except DomainError as error:
        if not on_the_form(error):
            raise
        return page(error)
    flash(request, language.words(request)._(message))
    return see_other(back_to)
