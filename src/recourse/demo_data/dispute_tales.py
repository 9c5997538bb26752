"""The demo's dispute tales (§5): which buyer's order at which store has a dispute, where
each stands today and how it got there, and what the buyers, sellers and support agents
write on the way. `disputes` plays them through the use cases."""

from __future__ import annotations

from dataclasses import dataclass

from recourse.domain.disputes import DisputeType, Wanted

# Who bought what from whom; every order has one dispute, told by its tale below.
DISPUTE_PLAN = """
    buyer  volt    delivered:dispute_awaiting delivered:dispute_decided_partial
    buyer  lune    delivered:dispute_negotiating shipped:dispute_escalated
    amelie lune    delivered:dispute_info delivered:dispute_appealed
    kenji  kanade  delivered:dispute_decided_none shipped:dispute_silent
    noah   volt    delivered:dispute_return_refused delivered:dispute_accepted
    lucia  volt    delivered:dispute_withdrawn
    lucia  lune    delivered:dispute_assigned
    jordan lune    shipped:dispute_decided_full delivered:dispute_agreed
    lucas  volt    delivered:dispute_appeal_decided delivered:dispute_old_decision
"""


@dataclass(frozen=True, slots=True)
class Tale:
    """`shipped`/`delivered`: days ago the parcel left and arrived (None: it never did);
    `steps`: (what happens, days ago), earliest first; `paid`: days before shipping the
    buyer paid (long enough for a cancellation request to be asked and refused)."""

    type: DisputeType
    shipped: float
    delivered: float | None
    steps: tuple[tuple[str, float], ...]
    wanted: Wanted = Wanted.full_refund
    photos: bool = False
    paid: float = 0.5


NAD, NOT_RECEIVED = DisputeType.not_as_described, DisputeType.not_received
TALES: dict[str, Tale] = {
    # D3: waiting for the seller's answer
    "dispute_awaiting": Tale(NAD, 8, 5, (("open", 1.2),), Wanted.partial_refund, photos=True),
    # D4: the seller countered; negotiation runs until escalate_at
    "dispute_negotiating": Tale(NAD, 10, 7, (("open", 5.5), ("counter", 4.2))),
    # D5: the buyer escalated; nobody has taken it yet
    "dispute_escalated": Tale(NOT_RECEIVED, 40, None, (("open", 4), ("escalate", 0.8))),
    # D5: escalated when negotiation ran out; taken, the seller is asked for more
    "dispute_info": Tale(
        NAD,
        16,
        12,
        (("open", 10.5), ("counter", 9.8), ("assign", 2.5), ("ask_seller", 1.2)),
        photos=True,
    ),
    # D5: a refused cancellation escalated and taken by an agent
    "dispute_assigned": Tale(
        DisputeType.cancellation_refused,
        9,
        6,
        (
            ("ask_cancel", 10.3),
            ("refuse_cancel", 9.9),
            ("open", 5),
            ("counter", 4),
            ("escalate", 1.2),
            ("assign", 0.9),
        ),
        paid=1.6,
    ),
    # D5 decided, appeal window running: refund after return, for a declined return
    "dispute_return_refused": Tale(
        DisputeType.return_refused,
        20,
        16,
        (
            ("return", 14),
            ("decline_return", 13),
            ("open", 12),
            ("counter", 11),
            ("escalate", 9.5),
            ("assign", 9),
            ("decide_return", 8.2),
        ),
        Wanted.return_and_refund,
    ),
    # D5 decided: everything refunded for a parcel that never came (decided past the SLA)
    "dispute_decided_full": Tale(
        NOT_RECEIVED,
        50,
        None,
        (("open", 18), ("counter", 17), ("escalate", 15), ("assign", 14.5), ("decide_full", 12)),
    ),
    # D5 decided: part of the price, after the buyer answered support's question
    "dispute_decided_partial": Tale(
        NAD,
        12,
        9,
        (
            ("open", 8),
            ("counter", 7),
            ("escalate", 6),
            ("assign", 5.5),
            ("ask_buyer", 5.2),
            ("answer_buyer", 4.8),
            ("decide_partial", 4.3),
        ),
        photos=True,
    ),
    # D5 decided: no refund
    "dispute_decided_none": Tale(
        NAD,
        25,
        21,
        (("open", 20), ("counter", 19), ("escalate", 17), ("assign", 16.8), ("decide_none", 16.2)),
        Wanted.partial_refund,
    ),
    # D6: the buyer appealed a partial refund; a second agent has it
    "dispute_appealed": Tale(
        NAD,
        30,
        26,
        (
            ("open", 25),
            ("counter", 24),
            ("escalate", 22),
            ("assign", 21.5),
            ("decide_partial", 20.5),
            ("appeal", 1.5),
            ("assign_appeal", 1.2),
        ),
    ),
    # D3: the seller accepted the buyer's request
    "dispute_accepted": Tale(NAD, 35, 31, (("open", 29), ("accept", 28)), Wanted.partial_refund),
    # D3: the seller never answered; silence carried out the buyer's request
    "dispute_silent": Tale(NOT_RECEIVED, 55, None, (("open", 22),)),
    # D4: the buyer took the seller's counter-offer on a refused cancellation
    "dispute_agreed": Tale(
        DisputeType.cancellation_refused,
        45,
        41,
        (
            ("ask_cancel", 46.3),
            ("refuse_cancel", 45.8),
            ("open", 40),
            ("counter", 39),
            ("agree", 38),
        ),
        paid=1.6,
    ),
    # D6: no refund, appealed, and a second agent refunded part
    "dispute_appeal_decided": Tale(
        NAD,
        62,
        58,
        (
            ("open", 56),
            ("counter", 55),
            ("escalate", 53),
            ("assign", 52.8),
            ("decide_none", 52),
            ("appeal", 45),
            ("assign_appeal", 44.5),
            ("decide_appeal", 44),
        ),
    ),
    # D5: decided in full, and nobody appealed before appeal_by
    "dispute_old_decision": Tale(
        NAD, 68, 64, (("open", 63), ("escalate", 60), ("assign", 59.5), ("decide_full", 58))
    ),
    # D7: the buyer withdrew
    "dispute_withdrawn": Tale(NAD, 18, 15, (("open", 14), ("withdraw", 12.5))),
}

WORDS = {
    "en": {
        "not_as_described": "The lid does not close and the finish is scratched; it is not what "
        "the listing showed.",
        "not_received": "The tracking has not moved for weeks and nothing has arrived.",
        "cancellation_refused": "I asked to cancel before it shipped and the seller refused.",
        "return_refused": "The seller declined my return, but the item is faulty.",
        "answer": "Here is a photo of the scratch next to the original box.",
        "appeal": "The photos show the damage clearly; a partial refund is not enough.",
        "cancel_reason": "wrong_address",
    },
    "es": {
        "not_as_described": "La tapa no cierra y el acabado está rayado; no es lo que mostraba "
        "el anuncio.",
        "not_received": "El seguimiento no se mueve desde hace semanas y no ha llegado nada.",
        "cancellation_refused": "Pedí cancelar antes del envío y el vendedor lo rechazó.",
        "return_refused": "El vendedor rechazó mi devolución, pero el artículo está defectuoso.",
        "answer": "Adjunto una foto del arañazo junto a la caja original.",
        "appeal": "Las fotos muestran el daño con claridad; un reembolso parcial no basta.",
        "cancel_reason": "wrong_address",
    },
}
SELLER_WORDS = {
    "counter": "We can refund part of the price; the item works as described.",
    "made_to_order": "This piece is made to order and was already in production.",
    "decline_return": "The item left us in perfect condition.",
    "answer": "Our packing photos show the item intact before it left.",
}
SUPPORT_WORDS = {
    "ask_seller": "Please send the packing photos and the carrier's receipt.",
    "ask_buyer": "Please send a photo of the damage next to the packaging.",
    "full_refund": "The carrier has no delivery scan and the seller showed no proof of delivery.",
    "partial_refund": "The photos show cosmetic damage; the item still works. Part of the "
    "price is refunded.",
    "refund_after_return": "The item is faulty; the buyer sends it back and is refunded.",
    "no_refund": "The photos show the item as listed; the difference is within the usual range.",
    "appeal": "On a second look the scratch is visible in the buyer's first photo; part of the "
    "price is refunded.",
}
SECOND_AGENT = "priya"
