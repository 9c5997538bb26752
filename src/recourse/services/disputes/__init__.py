"""§5 disputes (D1-D7): when buyer and seller cannot agree, the platform decides. Whatever a
step settles is carried out in its transaction, through the refund ledger or an approved
return.

open       D1/D2 the buyer opens a dispute within its type's window
negotiate  D3/D4/D7 the sellers answer, proposals, acceptance, escalation, withdrawal, evidence
support    D5/D6 assignment, requests for information, decisions (and the appeal's decision)
appeal     D6 a side appeals once, before `appeal_by`
execute    carrying out: refunds (cause `dispute`) and approved returns; resolving, escalating
deadlines  what a passed deadline decides (silence, escalation, the appeal window) and the
           reminders before
"""

from recourse.domain.disputes import (
    APPEAL_BY,
    APPEAL_REMINDER,
    ESCALATE_AT,
    ESCALATE_REMINDER,
    INFO_DUE,
    INFO_REMINDER,
    RESPOND_BY,
    RESPOND_REMINDER,
)
from recourse.services.disputes.appeal import appeal
from recourse.services.disputes.deadlines import (
    appeal_by_passed,
    appeal_reminder,
    escalate_at_passed,
    escalate_reminder,
    info_due_passed,
    info_reminder,
    respond_by_passed,
    respond_reminder,
)
from recourse.services.disputes.negotiate import (
    accept_proposal,
    add_evidence,
    escalate,
    propose,
    respond,
    withdraw,
)
from recourse.services.disputes.open import open_dispute, window_for
from recourse.services.disputes.support import answer_info, assign, decide, request_info

__all__ = [
    "APPEAL_BY",
    "APPEAL_REMINDER",
    "ESCALATE_AT",
    "ESCALATE_REMINDER",
    "INFO_DUE",
    "INFO_REMINDER",
    "RESPOND_BY",
    "RESPOND_REMINDER",
    "accept_proposal",
    "add_evidence",
    "answer_info",
    "appeal",
    "appeal_by_passed",
    "appeal_reminder",
    "assign",
    "decide",
    "escalate",
    "escalate_at_passed",
    "escalate_reminder",
    "info_due_passed",
    "info_reminder",
    "open_dispute",
    "propose",
    "request_info",
    "respond",
    "respond_by_passed",
    "respond_reminder",
    "window_for",
    "withdraw",
]
