"""The demo's requests for help: a buyer whose parcel seems stuck writes to support, and support
closes one it has dealt with — so the queue shows an open and a closed request."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from recourse.demo_data.clock import History, hours
from recourse.demo_data.orders import Order
from recourse.domain.roles import Actor, Role
from recourse.services import tickets

MESSAGES = {
    "en": "The tracking has not moved for three days. Can you check with the carrier?",
    "es": "El seguimiento no se ha movido en tres días. ¿Podéis consultarlo con el transportista?",
}


def after_shipping(history: History, o: Order, shipped_at: datetime) -> None:
    """For a `:ticket` order the buyer writes a day or two after shipping; for a
    `:ticket_closed` one support closes it some hours later."""
    if not o.variant.startswith("ticket"):
        return
    rng, now = history.rng, history.now
    opened = min(shipped_at + hours(rng.uniform(20, 50)), now - hours(rng.uniform(3, 6)))
    history.at(opened, partial(open_ticket, history, o))
    if o.variant == "ticket_closed":
        history.at(
            min(opened + hours(rng.uniform(2, 8)), now - hours(1)), partial(close, history, o)
        )


def open_ticket(history: History, o: Order) -> None:
    language = "es" if o.buyer.locale.startswith("es") else "en"
    opened = tickets.open_ticket(
        history.c.uow(),
        history.ctx,
        actor=Actor(Role.buyer, history.users[o.buyer.key]),
        order_id=o.id,
        message=MESSAGES[language],
    )
    o.ticket_id = opened.ticket_id


def close(history: History, o: Order) -> None:
    tickets.close_ticket(
        history.c.uow(),
        history.ctx,
        actor=Actor(Role.support, history.users["support"]),
        ticket_id=o.ticket_id,
    )
