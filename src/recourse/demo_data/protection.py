"""The demo's buyer protection: a buyer who confirms receipt once the parcel is in, and one who
asks the seller for more time before protection ends (the seller has not answered yet)."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from recourse.demo_data.clock import History, hours
from recourse.demo_data.orders import Order
from recourse.domain.roles import Actor, Role
from recourse.services import protection

REASONS = {
    "en": "I'm travelling and can only open the parcel in two weeks.",
    "es": "Estoy de viaje y solo podré abrir el paquete dentro de dos semanas.",
}


def after_shipping(history: History, o: Order, shipped_at: datetime) -> None:
    """`:confirmed` — the buyer confirms receipt a few days after shipping; `:extension` — the
    buyer asks for more protection some hours ago."""
    rng, now = history.rng, history.now
    if o.variant == "confirmed":
        at = min(shipped_at + hours(rng.uniform(80, 200)), now - hours(rng.uniform(2, 6)))
        history.at(at, partial(confirm, history, o))
    elif o.variant == "extension":
        at = max(shipped_at + hours(rng.uniform(30, 60)), now - hours(rng.uniform(4, 20)))
        history.at(min(at, now - hours(1)), partial(ask_for_more_time, history, o))


def _buyer(history: History, o: Order) -> Actor:
    return Actor(Role.buyer, history.users[o.buyer.key])


def confirm(history: History, o: Order) -> None:
    protection.confirm_receipt(
        history.c.uow(), history.ctx, actor=_buyer(history, o), order_id=o.id
    )


def ask_for_more_time(history: History, o: Order) -> None:
    language = "es" if o.buyer.locale.startswith("es") else "en"
    protection.request_extension(
        history.c.uow(),
        history.ctx,
        actor=_buyer(history, o),
        order_id=o.id,
        days=14,
        reason=REASONS[language],
    )
