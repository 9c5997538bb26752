"""Returns worded for whoever looks (§4: R1-R5, S1, S2): the status and kind labels, the
reasons grouped by category, the steps of a return with the one it waits on, and the sentence
that says who acts next and by when. Nothing here decides; it only words what the return says."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from jinja2 import pass_context
from jinja2.runtime import Context as TemplateContext

from recourse.container import Container
from recourse.db.queries import evidence as evidence_queries
from recourse.db.queries import refunds as refund_queries
from recourse.db.queries import returns as return_queries
from recourse.db.queries.orders import OrderDetail
from recourse.domain.accounts import User
from recourse.domain.errors import DomainError, NotFound
from recourse.domain.returns import FINAL_STATUSES, PARCEL_KINDS, ReturnKind, ReturnStatus
from recourse.domain.roles import Role
from recourse.domain.settlement import ExpectedBy
from recourse.i18n import N_, Words
from recourse.services.evidence import LIMITS as EVIDENCE_LIMITS
from recourse.texts import error_message, label
from recourse.texts.refund_dates import date_range, destination_words
from recourse.texts.web import reason_label
from recourse.web import language
from recourse.web.pages.common import error_field
from recourse.web.pages.shared.cancellation_forms import read_order
from recourse.web.pages.shared.present_refunds import refund_card
from recourse.web.settled import settle_order
from recourse.web.templating import local_time, templates

STATUS_LABELS: dict[str, str] = {
    ReturnStatus.requested: N_("Waiting for the seller"),
    ReturnStatus.offered: N_("Partial refund offered"),
    ReturnStatus.approved: N_("Approved: send it back"),
    ReturnStatus.declined: N_("Declined"),
    ReturnStatus.shipped: N_("On its way back"),
    ReturnStatus.parcel_returning: N_("Parcel on its way back"),
    ReturnStatus.delivered: N_("Back with the seller"),
    ReturnStatus.refunded: N_("Refunded"),
    ReturnStatus.offer_accepted: N_("Kept for a partial refund"),
    ReturnStatus.problem: N_("Problem reported"),
    ReturnStatus.closed: N_("Closed without a refund"),
    ReturnStatus.withdrawn: N_("Withdrawn"),
}

KIND_LABELS: dict[str, str] = {
    ReturnKind.buyer_return: N_("Return"),
    ReturnKind.refused_delivery: N_("Parcel refused or sent back"),
    ReturnKind.intercepted: N_("Parcel stopped on its way"),
}

CATEGORY_LABELS = {
    "remorse": N_("Changed my mind"),
    "not_as_described": N_("Not as described"),
}

CONDITION_LABELS = {
    "ok": N_("As expected"),
    "problem": N_("Problem reported"),
}


def status_label(status: str, words: Words, audience: str = "buyer") -> str:
    if audience == "seller" and status in SELLER_STATUS_LABELS:
        return label(SELLER_STATUS_LABELS, status, words)
    return label(STATUS_LABELS, status, words)


def kind_label(kind: str, words: Words) -> str:
    return label(KIND_LABELS, kind, words)


def category_label(category: str | None, words: Words) -> str:
    return label(CATEGORY_LABELS, category or "", words) if category else ""


def return_reason_label(code: str | None, stored: str | None, words: Words) -> str:
    """A return reason's words: the catalogue's label, translated while it is the seeded one."""
    return reason_label(code, stored, words)


@dataclass(frozen=True, slots=True)
class ReasonChoice:
    code: str
    label: str


@dataclass(frozen=True, slots=True)
class ReasonGroup:
    category: str
    label: str
    reasons: list[ReasonChoice]


def reason_groups(reasons: Iterable[Any], words: Words) -> list[ReasonGroup]:
    """R1: the return reasons as the wizard's `<optgroup>`s: changed my mind, then not as
    described; a reason without a category is left out (it is not a return reason)."""
    groups: dict[str, list[ReasonChoice]] = {key: [] for key in CATEGORY_LABELS}
    for r in reasons:
        category = str(getattr(r, "category", None) or "")
        if category in groups:
            groups[category].append(
                ReasonChoice(r.code, return_reason_label(r.code, getattr(r, "label", None), words))
            )
    return [
        ReasonGroup(key, category_label(key, words), found)
        for key, found in groups.items()
        if found
    ]


def reason_words(code: str | None, reasons: Iterable[Any], words: Words) -> str:
    if not code:
        return ""
    found = next((r for r in reasons if r.code == code), None)
    return return_reason_label(code, getattr(found, "label", None), words)


@dataclass(frozen=True, slots=True)
class Step:
    label: str
    state: str
    """done, current, todo or failed (the CSS classes of the refund steps)."""
    at: datetime | None = None


def _at(view: Any, name: str) -> datetime | None:
    value = getattr(view, name, None)
    return value if isinstance(value, datetime) else None


def steps(view: Any, words: Words) -> tuple[list[Step], int]:
    """The return's steps and the index of the one it is on (`aria-current="step"`): for a
    buyer return requested → answered → shipped → delivered → refunded; for a parcel coming
    back on its own, on its way back → back with the seller → refunded. A final status that is
    not a refund ends the list where it happened."""
    status = ReturnStatus(str(view.status))
    _ = words._
    if str(view.kind) in {str(k) for k in PARCEL_KINDS}:
        is_back = status in (ReturnStatus.delivered, ReturnStatus.refunded, ReturnStatus.problem)
        paid = status is ReturnStatus.refunded
        parcel = [
            Step(_(N_("On its way back")), "done", _at(view, "created_at")),
            Step(
                _(N_("Back with the seller")),
                "done" if is_back else "current",
                _at(view, "delivered_at"),
            ),
            Step(
                _(N_("Refunded")),
                "done" if paid else ("current" if is_back else "todo"),
                _at(view, "received_at") if paid else None,
            ),
        ]
        return parcel, (2 if is_back else 1)
    requested = Step(_(N_("Requested")), "done", _at(view, "created_at"))
    decided = _at(view, "decided_at")
    answered = Step(_(N_("Seller's answer")), "todo")
    shipped = Step(_(N_("Sent back")), "todo", _at(view, "shipped_at"))
    delivered = Step(_(N_("Back with the seller")), "todo", _at(view, "delivered_at"))
    refunded = Step(_(N_("Refunded")), "todo")
    closed_at = _at(view, "closed_at")
    match status:
        case ReturnStatus.requested:
            return [requested, _current(answered), shipped, delivered, refunded], 1
        case ReturnStatus.offered:
            offer = Step(_(N_("Partial refund offered")), "current", decided)
            return [requested, offer, shipped, delivered, refunded], 1
        case ReturnStatus.declined:
            return [requested, Step(_(N_("Declined")), "failed", decided)], 1
        case ReturnStatus.withdrawn:
            return [requested, Step(_(N_("Withdrawn")), "failed", closed_at)], 1
        case ReturnStatus.offer_accepted:
            kept = Step(_(N_("Offer accepted")), "done", decided)
            return [requested, kept, Step(_(N_("Refunded")), "done", closed_at)], 2
    approved = Step(_(N_("Approved")), "done", decided)
    match status:
        case ReturnStatus.approved:
            return [requested, approved, _current(shipped), delivered, refunded], 2
        case ReturnStatus.closed:
            late = Step(_(N_("Not sent back in time")), "failed", closed_at)
            return [requested, approved, late], 2
    sent = Step(shipped.label, "done", shipped.at)
    match status:
        case ReturnStatus.shipped:
            return [requested, approved, sent, _current(delivered), refunded], 3
    back = Step(delivered.label, "done", delivered.at or _at(view, "received_at"))
    match status:
        case ReturnStatus.delivered:
            return [requested, approved, sent, back, _current(refunded)], 4
        case ReturnStatus.problem:
            trouble = Step(_(N_("Problem reported")), "failed", _at(view, "received_at"))
            return [requested, approved, sent, back, trouble], 4
    done = Step(refunded.label, "done", _at(view, "received_at") or closed_at)
    return [requested, approved, sent, back, done], 4


def _current(step: Step) -> Step:
    return Step(step.label, "current", step.at)


def next_sentence(view: Any, audience: str, words: Words, tz: str | None = None) -> str:
    """Who acts next and by when, in the reader's zone; or how the return ended."""
    status = ReturnStatus(str(view.status))
    seller = audience == "seller"
    buyer = audience == "buyer"

    def when(name: str) -> str:
        return local_time(words, _at(view, name), tz)

    _ = words._
    parcel = str(view.kind) in {str(k) for k in PARCEL_KINDS}
    match status:
        case ReturnStatus.requested:
            if seller:
                return _(
                    N_(
                        "Answer by %(time)s: approve, decline or offer a partial refund. "
                        "Without an answer the return is approved automatically."
                    ),
                    time=when("respond_by"),
                )
            return _(
                N_(
                    "The seller answers by %(time)s. Without an answer the return is "
                    "approved automatically."
                ),
                time=when("respond_by"),
            )
        case ReturnStatus.offered:
            if buyer:
                return _(
                    N_(
                        "Accept or decline the offer by %(time)s. Without an answer the offer "
                        "lapses and the seller answers your return again."
                    ),
                    time=when("offer_answer_by"),
                )
            return _(N_("The buyer answers the offer by %(time)s."), time=when("offer_answer_by"))
        case ReturnStatus.approved:
            if buyer:
                return _(
                    N_(
                        "Send the items back by %(time)s and enter the tracking number here. "
                        "After that the return closes without a refund."
                    ),
                    time=when("ship_by"),
                )
            return _(N_("The buyer sends the items back by %(time)s."), time=when("ship_by"))
        case ReturnStatus.shipped:
            if seller:
                return _(
                    N_(
                        "The parcel is on its way to you. Confirm receipt when it arrives; "
                        "the refund is made then."
                    )
                )
            return _(N_("The parcel is on its way to the seller."))
        case ReturnStatus.parcel_returning:
            if seller:
                return _(
                    N_(
                        "The parcel is on its way back to you. Confirm when it is back; the "
                        "buyer is refunded then."
                    )
                )
            return _(
                N_(
                    "The parcel is on its way back to the seller. You do not need to do "
                    "anything: you are refunded once it is back."
                )
            )
        case ReturnStatus.delivered:
            if seller:
                return _(
                    N_(
                        "Confirm receipt by %(time)s. Without an answer the buyer is refunded "
                        "automatically."
                    ),
                    time=when("refund_by"),
                )
            return _(
                N_(
                    "The seller checks it and refunds you by %(time)s. Without their answer "
                    "you are refunded automatically."
                ),
                time=when("refund_by"),
            )
        case ReturnStatus.refunded:
            return _(N_("The refund is made."))
        case ReturnStatus.offer_accepted:
            if buyer:
                return _(N_("You kept the items for the partial refund."))
            return _(N_("The buyer kept the items for the partial refund."))
        case ReturnStatus.declined:
            return _(N_("The seller declined the return."))
        case ReturnStatus.problem:
            if seller:
                return _(N_("You reported a problem with what came back. Support looks into it."))
            return _(
                N_(
                    "The seller reported a problem with what came back. Support looks into "
                    "it and contacts you."
                )
            )
        case ReturnStatus.closed:
            return _(N_("The items were not sent back in time, so the return closed."))
        case ReturnStatus.withdrawn:
            if buyer:
                return _(N_("You withdrew this return."))
            return _(N_("The buyer withdrew this return."))
    return "" if not parcel else _(N_("The parcel is on its way back to the seller."))


def items_text(lines: Sequence[Any], titles: dict[int, str]) -> str:
    """Each returned line as its quantity, a multiplication sign and the order line's title."""
    return ", ".join(
        f"{x.quantity} \N{MULTIPLICATION SIGN} {titles.get(x.line_id, '#' + str(x.line_id))}"
        for x in lines
    )


def deadline_of(view: Any) -> datetime | None:
    """The deadline the return waits for (what the inbox sorts on)."""
    return _at(view, "due_at")


# Every deadline a return stores, said for each reader (buyer, seller, support).
DEADLINE_LABELS = (
    (
        "respond_by",
        (N_("The seller answers by"), N_("Answer by"), N_("The seller answers by")),
    ),
    (
        "offer_answer_by",
        (
            N_("Answer the offer by"),
            N_("The buyer answers the offer by"),
            N_("The buyer answers the offer by"),
        ),
    ),
    (
        "ship_by",
        (N_("Send it back by"), N_("The buyer sends it back by"), N_("The buyer sends it back by")),
    ),
    (
        "refund_by",
        (
            N_("Refunded at the latest by"),
            N_("Confirm receipt by"),
            N_("Refunded at the latest by"),
        ),
    ),
)
AUDIENCES = ("buyer", "seller", "support")

# What a status means to the seller, where it differs from the buyer's words.
SELLER_STATUS_LABELS: dict[str, str] = {
    ReturnStatus.requested: N_("Waiting for your answer"),
    ReturnStatus.offered: N_("Offer sent"),
    ReturnStatus.approved: N_("Approved: the buyer sends it back"),
    ReturnStatus.delivered: N_("Back with you: confirm receipt"),
}


@dataclass(frozen=True, slots=True)
class ReturnWords:
    """One return said for its reader: what the pages and the order panel show."""

    view: Any
    id: int
    url: str
    status: str
    status_label: str
    kind: str
    parcel: bool
    items: str
    reason: str
    category: str
    next: str
    steps: list[Step]
    current: int
    deadlines: list[tuple[str, datetime]]
    offer: str | None
    offer_status: str | None
    condition: str | None

    @property
    def open(self) -> bool:
        return ReturnStatus(self.status) not in FINAL_STATUSES


OFFER_STATUS_LABELS = {
    "offered": N_("waiting for the buyer"),
    "accepted": N_("accepted"),
    "declined": N_("declined"),
    "lapsed": N_("not answered in time"),
}

URLS = {
    "buyer": "/orders/{order_id}/returns/{return_id}",
    "seller": "/seller/orders/{order_id}/returns/{return_id}",
    "support": "/support/orders/{order_id}/returns/{return_id}",
}


def return_url(audience: str, order_id: int, return_id: int) -> str:
    return URLS[audience].format(order_id=order_id, return_id=return_id)


def return_words(
    view: Any,
    *,
    audience: str,
    titles: dict[int, str],
    currency: str,
    words: Words,
    reasons: Iterable[Any] = (),
    tz: str | None = None,
    now: datetime | None = None,
) -> ReturnWords:
    found_steps, current = steps(view, words)
    reader = AUDIENCES.index(audience) if audience in AUDIENCES else 2
    # the deadlines still ahead of an open return (a passed one has decided, or was met)
    still_open = str(view.status) not in {str(x) for x in FINAL_STATUSES}
    deadlines = [
        (words._(names[reader]), at)
        for field, names in DEADLINE_LABELS
        if (at := _at(view, field)) is not None and still_open and (now is None or at > now)
    ]
    offer_amount = getattr(view, "offer_amount", None)
    offer_status = getattr(view, "offer_status", None)
    condition = getattr(view, "condition", None)
    return ReturnWords(
        view=view,
        id=int(view.id),
        url=return_url(audience, int(view.order_id), int(view.id)),
        status=str(view.status),
        status_label=status_label(str(view.status), words, audience),
        kind=kind_label(str(view.kind), words),
        parcel=str(view.kind) in {str(k) for k in PARCEL_KINDS},
        items=items_text(view.lines, titles),
        reason=reason_words(getattr(view, "reason", None), reasons, words),
        category=category_label(str(getattr(view, "category", None) or "") or None, words),
        next=next_sentence(view, audience, words, tz),
        steps=found_steps,
        current=current,
        deadlines=deadlines,
        offer=words.money(int(offer_amount), currency) if offer_amount else None,
        offer_status=label(OFFER_STATUS_LABELS, str(offer_status), words) if offer_status else None,
        condition=label(CONDITION_LABELS, str(condition), words) if condition else None,
    )


# ---- what the pages of every audience share: reading a return, the forms' values and errors

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


def _all_return_reasons(c: Container) -> list[Any]:
    with c.uow() as uow:
        return list(uow.reasons.all(for_return=True, include_retired=True))


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


@dataclass(frozen=True, slots=True)
class ReturnQuoteWords:
    """C6 for a return: what goes back, what comes back and how it is made up, where to, by
    when, and what happens next."""

    lines: list[dict[str, Any]]
    parts: list[tuple[str, str]]
    total: str | None
    nothing: str | None
    destination: str | None
    expected: str | None
    fees_note: str | None
    next_step: str
    reason: str
    category: str


def _quote_of(found: Any) -> Any:
    """The refund quote inside the service's answer (or the answer itself)."""
    return getattr(found, "quote", None) or getattr(found, "refund", None) or found


def quote_words(
    detail: OrderDetail,
    found: Any,
    values: Mapping[str, Any],
    words: Words,
    expected: ExpectedBy | None = None,
) -> ReturnQuoteWords:
    order = detail.order
    currency = order.currency
    quote = _quote_of(found)
    total = int(quote.total)
    policy = detail.policy.policy
    restocking, return_shipping = fee_parts(int(quote.items), int(quote.fees), policy)
    parts = [
        (words._(name), words.money(value, currency))
        for name, value in (
            (N_("Items"), quote.items),
            (N_("Tax"), quote.tax),
            (N_("Shipping"), quote.shipping),
            (N_("Restocking fee"), -restocking),
            (N_("Return shipping"), -return_shipping),
        )
        if value
    ]
    category = str(getattr(found, "category", "") or "")
    fees_note = None
    if int(quote.fees) < 0:
        fees_note = _fees_note(policy, words)
    elif category == "not_as_described" and int(quote.shipping) > 0:
        fees_note = words._(
            N_(
                "As the item is not as described, the return shipping is refunded too, and "
                "the original shipping when everything goes back."
            )
        )
    respond_by = getattr(found, "respond_by", None)
    next_step = words._(
        N_(
            "This sends your return to the seller, who answers by %(time)s: they approve "
            "it (and you send the items back), decline it, or offer a partial refund for you "
            "to keep them. Without an answer by then it is approved automatically."
        ),
        time=local_time(words, respond_by) if isinstance(respond_by, datetime) else "",
    )
    titles = {line.id: line.title for line in order.lines}
    chosen = [
        {"title": titles.get(int(k), "#" + k), "quantity": int(v)}
        for k, v in values["qty"].items()
        if k.isdigit() and str(v).strip().isdigit() and int(v)
    ]
    with_reasons = getattr(found, "reason_label", None)
    return ReturnQuoteWords(
        lines=chosen,
        parts=parts,
        total=words.money(total, currency) if total > 0 else None,
        nothing=None if total > 0 else words._(N_("Nothing is refunded for these items.")),
        destination=destination_words(str(order.payment.method), Role.buyer, words)
        if total > 0
        else None,
        expected=date_range(expected.earliest, expected.latest, words)
        if expected is not None and total > 0
        else None,
        fees_note=fees_note,
        next_step=next_step,
        reason=str(with_reasons)
        if with_reasons
        else return_reason_label(str(values["reason"]), None, words),
        category=category_label(category or None, words),
    )


def fee_parts(items: int, fees: int, policy: Any) -> tuple[int, int]:
    """R5: the deductions of a change-of-mind return (`fees` ≤ 0) as (restocking fee, return
    shipping), both ≥ 0 and adding up to what the quote deducts: the restocking fee is the
    store's percentage of the items, the rest is the return shipping."""
    deducted = -fees
    percent = int(getattr(policy, "restocking_fee_percent", 0) or 0)
    restocking = min(items * percent // 100, deducted)
    return restocking, deducted - restocking


def _fees_note(policy: Any, words: Words) -> str:
    """R5: what the fees of a change-of-mind return are made of, from the store's policy."""
    restocking = int(getattr(policy, "restocking_fee_percent", 0) or 0)
    shipping = bool(getattr(policy, "buyer_pays_remorse_return_shipping", False))
    if restocking and shipping:
        return words._(
            N_(
                "As you changed your mind, the store keeps a restocking fee of %(percent)s%% "
                "of the items' price, and the cost of the return shipping (the same as the "
                "original shipping) is deducted."
            ),
            percent=restocking,
        )
    if restocking:
        return words._(
            N_(
                "As you changed your mind, the store keeps a restocking fee of %(percent)s%% "
                "of the items' price."
            ),
            percent=restocking,
        )
    return words._(
        N_(
            "As you changed your mind, the cost of the return shipping (the same as the "
            "original shipping) is deducted."
        )
    )


def return_page_context(
    request: Request,
    c: Container,
    user: User,
    detail: OrderDetail,
    view: Any,
    *,
    audience: Role,
    form: Mapping[str, str] | None = None,
    error: DomainError | None = None,
) -> dict[str, Any]:
    """Everything one return's page shows, for any audience: the return worded, its files,
    its refund as the refunds pages show it, and the form sent back with an error."""
    words = language.words(request)
    tz = user.timezone or words.tz
    order = detail.order
    reasons = _all_return_reasons(c)
    r = return_words(
        view,
        audience=str(audience),
        titles={line.id: line.title for line in order.lines},
        currency=order.currency,
        words=words,
        reasons=reasons,
        tz=tz,
        now=c.clock.now(),
    )
    with c.read_session() as session:
        files = evidence_queries.files_of(session, "return", [r.id]).get(r.id, [])
        paid = (
            refund_queries.refund(session, user.actor(), int(view.refund_id))
            if getattr(view, "refund_id", None)
            else None
        )
    today = c.clock.now().astimezone(ZoneInfo(tz)).date()
    sentence, field = form_error(error, words)
    return {
        "user": user,
        "detail": detail,
        "r": r,
        "files": files,
        "refund": refund_card(paid, audience, today, words) if paid is not None else None,
        "groups": reason_groups((x for x in reasons if getattr(x, "active", True)), words)
        if r.parcel
        else [],
        "form": dict(form or {}),
        "error": sentence,
        "field": field,
        "order_url": _order_url(str(audience), order.id),
        "store_address": None,
    }


def _order_url(audience: str, order_id: int) -> str:
    return {
        "buyer": f"/orders/{order_id}",
        "seller": f"/seller/orders/{order_id}",
        "support": f"/support/orders/{order_id}",
    }[audience]


@dataclass(frozen=True, slots=True)
class ReturnsPanel:
    order_id: int
    rows: list[ReturnWords]


@pass_context
def order_returns_panel(context: TemplateContext) -> ReturnsPanel:
    """The order page's Returns panel: the order's returns for the page's reader, each with
    its status, what happens next and a link to its page."""
    request: Request = context["request"]
    detail: OrderDetail = context["detail"]
    words: Words = context["words"]
    audience = str(context["audience"])
    c: Container = request.app.state.container
    order = detail.order
    reasons = _all_return_reasons(c)
    rows = [
        return_words(
            view,
            audience=audience,
            titles={line.id: line.title for line in order.lines},
            currency=order.currency,
            words=words,
            reasons=reasons,
            tz=str(context.get("tz") or words.tz),
            now=c.clock.now(),
        )
        for view in order_returns(c, order.id)
    ]
    return ReturnsPanel(order.id, rows)


templates.env.globals["order_returns"] = order_returns_panel


@dataclass(frozen=True, slots=True)
class InboxRow:
    """One return in the seller's inbox or support's list."""

    id: int
    order_id: int
    url: str
    buyer: str
    store: str
    items: str
    reason: str
    status: str
    status_label: str
    kind: str
    due_at: datetime | None


def _row_items(view: Any) -> str:
    found = getattr(view, "items", None)
    if isinstance(found, str):
        return found
    titles = dict(getattr(view, "titles", {}) or {})
    lines = getattr(view, "lines", ())
    return ", ".join(
        f"{x.quantity} \N{MULTIPLICATION SIGN} "
        f"{getattr(x, 'title', None) or titles.get(x.line_id, '#' + str(x.line_id))}"
        for x in lines
    )


def inbox_rows(views: Iterable[Any], words: Words, audience: str = "seller") -> list[InboxRow]:
    return [
        InboxRow(
            id=int(v.id),
            order_id=int(v.order_id),
            url=return_url(audience, int(v.order_id), int(v.id)),
            buyer=str(getattr(v, "buyer_name", "") or ""),
            store=str(getattr(v, "store_name", "") or ""),
            items=_row_items(v),
            reason=return_reason_label(
                getattr(v, "reason", None), getattr(v, "reason_label", None), words
            )
            if getattr(v, "reason", None)
            else "",
            status=str(v.status),
            status_label=status_label(str(v.status), words, audience),
            kind=kind_label(str(v.kind), words),
            due_at=_at(v, "due_at"),
        )
        for v in views
    ]


@pass_context
def waiting_returns(context: TemplateContext) -> int:
    """The number next to "Returns" in a seller's header: returns waiting for their answer or
    for them to confirm what came back."""
    user = context.get("user")
    request = context.get("request")
    if user is None or request is None or user.role is not Role.seller:
        return 0
    c: Container = request.app.state.container
    with c.read_session() as session:
        return return_queries.open_return_count(session, user.store_ids)


templates.env.globals["waiting_returns"] = waiting_returns
