"""The mediator's settlement proposal and the parties' answers: both accepting settles."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.money import amount_bound
from core.text import clean_text
from merchants.models import Merchant

from ..models import Case, Offer, Party, Settlement
from ..selectors import linked_merchant_ids
from ._kernel import (
    ALL_PARTIES,
    TransitionNotAllowed,
    UnitOfWork,
    check,
    lock,
    lock_offer,
    note_merchant_answer,
    now_or,
    party_of,
    require_mediator,
    supersede_open_offers,
)
from .offers import create_offer, validated_offer
from .settlement import settle


def _payer_fields(case: Case, *, payer: str, payer_merchant_id, recovered_from_id) -> dict:
    linked = linked_merchant_ids(case)
    errors: dict[str, str] = {}
    if payer not in Settlement.Payer.values:
        errors["payer"] = _("Choose who pays.")
    if payer == Settlement.Payer.PLATFORM_IN_ADVANCE:
        if not payer_merchant_id or not Merchant.objects.filter(pk=payer_merchant_id).exists():
            errors["payer_merchant"] = _("Choose the platform that pays in advance.")
        if not recovered_from_id or int(recovered_from_id) not in linked:
            errors["recovered_from"] = _(
                "Choose the merchant, named in the complaint, the platform recovers from."
            )
        elif payer_merchant_id and int(payer_merchant_id) == int(recovered_from_id):
            errors["recovered_from"] = _("The platform cannot recover the amount from itself.")
    else:
        if payer_merchant_id and int(payer_merchant_id) not in linked:
            errors["payer_merchant"] = _("Choose a merchant named in the complaint.")
        payer_merchant_id = payer_merchant_id or (min(linked) if linked else None)
        recovered_from_id = None
    if errors:
        raise ValidationError(errors)
    return {
        "payer": payer,
        "payer_merchant_id": int(payer_merchant_id) if payer_merchant_id else None,
        "recovered_from_id": int(recovered_from_id) if recovered_from_id else None,
    }


@transaction.atomic
def mediator_propose_settlement(
    *,
    case_id: int,
    mediator,
    kind: str,
    amount=None,
    currency: str = "",
    terms: str,
    payer: str = Settlement.Payer.MERCHANT,
    payer_merchant_id: int | None = None,
    recovered_from_id: int | None = None,
    beyond_bound_reason: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Offer:
    """The mediator's proposal: each party accepts or rejects it; both accepting settles. Its
    amount may exceed the bound on offers (core.money.amount_bound) only with
    ``beyond_bound_reason``, which the event records."""
    now = now_or(now)
    case = lock(case_id, expected_version)
    require_mediator(mediator)
    check(case, "propose_settlement")
    errors = {}
    beyond_bound_reason = clean_text(beyond_bound_reason or "", multiline=True).strip()
    try:
        values = validated_offer(
            case,
            kind=kind,
            amount=amount,
            currency=currency,
            terms=terms,
            beyond_bound_reason=beyond_bound_reason,
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not (terms or "").strip():
        errors.setdefault("terms", [_("Write the terms of the settlement.")])
    try:
        payer_values = _payer_fields(
            case,
            payer=payer,
            payer_merchant_id=payer_merchant_id,
            recovered_from_id=recovered_from_id,
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    supersede_open_offers(case, parties=ALL_PARTIES, now=now)
    offer = create_offer(case, user=mediator, party=Party.MEDIATOR, values=values, **payer_values)
    uow = UnitOfWork()
    uow.save(case)
    data = {"offer_id": offer.pk}
    bound = amount_bound(kind, case.complaint.amount)
    if values["amount"] is not None and bound is not None and values["amount"] > bound:
        data.update(bound=str(bound), beyond_bound_reason=beyond_bound_reason)
    uow.event(
        case=case,
        kind="settlement_proposed",
        actor=mediator,
        from_state=case.state,
        data=data,
    )
    text = gettext_lazy(
        "The mediator proposed a settlement on case %(reference)s. Accept or reject it on the "
        "case page."
    )
    uow.notice(case, "settlement_proposed", consumer=text, merchant=text)
    uow.commit()
    return offer


def _lock_proposal(
    offer_id: int, expected_version: int | None, user, *, action: str
) -> tuple[Case, Offer, str]:
    case, offer = lock_offer(offer_id, expected_version)
    party = party_of(case, user)
    check(case, action)
    accepted_at = (
        offer.consumer_accepted_at if party == Party.CONSUMER else offer.merchant_accepted_at
    )
    if offer.party != Party.MEDIATOR or offer.state != Offer.State.OPEN or accepted_at:
        raise TransitionNotAllowed(_("This proposal cannot be answered any more."))
    return case, offer, party


@transaction.atomic
def settlement_accept(
    *,
    offer_id: int,
    user,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Offer:
    """One party accepts the mediator's proposal; when both have, mediation -> settled."""
    now = now_or(now)
    case, offer, party = _lock_proposal(
        offer_id, expected_version, user, action="accept_settlement"
    )
    if party == Party.CONSUMER:
        offer.consumer_accepted_at = now
    else:
        offer.merchant_accepted_at = now
    both = offer.consumer_accepted_at and offer.merchant_accepted_at
    if both:
        offer.state = Offer.State.ACCEPTED
        offer.responded_at = now
    offer.save(
        update_fields=["consumer_accepted_at", "merchant_accepted_at", "state", "responded_at"]
    )
    uow = UnitOfWork()
    uow.save(case, note_merchant_answer(case, now) if party == Party.MERCHANT else [])
    uow.event(
        case=case,
        kind="settlement_accepted",
        actor=user,
        party=party,
        from_state=case.state,
        data={"offer_id": offer.pk},
    )
    if both:
        # The condition of the table's accept_settlement: both parties accepted.
        settle(
            case,
            "accept_settlement",
            actor=user,
            party=party,
            terms=offer.terms,
            amount=offer.amount,
            currency=offer.currency,
            payer=offer.payer,
            payer_merchant_id=offer.payer_merchant_id,
            recovered_from_id=offer.recovered_from_id,
            offer=offer,
            now=now,
            uow=uow,
        )
    else:
        text = gettext_lazy(
            "The other party accepted the mediator's proposal on case %(reference)s."
        )
        uow.notice(
            case,
            "settlement_accepted",
            consumer=text if party == Party.MERCHANT else None,
            merchant=text if party == Party.CONSUMER else None,
            mediator=gettext_lazy("A party accepted your proposal on case %(reference)s."),
        )
    uow.commit()
    return offer


@transaction.atomic
def settlement_reject(
    *,
    offer_id: int,
    user,
    reason: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Offer:
    """A party rejects the mediator's proposal; mediation continues."""
    now = now_or(now)
    case, offer, party = _lock_proposal(
        offer_id, expected_version, user, action="reject_settlement"
    )
    offer.state = Offer.State.REJECTED
    offer.responded_at = now
    offer.save(update_fields=["state", "responded_at"])
    uow = UnitOfWork()
    uow.save(case, note_merchant_answer(case, now) if party == Party.MERCHANT else [])
    uow.event(
        case=case,
        kind="settlement_rejected",
        actor=user,
        party=party,
        from_state=case.state,
        note=reason.strip(),
        data={"offer_id": offer.pk},
    )
    text = gettext_lazy("The mediator's proposal on case %(reference)s was rejected.")
    uow.notice(
        case,
        "settlement_rejected",
        consumer=text if party == Party.MERCHANT else None,
        merchant=text if party == Party.CONSUMER else None,
        mediator=text,
    )
    uow.commit()
    return offer
