"""Settlement: what was agreed and who pays by when, its confirmation, a platform's advance
compensation, and a settlement not paid in time."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from merchants.models import Merchant

from ..deadlines import deadline_for
from ..models import Case, Offer, Outcome, Party, Settlement
from ..selectors import linked_merchant_ids
from ._kernel import (
    ALL_PARTIES,
    K,
    S,
    UnitOfWork,
    check,
    enter,
    lock,
    now_or,
    require_consumer,
    require_mediator,
    set_deadline,
    supersede_open_offers,
)
from .closing import close
from .mediation import MediatorPool, auto_assign, record_assignment


def settle(
    case: Case,
    action: str,
    *,
    actor,
    party: str | None,
    terms: str,
    amount: Decimal | None,
    currency: str,
    payer: str,
    payer_merchant_id: int | None,
    recovered_from_id: int | None = None,
    offer: Offer | None = None,
    now: datetime,
    uow: UnitOfWork,
) -> Settlement:
    """negotiation or mediation -> settled: record what was agreed and who pays by when."""
    from_state = case.state
    supersede_open_offers(case, parties=ALL_PARTIES, now=now)
    settlement = Settlement.objects.create(
        case=case,
        offer=offer,
        terms=terms or (offer.get_kind_display() if offer else ""),
        amount=amount,
        currency=currency,
        payer=payer or Settlement.Payer.MERCHANT,
        payer_merchant_id=payer_merchant_id,
        recovered_from_id=recovered_from_id,
        due_at=deadline_for(K.FULFILMENT, start=now),
    )
    fields = [*enter(case, action), "awaiting_consumer_info"]
    fields += set_deadline(case, K.FULFILMENT, now)
    case.awaiting_consumer_info = False
    uow.save(case, fields)
    uow.event(
        case=case,
        kind="settled",
        actor=actor,
        party=party,
        from_state=from_state,
        data={"settlement_id": settlement.pk, "in_mediation": from_state == S.MEDIATION},
    )
    uow.notice(
        case,
        "settled",
        consumer=gettext_lazy(
            "A settlement was agreed on case %(reference)s. Confirm on the case page once you "
            "have received it."
        ),
        merchant=gettext_lazy(
            "A settlement was agreed on case %(reference)s. Please fulfil it by the due date."
        ),
        mediator=gettext_lazy("A settlement was agreed on case %(reference)s."),
        exclude=(actor,),
    )
    return settlement


@transaction.atomic
def settlement_confirm_paid(
    *,
    case_id: int,
    consumer,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """settled (or escalated, when paid late) -> resolved: the consumer received the money or
    the goods."""
    now = now_or(now)
    case = lock(case_id, expected_version)
    require_consumer(case, consumer)
    check(case, "confirm_paid")
    settlement = Settlement.objects.get(case=case)
    settlement.paid_confirmed_at = now
    settlement.save(update_fields=["paid_confirmed_at"])
    if settlement.payer == Settlement.Payer.PLATFORM_IN_ADVANCE:
        outcome = Outcome.COMPENSATED_IN_ADVANCE
    elif case.events.filter(kind="settled", from_state=S.MEDIATION).exists():
        outcome = Outcome.SETTLED_IN_MEDIATION
    else:
        outcome = Outcome.RESOLVED_BY_MERCHANT
    from_state = case.state
    uow = UnitOfWork()
    text = gettext_lazy(
        "The consumer confirmed receiving the settlement: case %(reference)s is resolved."
    )
    uow.notice(case, "resolved", merchant=text, mediator=text)
    close(case, "confirm_paid", outcome=outcome, now=now, uow=uow)
    uow.event(
        case=case,
        kind="payment_confirmed",
        actor=consumer,
        party=Party.CONSUMER,
        from_state=from_state,
    )
    uow.commit()
    return case


@transaction.atomic
def settlement_compensate_in_advance(
    *,
    case_id: int,
    mediator,
    platform_id: int,
    note: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Settlement:
    """An escalated settlement is paid by the platform in advance, which recovers the amount
    from the merchant that should have paid; recorded as such on the settlement."""
    now = now_or(now)
    case = lock(case_id, expected_version)
    require_mediator(mediator)
    check(case, "compensate_in_advance")
    settlement = Settlement.objects.get(case=case)
    recovered_from = settlement.payer_merchant_id or min(linked_merchant_ids(case), default=None)
    if not Merchant.objects.filter(pk=platform_id).exists():
        raise ValidationError({"platform": _("Choose the platform that pays in advance.")})
    if recovered_from is None or int(platform_id) == recovered_from:
        raise ValidationError(
            {"platform": _("The platform must be another party than the merchant that owes.")}
        )
    settlement.payer = Settlement.Payer.PLATFORM_IN_ADVANCE
    settlement.recovered_from_id = recovered_from
    settlement.payer_merchant_id = int(platform_id)
    settlement.save(update_fields=["payer", "recovered_from", "payer_merchant"])
    uow = UnitOfWork()
    uow.save(case)
    uow.event(
        case=case,
        kind="compensation_in_advance",
        actor=mediator,
        from_state=case.state,
        note=note.strip(),
        data={"platform_id": int(platform_id), "recovered_from_id": recovered_from},
    )
    uow.notice(
        case,
        "compensation_in_advance",
        consumer=gettext_lazy(
            "The platform will pay the settlement of case %(reference)s in advance. Confirm on "
            "the case page once you have received it."
        ),
        merchant=gettext_lazy(
            "The platform pays the settlement of case %(reference)s in advance and will "
            "recover it from you."
        ),
    )
    uow.commit()
    return settlement


def expire_fulfilment(case: Case, *, now: datetime, uow: UnitOfWork, pool: MediatorPool) -> str:
    """A settlement not confirmed paid in time goes back to the mediator, who has a mediation
    period to get it paid or refer the case."""
    from_state = case.state
    fields = [*enter(case, "expire_fulfilment"), *set_deadline(case, K.MEDIATION, now)]
    assigned = auto_assign(case, pool=pool)
    uow.save(case, fields + assigned)
    uow.event(case=case, kind="fulfilment_expired", from_state=from_state)
    if assigned:
        record_assignment(case, actor=None, from_state=case.state, uow=uow)
    uow.notice(
        case,
        "escalated",
        consumer=gettext_lazy(
            "The settlement of case %(reference)s was not confirmed as paid in time. A "
            "mediator is following it up; confirm on the case page if you have been paid."
        ),
        merchant=gettext_lazy(
            "The settlement of case %(reference)s was not paid in time and went back to "
            "the mediator."
        ),
        mediator=None
        if assigned
        else gettext_lazy("The settlement of case %(reference)s was not paid in time."),
    )
    return "fulfilment_expired"
