"""H1 on the order pages: the guide's paths worded for whoever looks — an open path as the
button or link that takes it (the existing forms and URLs), a closed one as why, from when,
what to do instead and the help article. Nothing here decides what is allowed: the guide
(`services.options`) does, for the pages and the API alike."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from jinja2 import pass_context
from jinja2.runtime import Context as TemplateContext

from recourse.container import Container
from recourse.db.queries.orders import OrderDetail
from recourse.domain.accounts import User
from recourse.domain.cancellation_paths import ALTERNATIVE_HELP
from recourse.domain.options import Option
from recourse.i18n import Words
from recourse.services.options import OrderOption, order_options
from recourse.texts import blocker_message
from recourse.texts.options import path_label
from recourse.texts.refund_dates import date_range
from recourse.web.pages.shared.present_cancellations import (
    AlternativeWords,
    BlockerWords,
    alternative_words,
)
from recourse.web.pages.shared.present_disputes import dispute_url, open_url, type_label
from recourse.web.templating import local_time, templates

# Closed paths the page says otherwise: nothing to answer or withdraw, or the request's own
# card (the buyer's, the seller's answer) says it.
NOT_SHOWN = frozenset(
    {"no_request_pending", "request_pending", "cancellation_pending", "no_extension_request"}
)

# Closed dispute kinds worth a line on the order page: a window with its dates, or the dispute
# already open (said once); the others (no such case on this order) are on the dispute form.
DISPUTE_SHOWN = frozenset(
    {"dispute_window_not_open", "dispute_window_closed", "dispute_already_open"}
)

# Where an alternative that is a path of this page is taken.
ON_THIS_PAGE = {
    "approve_request": "#cancel-request",
    "withdraw_request": "#cancel",
}


@dataclass(frozen=True, slots=True)
class OptionWords:
    path: str
    label: str
    open: bool
    href: str | None
    """Where an open path is taken: a page, or the form further down this one."""
    post: bool
    """The open path is a button that posts (withdraw), not a link."""
    closes: str | None
    blocker: BlockerWords | None
    help: str | None
    refund: str | None
    expected: str | None


@dataclass(frozen=True, slots=True)
class OptionsPanel:
    order_id: int
    options: list[OptionWords]

    def get(self, path: str) -> OptionWords | None:
        return next((o for o in self.options if o.path == path), None)

    def is_open(self, path: str) -> bool:
        found = self.get(path)
        return found is not None and found.open

    @property
    def shown(self) -> list[OptionWords]:
        """Every path worth a line: the closed ones that explain something, each reason once
        (cancel some items is closed for the same reason as cancel, say it once)."""
        seen: set[str] = set()
        rows = []
        for o in self.options:
            if o.blocker is not None:
                if o.blocker.code in NOT_SHOWN or o.blocker.sentence in seen:
                    continue
                if o.path == "open_dispute" and o.blocker.code not in DISPUTE_SHOWN:
                    continue  # a kind that does not apply here; the dispute form lists it
                seen.add(o.blocker.sentence)
            rows.append(o)
        return rows

    def rows(self, own_cards: tuple[str, ...] = ()) -> list[OptionWords]:
        """The lines of the panel: `shown`, less the open paths the page takes in a card of
        their own (the existing forms)."""
        return [o for o in self.shown if not (o.open and o.path in own_cards)]


def _order_url(order_id: int, audience: str) -> str:
    return f"/seller/orders/{order_id}" if audience == "seller" else f"/orders/{order_id}"


def _href(option: Option, order_id: int, audience: str) -> tuple[str | None, bool]:
    request_id = option.facts.get("request_id")
    match str(option.path):
        case "contact_support":
            return f"{_order_url(order_id, audience)}/support", False
        case "cancel":
            return f"/orders/{order_id}/cancel", False
        case "cancel_items":
            return f"/orders/{order_id}/cancel?items=1", False
        case "withdraw_request":
            return f"/orders/{order_id}/cancellations/{request_id}/withdraw", True
        case "approve_request" | "reject_request":
            return "#cancel-request", False
        case "ship":
            return "#ship-title", False
        case "cancel_as_seller":
            return "#cancel-items", False
        case "refund":
            return "#refund-form", False
        case "confirm_receipt":
            return f"/orders/{order_id}/confirm-receipt", False
        case "extend_protection":
            return f"/seller/orders/{order_id}/protection-extension", False
        case "message_seller" | "message_buyer":
            return f"{_order_url(order_id, audience)}/messages", False
        case "ask_intercept" | "answer_intercept":
            return f"{_order_url(order_id, audience)}/messages#intercept", False
    if str(option.path) in DISPUTE_ANCHORS or str(option.path) == "open_dispute":
        return _dispute_href(option, order_id, audience), False
    return _return_href(option, order_id)


# §5: the disputes' paths, to the dispute's page and the form on it (the dispute's id is a fact).
DISPUTE_ANCHORS = {
    "accept_proposal": "#accept",
    "escalate": "#escalate",
    "withdraw_dispute": "#withdraw",
    "appeal": "#appeal",
    "respond_dispute": "#respond",
    "decide_dispute": "",
}


def _dispute_href(option: Option, order_id: int, audience: str) -> str:
    facts = option.facts
    if str(option.path) == "open_dispute":
        subject = next(
            (facts[k] for k in ("cancellation_id", "return_id", "refund_id") if facts.get(k)),
            None,
        )
        return open_url(order_id, facts.get("type"), subject)
    dispute_id = facts.get("dispute_id")
    if dispute_id is None:
        return f"{_order_url(order_id, audience)}#disputes"
    return dispute_url(audience, order_id, int(dispute_id)) + DISPUTE_ANCHORS[str(option.path)]


# §4: the returns' paths, to the return's page and the form on it (the return's id is a fact).
RETURN_ANCHORS = {
    "ship_return": ("/orders/{o}/returns/{r}#ship", "/orders/{o}#returns"),
    "answer_offer": ("/orders/{o}/returns/{r}#offer", "/orders/{o}#returns"),
    "give_reason": ("/orders/{o}/returns/{r}#why", "/orders/{o}#returns"),
    "answer_return": ("/seller/orders/{o}/returns/{r}#approve", "/seller/returns"),
    "receive_return": ("/seller/orders/{o}/returns/{r}#receive", "/seller/returns"),
    "confirm_parcel_back": ("/seller/orders/{o}/returns/{r}#parcel-back", "/seller/returns"),
}


def _return_href(option: Option, order_id: int) -> tuple[str | None, bool]:
    return_id = option.facts.get("return_id")
    path = str(option.path)
    if path == "return_items":
        return f"/orders/{order_id}/return", False
    if path == "withdraw_return" and return_id is not None:
        return f"/orders/{order_id}/returns/{return_id}/withdraw", True
    found = RETURN_ANCHORS.get(path)
    if found is None:
        return None, False
    with_id, without = found
    target = with_id if return_id is not None else without
    return target.format(o=order_id, r=return_id), False


def _alternatives(
    codes: tuple[str, ...], order_id: int, audience: str, delivered: bool, words: Words
) -> list[AlternativeWords]:
    found = alternative_words(list(codes), order_id=order_id, delivered=delivered, words=words)
    linked = []
    for a in found:
        href = a.href or ON_THIS_PAGE.get(a.code)
        if a.code == "contact_support" and audience in ("buyer", "seller"):
            href = f"{_order_url(order_id, audience)}/support"
        slug = ALTERNATIVE_HELP.get(a.code)
        if href is None and slug is not None:
            href = f"/help/{slug}"
        linked.append(AlternativeWords(a.code, a.title, a.detail, href))
    return linked


def _label(option: Option, words: Words) -> str:
    """The path's label; opening a dispute names its kind (the guide has one per kind)."""
    found = path_label(str(option.path), words)
    if str(option.path) == "open_dispute" and option.facts.get("type"):
        return f"{found}: {type_label(str(option.facts['type']), words)}"
    return found


def option_words(
    found: OrderOption, *, order_id: int, audience: str, delivered: bool, words: Words
) -> OptionWords:
    o = found.option
    href, post = _href(o, order_id, audience) if o.open else (None, False)
    blocker = None
    if o.blocker is not None:
        blocker = BlockerWords(
            code=o.blocker,
            sentence=blocker_message(o.blocker, o.facts, words),
            lifts=local_time(words, o.opens_at) if o.opens_at else None,
            alternatives=_alternatives(o.alternatives, order_id, audience, delivered, words),
        )
    quote = found.quote
    refund = None
    if quote is not None and quote.total > 0:
        refund = words.money(quote.total, quote.currency)
    expected = None
    if found.expected is not None and refund is not None:
        expected = date_range(found.expected.earliest, found.expected.latest, words)
    return OptionWords(
        path=str(o.path),
        label=_label(o, words),
        open=o.open,
        href=href,
        post=post,
        closes=local_time(words, o.closes_at) if o.open and o.closes_at else None,
        blocker=blocker,
        help=f"/help/{o.help}" if o.help else None,
        refund=refund,
        expected=expected,
    )


@pass_context
def order_options_panel(context: TemplateContext) -> OptionsPanel:
    """The guide for the page's reader on the page's order (read once per request)."""
    request: Request = context["request"]
    detail: OrderDetail = context["detail"]
    user: User = context["user"]
    words: Words = context["words"]
    cached = getattr(request.state, "options_panel", None)
    if isinstance(cached, OptionsPanel) and cached.order_id == detail.order.id:
        return cached
    c: Container = request.app.state.container
    found = order_options(c.uow(), c.ctx, user.actor(), detail.order.id)
    panel = OptionsPanel(
        order_id=found.order_id,
        options=[
            option_words(
                o,
                order_id=found.order_id,
                audience=str(context["audience"]),
                delivered=found.delivered,
                words=words,
            )
            for o in found.options
        ],
    )
    request.state.options_panel = panel
    return panel


templates.env.globals["order_options_panel"] = order_options_panel
