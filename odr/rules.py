"""The case state machine as one table: per action, the states it may start from, the state it
leads to, and who takes it. The services enforce it and move the case to its target; the case
pages and the admin desk only offer what it allows; ``manage.py case_state_graph`` draws it
(docs/architecture.md embeds the drawing).
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import CLOSED_STATES, OPEN_STATES, Case, CaseState, Offer, Outcome, Party

S = CaseState
K = Case.DeadlineKind


@dataclass(frozen=True)
class Transition:
    """One action of the state machine.

    ``target`` is the state the action leads to; None: the case stays where it is. ``by`` is who
    takes it: consumer, merchant, party (either of the two), mediator or system (a passed
    deadline). ``condition``, when given, is what must also hold for the target to be reached
    (until then the case stays)."""

    sources: frozenset[str]
    target: str | None
    by: str
    condition: str = ""


T = Transition

# The state machine of docs/design.md. Written once; everything else reads it.
TRANSITIONS: dict[str, Transition] = {
    # screening
    "accept": T(frozenset({S.SUBMITTED}), S.AWAITING_MERCHANT, "mediator"),
    "reject": T(frozenset({S.SUBMITTED}), S.REJECTED, "mediator"),
    "request_info": T(frozenset({S.SUBMITTED}), None, "mediator"),
    "provide_info": T(frozenset({S.SUBMITTED}), None, "consumer"),
    # the merchant's first answer (accepting the claim settles: it passes through negotiation)
    "accept_claim": T(
        frozenset({S.AWAITING_MERCHANT, S.NEGOTIATION, S.MEDIATION}), S.SETTLED, "merchant"
    ),
    "merchant_offer": T(frozenset({S.AWAITING_MERCHANT}), S.NEGOTIATION, "merchant"),
    "dispute": T(frozenset({S.AWAITING_MERCHANT}), S.NEGOTIATION, "merchant"),
    # negotiation (the parties may keep negotiating while a mediator helps)
    "offer": T(frozenset({S.NEGOTIATION, S.MEDIATION}), None, "party"),
    "accept_offer": T(frozenset({S.NEGOTIATION, S.MEDIATION}), S.SETTLED, "party"),
    "reject_offer": T(frozenset({S.NEGOTIATION, S.MEDIATION}), None, "party"),
    "withdraw_offer": T(frozenset({S.NEGOTIATION, S.MEDIATION}), None, "party"),
    "request_mediation": T(frozenset({S.NEGOTIATION}), S.MEDIATION, "party"),
    # mediation
    "assign": T(OPEN_STATES, None, "mediator"),
    "propose_settlement": T(frozenset({S.MEDIATION}), None, "mediator"),
    "accept_settlement": T(
        frozenset({S.MEDIATION}), S.SETTLED, "party", condition="both parties accepted"
    ),
    "reject_settlement": T(frozenset({S.MEDIATION}), None, "party"),
    "refer": T(frozenset({S.MEDIATION, S.ESCALATED}), S.REFERRED, "mediator"),
    # settlement
    "confirm_paid": T(frozenset({S.SETTLED, S.ESCALATED}), S.RESOLVED, "consumer"),
    "compensate_in_advance": T(frozenset({S.ESCALATED}), None, "mediator"),
    # any open stage
    "withdraw": T(OPEN_STATES, S.WITHDRAWN, "consumer"),
    # after closing
    "record_outcome": T(frozenset({S.RESOLVED, S.REFERRED}), None, "mediator"),
    # a referred case's follow-up (referrals app): a mediator sends it to a body and records
    # the body's answers; the consumer reports what the body decided
    "follow_referral": T(frozenset({S.REFERRED}), None, "mediator"),
    "report_referral_outcome": T(frozenset({S.REFERRED}), None, "consumer"),
    "rate": T(CLOSED_STATES, None, "consumer"),
    # the parties' message thread; mediators may write in any open state
    "message": T(frozenset({S.NEGOTIATION, S.MEDIATION, S.SETTLED, S.ESCALATED}), None, "party"),
    # passed deadlines (the sweep); an unanswered question sends the case back to screening
    "expire_consumer_info": T(frozenset({S.SUBMITTED}), None, "system"),
    "expire_merchant_response": T(frozenset({S.AWAITING_MERCHANT}), S.MEDIATION, "system"),
    "expire_negotiation": T(frozenset({S.NEGOTIATION}), S.MEDIATION, "system"),
    "expire_mediation": T(frozenset({S.MEDIATION, S.ESCALATED}), S.REFERRED, "system"),
    "expire_fulfilment": T(frozenset({S.SETTLED}), S.ESCALATED, "system"),
}

# Which action a passed deadline of each kind takes. A passed screening deadline takes none:
# only a mediator accepts or rejects, so the case stays in the desk's queue marked overdue.
EXPIRY: dict[str, str] = {
    K.CONSUMER_INFO: "expire_consumer_info",
    K.MERCHANT_RESPONSE: "expire_merchant_response",
    K.NEGOTIATION: "expire_negotiation",
    K.MEDIATION: "expire_mediation",
    K.FULFILMENT: "expire_fulfilment",
}

# The outcomes a mediator may record on a closed case, by the state it closed in.
OUTCOMES_FOR_STATE: dict[str, tuple[str, ...]] = {
    S.RESOLVED: (
        Outcome.RESOLVED_BY_MERCHANT,
        Outcome.SETTLED_IN_MEDIATION,
        Outcome.COMPENSATED_IN_ADVANCE,
    ),
    S.REFERRED: (Outcome.REFERRED_UNRESOLVED, Outcome.MERCHANT_UNRESPONSIVE),
}

# Offers of these kinds are money and need an amount; a replacement or repair may have none.
MONEY_KINDS = frozenset({Offer.Kind.REFUND, Offer.Kind.PARTIAL_REFUND, Offer.Kind.COMPENSATION})


def allowed(case, action: str) -> bool:
    return case.state in TRANSITIONS[action].sources


def target(action: str) -> str | None:
    """The state ``action`` leads to (None: the case stays where it is)."""
    return TRANSITIONS[action].target


def party_actions(case, party: str | None, *, offers, rated: bool) -> dict:
    """What the consumer or the merchant may do on the case page now.

    ``offers`` are the case's offers (any state); the result names the offer ids each answer
    applies to, so the page shows a button only where the service would accept it.
    """
    if party not in (Party.CONSUMER, Party.MERCHANT):
        return {}
    other = Party.MERCHANT if party == Party.CONSUMER else Party.CONSUMER
    accepted_field = "consumer_accepted_at" if party == Party.CONSUMER else "merchant_accepted_at"
    open_offers = [o for o in offers if o.state == Offer.State.OPEN]
    can_answer = allowed(case, "accept_offer")
    can_answer_settlement = allowed(case, "accept_settlement")
    actions = {
        "message": allowed(case, "message"),
        "offer": allowed(case, "offer"),
        "request_mediation": allowed(case, "request_mediation"),
        "answerable_offers": {o.pk for o in open_offers if can_answer and o.party == other},
        "withdrawable_offers": {o.pk for o in open_offers if can_answer and o.party == party},
        "answerable_proposals": {
            o.pk
            for o in open_offers
            if can_answer_settlement
            and o.party == Party.MEDIATOR
            and getattr(o, accepted_field) is None
        },
    }
    if party == Party.CONSUMER:
        actions.update(
            provide_info=allowed(case, "provide_info") and case.awaiting_consumer_info,
            confirm_paid=allowed(case, "confirm_paid"),
            withdraw=allowed(case, "withdraw"),
            rate=allowed(case, "rate") and not rated,
        )
    else:
        actions.update(
            accept_claim=allowed(case, "accept_claim"),
            merchant_offer=allowed(case, "merchant_offer"),
            dispute=allowed(case, "dispute"),
        )
    actions["any"] = any(bool(v) for v in actions.values())
    return actions
