"""The merchant's first answer: accept the claim, answer with an offer, or dispute it."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.services import evidence_add_file

from .. import rules
from ..models import Case, Message, Offer, Party, Settlement
from ..selectors import full_claim
from ._kernel import (
    K,
    S,
    UnitOfWork,
    check,
    lock,
    merchant_of,
    note_merchant_answer,
    now_or,
    required_text,
    set_deadline,
)
from .offers import create_offer, validated_offer
from .settlement import settle


def _answered(
    case: Case,
    to_state: str,
    *,
    kind: str,
    actor,
    now: datetime,
    uow: UnitOfWork,
    note: str = "",
    data=None,
) -> None:
    """awaiting_merchant -> negotiation: the merchant's first answer (docs/design.md). Offering
    and disputing stop there (their target in odr.rules); accepting the claim passes through
    it on its way to settled."""
    from_state = case.state
    case.state = to_state
    fields = ["state", *note_merchant_answer(case, now), *set_deadline(case, K.NEGOTIATION, now)]
    uow.save(case, fields)
    uow.event(
        case=case,
        kind=kind,
        actor=actor,
        party=Party.MERCHANT,
        from_state=from_state,
        note=note,
        data=data,
    )


@transaction.atomic
def merchant_accept_claim(
    *,
    case_id: int,
    representative,
    note: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """The merchant gives the consumer what the complaint asks for: the case settles on the
    claim's terms (from awaiting_merchant it passes through negotiation, as the diagram in
    docs/design.md draws it).
    """
    now = now_or(now)
    case = lock(case_id, expected_version)
    merchant_id = merchant_of(case, representative)
    check(case, "accept_claim")
    complaint = case.complaint
    uow = UnitOfWork()
    if case.state == S.AWAITING_MERCHANT:
        _answered(
            case,
            S.NEGOTIATION,
            kind="merchant_accepted_claim",
            actor=representative,
            now=now,
            uow=uow,
            note=note,
        )
    else:
        uow.save(case, note_merchant_answer(case, now))
        uow.event(
            case=case,
            kind="merchant_accepted_claim",
            actor=representative,
            party=Party.MERCHANT,
            from_state=case.state,
            note=note,
        )
    claim = full_claim(complaint)
    settle(
        case,
        "accept_claim",
        actor=representative,
        party=Party.MERCHANT,
        terms=claim.terms,
        amount=claim.amount,
        currency=claim.currency,
        payer=Settlement.Payer.MERCHANT,
        payer_merchant_id=merchant_id,
        now=now,
        uow=uow,
    )
    uow.commit()
    return case


@transaction.atomic
def merchant_make_offer(
    *,
    case_id: int,
    representative,
    kind: str,
    amount=None,
    currency: str = "",
    terms: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Offer:
    """awaiting_merchant -> negotiation: the merchant answers with an offer."""
    now = now_or(now)
    case = lock(case_id, expected_version)
    merchant_id = merchant_of(case, representative)
    check(case, "merchant_offer")
    values = validated_offer(case, kind=kind, amount=amount, currency=currency, terms=terms)
    offer = create_offer(
        case,
        user=representative,
        party=Party.MERCHANT,
        values=values,
        payer=Settlement.Payer.MERCHANT,
        payer_merchant_id=merchant_id,
    )
    uow = UnitOfWork()
    _answered(
        case,
        rules.target("merchant_offer"),
        kind="merchant_offered",
        actor=representative,
        now=now,
        uow=uow,
        data={"offer_id": offer.pk},
    )
    uow.notice(
        case,
        "offer_made",
        consumer=gettext_lazy(
            "The merchant answered your complaint %(reference)s with an offer. Accept, reject "
            "or counter it on the case page."
        ),
    )
    uow.commit()
    return offer


@transaction.atomic
def merchant_dispute(
    *,
    case_id: int,
    representative,
    reasons: str,
    attachment=None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """awaiting_merchant -> negotiation: the merchant disputes the claim, giving its reasons
    and, if it has one, its evidence (an uploaded file that becomes an evidence item of the
    complaint, like a message attachment; UploadRejected names it and nothing is changed)."""
    now = now_or(now)
    case = lock(case_id, expected_version)
    merchant_of(case, representative)
    check(case, "dispute")
    reasons = required_text("reasons", reasons, _("Explain why you dispute the claim."))
    evidence = None
    if attachment is not None:
        evidence = evidence_add_file(
            complaint=case.complaint, upload=attachment, submitted_by=representative
        )
    Message.objects.create(
        case=case,
        author=representative,
        party=Party.MERCHANT,
        body=reasons,
        attachment=evidence,
    )
    uow = UnitOfWork()
    _answered(
        case,
        rules.target("dispute"),
        kind="merchant_disputed",
        actor=representative,
        now=now,
        uow=uow,
        note=reasons,
        data={"evidence_id": evidence.pk} if evidence else None,
    )
    uow.notice(
        case,
        "merchant_disputed",
        consumer=gettext_lazy(
            "The merchant disputes your complaint %(reference)s. Read its reasons and answer on "
            "the case page, or ask for mediation."
        ),
    )
    uow.commit()
    return case
