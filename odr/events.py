"""The case's append-only audit trail: one row per thing that happened, and its plain words."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core import integrity

from .integrity import CASE_EVENTS
from .models import Case, CaseEvent, Party

# What each event means, as the timeline shows it to the parties and the mediators.
LABELS = {
    "case_opened": _("The complaint was submitted and the case opened for screening."),
    "accepted": _("A mediator accepted the complaint and asked the merchant to answer."),
    "rejected": _("A mediator rejected the complaint at screening."),
    "info_requested": _("A mediator asked the consumer for more information."),
    "info_provided": _("The consumer sent the information asked for."),
    "info_expired": _("The consumer did not send the information in time; screening resumed."),
    "merchant_accepted_claim": _("The merchant accepted the claim."),
    "merchant_offered": _("The merchant answered with an offer."),
    "merchant_disputed": _("The merchant disputed the claim."),
    "offer_made": _("An offer was made."),
    "offer_countered": _("A counter-offer was made."),
    "offer_accepted": _("An offer was accepted."),
    "offer_rejected": _("An offer was rejected."),
    "offer_withdrawn": _("An offer was withdrawn."),
    "mediation_requested": _("Mediation was requested."),
    "merchant_response_expired": _(
        "The merchant did not answer in time; the case went to mediation."
    ),
    "negotiation_expired": _("Negotiation ended without agreement; the case went to mediation."),
    "mediation_expired": _("Mediation time ran out; the case was referred."),
    "fulfilment_expired": _(
        "The settlement was not confirmed as paid in time; it went back to the mediator."
    ),
    "mediator_assigned": _("A mediator was assigned."),
    "settlement_proposed": _("The mediator proposed a settlement."),
    "settlement_accepted": _("A party accepted the mediator's proposal."),
    "settlement_rejected": _("A party rejected the mediator's proposal."),
    "settled": _("The parties agreed a settlement."),
    "payment_confirmed": _("The consumer confirmed receiving the settlement; case resolved."),
    "compensation_in_advance": _(
        "The platform will pay in advance and recover the amount from the merchant."
    ),
    "referred": _("Mediation failed; the case was referred with its dossier."),
    "withdrawn": _("The consumer withdrew the complaint."),
    "outcome_recorded": _("A mediator recorded the outcome."),
    "dossier_signed": _("Redress issued a signed dossier of the case."),
    "referral_made": _("A mediator referred the case to an outside body."),
    "referral_status": _("The referral's status changed."),
    "referral_outcome_reported": _("The consumer reported what the outside body decided."),
    "referral_reminder_sent": _("The consumer was asked what the outside body decided."),
    "reminder_sent": _("A reminder of the coming deadline was sent."),
    "deadline_moved": _("For a demonstration, the deadline was moved to another time."),
    "right_reminder_sent": _(
        "The consumer was reminded that their right to return or withdraw ends soon."
    ),
    "held_for_screening": _(
        "The complaint is held for a closer check by a mediator before it goes any further."
    ),
    "collective_made": _(
        "A mediator grouped this case with other consumers' cases against the same merchant "
        "for the same problem: the merchant answers the group once; each consumer decides on "
        "their own settlement."
    ),
    "collective_joined": _(
        "The consumer joined the collective case against the same merchant for the same problem."
    ),
    "pseudonymised": _(
        "The case was pseudonymised: personal data were erased; the outcome is kept."
    ),
}

BY = {
    Party.CONSUMER: _("the consumer"),
    Party.MERCHANT: _("the merchant"),
    Party.MEDIATOR: _("a mediator"),
    "system": _("automatically"),
}


def build(
    *,
    case: Case,
    kind: str,
    actor=None,
    party: str | None = None,
    from_state: str,
    note: str = "",
    data: dict | None = None,
) -> CaseEvent:
    """One event, not yet in the case's chain: ``record`` appends it; a batch of the sweep
    seals several (core.integrity.seal) and inserts them together. ``actor`` None means the
    system acted (a deadline passed)."""
    if kind not in LABELS:
        raise ValueError(f"Unknown case event {kind!r}")
    payload = {"by": party or ("system" if actor is None else Party.MEDIATOR), **(data or {})}
    return CaseEvent(
        case=case,
        kind=kind,
        actor=actor,
        from_state=from_state,
        to_state=case.state,
        note=note,
        data=payload,
    )


def record(*, case: Case, **kwargs) -> CaseEvent:
    """Write one event (the arguments of ``build``), the next link of the case's hash chain.

    ``case`` is the instance the calling service locked (select_for_update), as every service
    does before it records anything: its ``events_count`` and ``events_head`` are current, and
    the append is refused (ChainConflict) if they were not.
    """
    return integrity.append(CASE_EVENTS, build(case=case, **kwargs), parent=case)


def label(event: CaseEvent) -> str:
    return str(LABELS.get(event.kind, event.kind))


def by(event: CaseEvent) -> str:
    return str(BY.get(event.data.get("by", ""), ""))
