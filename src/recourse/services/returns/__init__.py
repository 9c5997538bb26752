"""§4 returns, every path of a buyer return (R1-R5) and the receiving end of a parcel coming
back (S1, S2). Each refund goes through the ledger in the transaction that decides it.

request    R1/R5 the quote, the request, the buyer's withdrawal
answers    R2 approve, decline, offer once; the buyer accepts or declines the offer
shipping   R3 the buyer's parcel back
receiving  R4/S2 the parcel arrives, the seller confirms, the refund
deadlines  what a passed deadline decides (silence approves, offers lapse, unsent returns
           close) and the reminders before
parcels    S1/S2 parcels coming back by themselves
notices    the events, notifications and emails each step sends
"""

from recourse.domain.returns import (
    OFFER_ANSWER_BY,
    REFUND_BY,
    REFUND_REMINDER,
    RESPOND_BY,
    RESPOND_REMINDER,
    SHIP_BY,
    SHIP_REMINDER,
)
from recourse.services.returns.answers import (
    accept_offer,
    approve_return,
    decline_offer,
    decline_return,
    offer_partial_refund,
)
from recourse.services.returns.deadlines import (
    offer_answer_by_passed,
    refund_reminder,
    respond_reminder,
    return_respond_by_passed,
    ship_by_passed,
    ship_reminder,
)
from recourse.services.returns.parcels import give_parcel_reason, open_parcel_return
from recourse.services.returns.receiving import (
    receive_return,
    refund_by_passed,
    return_parcel_event,
)
from recourse.services.returns.request import (
    ReturnQuote,
    quote_return,
    request_return,
    withdraw_return,
)
from recourse.services.returns.shipping import ship_return

__all__ = [
    "OFFER_ANSWER_BY",
    "REFUND_BY",
    "REFUND_REMINDER",
    "RESPOND_BY",
    "RESPOND_REMINDER",
    "SHIP_BY",
    "SHIP_REMINDER",
    "ReturnQuote",
    "accept_offer",
    "approve_return",
    "decline_offer",
    "decline_return",
    "give_parcel_reason",
    "offer_answer_by_passed",
    "offer_partial_refund",
    "open_parcel_return",
    "quote_return",
    "receive_return",
    "refund_by_passed",
    "refund_reminder",
    "request_return",
    "respond_reminder",
    "return_parcel_event",
    "return_respond_by_passed",
    "ship_by_passed",
    "ship_reminder",
    "ship_return",
    "withdraw_return",
]
