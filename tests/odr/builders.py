"""Cases in any state, reached through the services (the way real cases get there)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from odr import services
from odr.models import Case, CaseState, Offer

from ..factories import (
    MerchantRepresentativeFactory,
    RespondentFactory,
    SubmittedComplaintFactory,
    UserFactory,
)


@dataclass
class World:
    case: Case
    consumer: object
    rep: object
    merchant: object
    mediator: object
    offer: Offer | None = None
    extra: dict = field(default_factory=dict)

    def reload(self) -> Case:
        self.case = Case.objects.select_related("complaint").get(pk=self.case.pk)
        return self.case


def new_world(mediator, *, language: str = "en", consumer=None, representation=None) -> World:
    """A submitted complaint's case; ``consumer`` and ``representation`` (a merchant
    representative row) give several cases one consumer or one merchant."""
    consumer = consumer or UserFactory(role="consumer")
    complaint = SubmittedComplaintFactory(consumer=consumer, language=language)
    representation = representation or MerchantRepresentativeFactory()
    RespondentFactory(complaint=complaint, merchant=representation.merchant)
    case = services.case_open(complaint_id=complaint.pk)
    return World(
        case=case,
        consumer=consumer,
        rep=representation.user,
        merchant=representation.merchant,
        mediator=mediator,
    )


def build(state: str, mediator, **kwargs) -> World:
    """A case in ``state``; negotiation has an open offer from the merchant."""
    w = new_world(mediator, **kwargs)
    c = w.case.pk
    if state == CaseState.SUBMITTED:
        return w
    if state == CaseState.WITHDRAWN:
        services.case_withdraw(case_id=c, consumer=w.consumer)
        w.reload()
        return w
    if state == CaseState.REJECTED:
        services.case_reject(case_id=c, mediator=mediator, reason="Out of scope.")
        w.reload()
        return w
    services.case_accept(case_id=c, mediator=mediator)
    if state == CaseState.AWAITING_MERCHANT:
        w.reload()
        return w
    w.offer = services.merchant_make_offer(
        case_id=c, representative=w.rep, kind="refund", amount="100.00", currency="EUR"
    )
    if state == CaseState.NEGOTIATION:
        w.reload()
        return w
    if state in (CaseState.MEDIATION, CaseState.REFERRED):
        services.case_request_mediation(case_id=c, user=w.consumer)
        if state == CaseState.REFERRED:
            services.case_refer(case_id=c, mediator=mediator, summary="No agreement.")
        w.reload()
        w.offer.refresh_from_db()
        return w
    services.offer_accept(offer_id=w.offer.pk, user=w.consumer)
    w.offer.refresh_from_db()
    if state == CaseState.SETTLED:
        w.reload()
        return w
    if state == CaseState.RESOLVED:
        services.settlement_confirm_paid(case_id=c, consumer=w.consumer)
        w.reload()
        return w
    if state == CaseState.ESCALATED:
        due = w.reload().deadline_at
        services.case_expire_deadline(case_id=c, now=due + timedelta(seconds=1))
        w.reload()
        return w
    raise ValueError(state)


def closed_history(mediator, *, consumer, representation) -> list[World]:
    """What a consumer leaves behind in closed cases, with personal data everywhere they can
    be: a resolved case (a message with an attachment, an internal note, an accepted offer, a
    paid settlement, a rated case, a file and a statement), and a withdrawn one with a reason.
    """
    from ..factories import EvidenceFileFactory, StatementFactory, png_upload

    resolved = build(
        CaseState.NEGOTIATION, mediator, consumer=consumer, representation=representation
    )
    c = resolved.case.pk
    services.message_post(
        case_id=c,
        user=consumer,
        body="I am Alice Example, 1 Example Road.",
        attachment=png_upload("alice-receipt.png"),
    )
    services.message_post(case_id=c, user=mediator, body="Alice phoned us.", internal=True)
    services.offer_accept(offer_id=resolved.offer.pk, user=consumer)
    services.settlement_confirm_paid(case_id=c, consumer=consumer)
    services.case_rate(case_id=c, consumer=consumer, score=4, comment="Thanks from Alice")
    EvidenceFileFactory(complaint=resolved.case.complaint, upload=png_upload("alice-id.png"))
    StatementFactory(complaint=resolved.case.complaint, text="Statement by Alice Example")
    resolved.reload()

    withdrawn = new_world(mediator, consumer=consumer, representation=representation)
    services.case_withdraw(case_id=withdrawn.case.pk, consumer=consumer, reason="Alice moved")
    withdrawn.reload()
    return [resolved, withdrawn]


def mediation_with_a_proposal(mediator) -> tuple[World, Offer]:
    """A 189 € refund claim in mediation, the mediator proposing 120 €."""
    from decimal import Decimal

    w = build(CaseState.MEDIATION, mediator)
    complaint = w.case.complaint
    complaint.amount, complaint.currency = Decimal("189.00"), "EUR"
    complaint.remedy, complaint.remedy_amount, complaint.remedy_details = "refund", None, ""
    complaint.save()
    proposal = services.mediator_propose_settlement(
        case_id=w.case.pk,
        mediator=mediator,
        kind="partial_refund",
        amount="120.00",
        currency="EUR",
        terms="Refund of 120 EUR; the consumer keeps the bag.",
    )
    w.reload()
    return w, proposal
