"""Which move is allowed from which state, and which actions a viewer has now.

One table read by the services (which enforce it) and by the pages and the admin (which only
offer what the services would allow).
"""

from __future__ import annotations

from .models import CLOSED_STATES, OPEN_STATES, CaseState, Offer, Outcome, Party

S = CaseState

# The state machine of docs/design.md: action -> states it may start from.
ALLOWED_FROM: dict[str, frozenset[str]] = {
    # screening
    "accept": frozenset({S.SUBMITTED}),
    "reject": frozenset({S.SUBMITTED}),
    "request_info": frozenset({S.SUBMITTED}),
    "provide_info": frozenset({S.SUBMITTED}),
    # the merchant's first answer (accepting the claim also settles: respond, then settle)
    "accept_claim": frozenset({S.AWAITING_MERCHANT, S.NEGOTIATION, S.MEDIATION}),
    "merchant_offer": frozenset({S.AWAITING_MERCHANT}),
    "dispute": frozenset({S.AWAITING_MERCHANT}),
    # negotiation (the parties may keep negotiating while a mediator helps)
    "offer": frozenset({S.NEGOTIATION, S.MEDIATION}),
    "answer_offer": frozenset({S.NEGOTIATION, S.MEDIATION}),
    "request_mediation": frozenset({S.NEGOTIATION}),
    # mediation
    "assign": OPEN_STATES,
    "propose_settlement": frozenset({S.MEDIATION}),
    "answer_settlement": frozenset({S.MEDIATION}),
    "refer": frozenset({S.MEDIATION, S.ESCALATED}),
    # settlement
    "confirm_paid": frozenset({S.SETTLED, S.ESCALATED}),
    "compensate_in_advance": frozenset({S.ESCALATED}),
    # any open stage
    "withdraw": OPEN_STATES,
    # after closing
    "record_outcome": frozenset({S.RESOLVED, S.REFERRED}),
    "rate": CLOSED_STATES,
    # the parties' message thread; mediators may write in any open state
    "message": frozenset({S.NEGOTIATION, S.MEDIATION, S.SETTLED, S.ESCALATED}),
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
    return case.state in ALLOWED_FROM[action]


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
    can_answer = allowed(case, "answer_offer")
    can_answer_settlement = allowed(case, "answer_settlement")
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
