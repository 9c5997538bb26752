"""§2 confirm receipt: what the API answers once the buyer confirmed."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from recourse.web.api.responses.common import Moment, ResponseBody


class ReceiptConfirmed(ResponseBody):
    """The order after the buyer confirmed receipt: completed (or closed, when it had refunds
    that are all settled); buyer protection ended at `completed_at`."""

    order_id: int
    status: Literal["completed", "closed"] = Field(description="the order's status now")
    completed_at: Moment = Field(description="when the buyer confirmed; protection ended then")
