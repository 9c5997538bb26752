"""The demo's order conversations (M1) and requests to stop a parcel (S1), through the real use
cases: a buyer and a seller talking about a parcel on its way (the seller's last reply still
unread by the buyer), a request to stop a parcel waiting for the seller, and one the seller
could not stop."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from recourse.demo_data.clock import History, hours
from recourse.demo_data.orders import Order
from recourse.domain.roles import Actor, Role
from recourse.services import conversation

VARIANTS = ("conversation", "intercept_waiting", "intercept_cannot")

THREAD = {
    "en": (
        ("buyer", "Hi! Could you tell me which carrier has the parcel? I'm away on Friday."),
        ("seller", "Hello, it left with the carrier this morning; the tracking is on the order."),
        ("buyer", "Thanks. Can they leave it with a neighbour if I'm out?"),
        ("seller", "Yes, the carrier leaves a card and tries a neighbour first."),
    ),
    "es": (
        ("buyer", "¡Hola! ¿Me decís qué transportista lleva el paquete? El viernes no estoy."),
        (
            "seller",
            "Hola, salió esta mañana con el transportista; el seguimiento está en el pedido.",
        ),
        ("buyer", "Gracias. ¿Pueden dejarlo a un vecino si no estoy?"),
        ("seller", "Sí, el transportista deja un aviso y prueba primero con un vecino."),
    ),
}

NOTES = {
    "en": (
        "I ordered the wrong size by mistake, please stop it if you can.",
        "It is already at the local depot.",
    ),
    "es": (
        "Pedí la talla equivocada, por favor detenedlo si podéis.",
        "Ya está en la oficina de reparto.",
    ),
}


def planned(o: Order) -> bool:
    return o.variant in VARIANTS


def _language(o: Order) -> str:
    return "es" if o.buyer.locale.startswith("es") else "en"


def _buyer(history: History, o: Order) -> Actor:
    return Actor(Role.buyer, history.users[o.buyer.key])


def _seller(history: History, o: Order) -> Actor:
    return history.shippers[o.store.key]


def after_shipping(history: History, o: Order, shipped_at: datetime) -> None:
    """`:conversation` — four messages over the hours after shipping, the last one the
    seller's; `:intercept_waiting` — the buyer asks to stop the parcel; `:intercept_cannot` —
    and the seller answers that it cannot be stopped."""
    if not planned(o):
        return
    rng, now = history.rng, history.now
    start = min(shipped_at + hours(rng.uniform(1, 4)), now - hours(rng.uniform(5, 8)))
    if o.variant == "conversation":
        step = (now - hours(1) - start) / len(THREAD["en"])
        for n, (side, text) in enumerate(THREAD[_language(o)]):
            history.at(start + step * n, partial(write, history, o, side, text))
        return
    history.at(start, partial(ask, history, o))
    if o.variant == "intercept_cannot":
        history.at(
            min(start + hours(rng.uniform(1, 3)), now - hours(1)), partial(cannot, history, o)
        )


def write(history: History, o: Order, side: str, text: str) -> None:
    actor = _buyer(history, o) if side == "buyer" else _seller(history, o)
    conversation.post_message(history.c.uow(), history.ctx, actor=actor, order_id=o.id, body=text)


def ask(history: History, o: Order) -> None:
    conversation.request_intercept(
        history.c.uow(),
        history.ctx,
        actor=_buyer(history, o),
        order_id=o.id,
        note=NOTES[_language(o)][0],
    )


def cannot(history: History, o: Order) -> None:
    with history.c.uow() as uow:
        waiting = uow.conversation.waiting_intercept(o.id)
    assert waiting is not None, "the buyer's request waits for the seller"
    conversation.answer_intercept(
        history.c.uow(),
        history.ctx,
        actor=_seller(history, o),
        order_id=o.id,
        request_id=waiting.id,
        outcome="cannot",
        note=NOTES[_language(o)][1],
    )
