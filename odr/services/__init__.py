"""Every change to a case: one function per move of the state machine (odr.rules, drawn in
docs/architecture.md), by topic, over one kernel (``_kernel``).

Each move locks the case row, refuses a stale form (``expected_version``), an actor who may
not take it (NotPermitted) or a move the state does not allow (TransitionNotAllowed); nothing
is changed then. Otherwise it moves the case to the state the table says and collects what it
writes in a unit of work: the changed fields (the version bumped), a CaseEvent on the case's
hash chain, the notices for the people who must act, the credit recomputation. The unit writes
them together; e-mails and recomputation leave only after commit. The deadline sweep applies
the same moves to a batch of cases through one unit of work.

Callers import from here: ``from odr import services``.
"""

from ._kernel import CaseChanged, NotPermitted, TransitionNotAllowed, is_mediator
from .answer import merchant_accept_claim, merchant_dispute, merchant_make_offer
from .closing import case_follow_referral, case_record_outcome, case_refer, case_withdraw
from .collective import (
    JOINABLE_STATES,
    CollectiveMismatch,
    collective_create,
    collective_join,
    collective_offer,
)
from .demo import case_move_deadline
from .mediation import (
    MediatorPool,
    case_assign_mediator,
    case_auto_assign,
    case_request_mediation,
)
from .messages import message_post
from .offers import offer_accept, offer_make, offer_reject, offer_withdraw
from .proposals import mediator_propose_settlement, settlement_accept, settlement_reject
from .pseudonymise import case_pseudonymise
from .ratings import case_rate
from .rights import case_remind_right_expiring
from .screening import case_accept, case_info_provided, case_open, case_reject, case_request_info
from .settlement import settlement_compensate_in_advance, settlement_confirm_paid
from .sweep import case_expire_deadline, case_send_reminder, cases_expire_deadlines

__all__ = [
    "JOINABLE_STATES",
    "CaseChanged",
    "CollectiveMismatch",
    "MediatorPool",
    "NotPermitted",
    "TransitionNotAllowed",
    "case_accept",
    "case_assign_mediator",
    "case_auto_assign",
    "case_expire_deadline",
    "case_follow_referral",
    "case_info_provided",
    "case_move_deadline",
    "case_open",
    "case_pseudonymise",
    "case_rate",
    "case_record_outcome",
    "case_refer",
    "case_reject",
    "case_remind_right_expiring",
    "case_request_info",
    "case_request_mediation",
    "case_send_reminder",
    "case_withdraw",
    "cases_expire_deadlines",
    "collective_create",
    "collective_join",
    "collective_offer",
    "is_mediator",
    "mediator_propose_settlement",
    "merchant_accept_claim",
    "merchant_dispute",
    "merchant_make_offer",
    "message_post",
    "offer_accept",
    "offer_make",
    "offer_reject",
    "offer_withdraw",
    "settlement_accept",
    "settlement_compensate_in_advance",
    "settlement_confirm_paid",
    "settlement_reject",
]
