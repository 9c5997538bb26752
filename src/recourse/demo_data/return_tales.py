"""The demo's return tales (§4): where each `:return_*`, `:refused*` or `:intercepted` order
stands today and how it got there, and what the buyers and sellers write on the way. `returns`
plays them through the use cases."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Tale:
    """`arrived`: days ago the parcel reached the buyer (or turned back, or was stopped);
    `steps`: (what happens, days ago), earliest first."""

    arrived: float
    steps: tuple[tuple[str, float], ...]
    reason: str | None = None
    every_unit: bool = False  # the return takes every unit (else one unit of the first line)
    photos: bool = False  # the buyer's request carries a photo


TALES: dict[str, Tale] = {
    # R2: waiting for the seller's answer (respond_by running)
    "return_requested": Tale(5, (("request", 0.3),), "no_longer_needed"),
    # R2: the seller offered to refund part of the price; the buyer's answer is due
    "return_offered": Tale(6, (("request", 1.6), ("offer", 0.3)), "damaged", photos=True),
    # R2 → R3: approved, the buyer must ship it back by ship_by
    "return_approved": Tale(8, (("request", 3), ("approve", 2.1)), "found_better_price"),
    # R2: declined with a reason
    "return_declined": Tale(10, (("request", 4), ("decline", 3.2)), "not_as_described"),
    # R3: on its way back
    "return_shipped": Tale(
        10, (("request", 6), ("approve", 5.2), ("send", 2), ("transit", 1.6)), "wrong_size"
    ),
    # R4: delivered back to the seller; refund_by running
    "return_delivered": Tale(
        14,
        (("request", 8), ("approve", 7.2), ("send", 5), ("transit", 4.5), ("back", 0.25)),
        "defective",
    ),
    # R4/R5: remorse at a store that charges a restocking fee, refunded on receipt
    "return_refunded": Tale(
        16,
        (
            ("request", 13),
            ("approve", 12.2),
            ("send", 10),
            ("transit", 9.5),
            ("back", 8),
            ("receive", 7.6),
        ),
        "wrong_size",
    ),
    # R4/R5: not as described, every unit back (the original shipping too)
    "return_refunded_in_full": Tale(
        15,
        (
            ("request", 12),
            ("approve", 11.4),
            ("send", 10),
            ("transit", 9.5),
            ("back", 8),
            ("receive", 7.2),
        ),
        "missing_parts",
        every_unit=True,
        photos=True,
    ),
    # R2: the buyer kept the item for the offered amount
    "return_offer_accepted": Tale(
        12, (("request", 9), ("offer", 8.2), ("accept", 7.1)), "not_as_described"
    ),
    # R4: the seller found a problem with what came back; support looks at it
    "return_problem": Tale(
        20,
        (
            ("request", 17),
            ("approve", 16.2),
            ("send", 14),
            ("transit", 13.5),
            ("back", 12),
            ("problem", 11.3),
        ),
        "no_longer_needed",
    ),
    # R2: nobody answered by respond_by, so it was approved by itself; the store has no return
    # address on file, so its sellers are asked for one
    "return_unanswered": Tale(10, (("request", 9),), "no_longer_needed"),
    # R3: approved, never shipped; closed by the deadline
    "return_closed": Tale(20, (("request", 18), ("approve", 17.2)), "ordered_by_mistake"),
    # the buyer changed their mind before shipping
    "return_withdrawn": Tale(7, (("request", 4), ("withdraw", 3.1)), "found_better_price"),
    # S2: refused at the door some hours ago; coming back
    "refused": Tale(0.4, ()),
    # S2: back at the seller, waiting for them to confirm (refund_by running)
    "refused_back": Tale(6, (("reason", 5.3), ("home", 1.5)), "ordered_by_mistake"),
    # S2: back at the seller, who said nothing: refunded by the deadline
    "refused_refunded": Tale(15, (("reason", 14.5), ("home", 12)), "wrong_item"),
    # S1: the buyer asked, the seller stopped the parcel within the hour; it is coming back
    "intercepted": Tale(0.8, (("ask", 0.35), ("stop", 0.3))),
}

# What the buyers write, in their language; the sellers write in English.
WORDS = {
    "en": {
        "request": "It does not work as I hoped; I would like to send it back.",
        "damaged": "The box arrived crushed and one corner is cracked. Photo attached.",
        "not_as_described": "The colour is quite different from the photos on the listing.",
        "missing_parts": "The charger and the manual are missing from the box. Photo attached.",
        "intercept": "I ordered the wrong size. Could you stop the parcel, please?",
    },
    "es": {
        "request": "No me queda como esperaba; quiero devolverlo.",
        "damaged": "La caja llegó aplastada y una esquina está rota. Adjunto una foto.",
        "not_as_described": "El color es bastante distinto del de las fotos del anuncio.",
        "missing_parts": "Faltan el cargador y el manual en la caja. Adjunto una foto.",
        "intercept": "Me he equivocado de talla. ¿Podéis parar el paquete, por favor?",
    },
}
SELLER_WORDS = {
    "decline": "The photos show the item as listed; the colour is within the usual range.",
    "problem": "The item came back worn and without its original packaging.",
    "stopped": "Done: the carrier is sending it back to us.",
}

# A store with no return address on file (marketplace.RETURN_ADDRESSES) has its seller type
# one when approving.
TYPED_ADDRESSES = {"oud": "Dar Al Oud Returns, Block 3, Street 14, Salmiya, Kuwait"}
