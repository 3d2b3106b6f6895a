"""Negotiation: the parties' offers and counter-offers, and their answers to them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.money import check_amount_bound, parse_amount, validate_currency
from core.text import clean_text

from .. import rules
from ..models import Case, Offer, Party, Settlement
from ._kernel import (
    TransitionNotAllowed,
    UnitOfWork,
    check,
    lock,
    lock_offer,
    merchant_of,
    note_merchant_answer,
    now_or,
    other,
    party_of,
    supersede_open_offers,
)
from .settlement import settle


def validated_offer(
    case: Case, *, kind: str, amount, currency: str, terms: str, beyond_bound_reason=None
) -> dict:
    """Field errors (kind, amount, currency, terms) or the clean values of an offer. The amount
    is bounded by the amount paid (core.money.amount_bound); ``beyond_bound_reason`` is the
    mediator's alone: given, the bound is lifted."""
    errors: dict[str, str] = {}
    if kind not in Offer.Kind.values:
        errors["kind"] = _("Choose what is offered.")
    code = (currency or "").strip().upper()
    order_currency = (case.complaint.currency or "").upper()
    value: Decimal | None = None
    if amount in (None, ""):
        if kind in rules.MONEY_KINDS:
            errors["amount"] = _("Enter the amount offered.")
    else:
        try:
            value = parse_amount(amount, currency=code or order_currency)
        except ValidationError as exc:
            errors["amount"] = exc.messages[0]
    if value is not None or code:
        if not code:
            code = order_currency
        try:
            code = validate_currency(code)
        except ValidationError as exc:
            errors["currency"] = exc.messages[0]
        else:
            if order_currency and code != order_currency:
                errors["currency"] = _(
                    "Offers on this case are in %(currency)s, the currency of the order."
                ) % {"currency": order_currency}
    if value is not None and "amount" not in errors and not beyond_bound_reason:
        try:
            check_amount_bound(
                value, kind=kind, paid=case.complaint.amount, currency=order_currency
            )
        except ValidationError as exc:
            errors["amount"] = exc.messages[0]
            if beyond_bound_reason is not None:
                errors["beyond_bound_reason"] = _(
                    "To propose more, give the reason: it is recorded in the case's history."
                )
    terms = clean_text(terms or "", multiline=True).strip()
    if value is None and not terms and "amount" not in errors:
        errors["terms"] = _("Describe what is offered.")
    if errors:
        raise ValidationError(errors)
    return {
        "kind": kind,
        "amount": value,
        "currency": code if value is not None else "",
        "terms": terms,
    }


def create_offer(case: Case, *, user, party: str, values: dict, **extra) -> Offer:
    return Offer.objects.create(case=case, made_by=user, party=party, **values, **extra)


def _to_the_other_side(party: str, text) -> dict:
    """The notice texts for whoever did not act (the other party)."""
    return {
        "consumer": text if party == Party.MERCHANT else None,
        "merchant": text if party == Party.CONSUMER else None,
    }


@transaction.atomic
def offer_make(
    *,
    case_id: int,
    user,
    kind: str,
    amount=None,
    currency: str = "",
    terms: str = "",
    counter_to: int | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Offer:
    """An offer, or a counter-offer to the other side's open offer. It replaces the open offers
    of both parties: only the latest proposal between them stands."""
    now = now_or(now)
    case = lock(case_id, expected_version)
    party = party_of(case, user)
    check(case, "offer")
    if counter_to is not None:
        countered = Offer.objects.filter(pk=counter_to, case=case).first()
        if (
            countered is None
            or countered.state != Offer.State.OPEN
            or countered.party != other(party)
        ):
            raise TransitionNotAllowed(_("That offer can no longer be countered."))
    values = validated_offer(case, kind=kind, amount=amount, currency=currency, terms=terms)
    extra = {}
    uow = UnitOfWork()
    uow.save(case)
    if party == Party.MERCHANT:
        extra = {"payer": Settlement.Payer.MERCHANT, "payer_merchant_id": merchant_of(case, user)}
        uow.save(case, note_merchant_answer(case, now))
    supersede_open_offers(case, parties=(Party.CONSUMER, Party.MERCHANT), now=now)
    offer = create_offer(case, user=user, party=party, values=values, **extra)
    uow.event(
        case=case,
        kind="offer_countered" if counter_to else "offer_made",
        actor=user,
        party=party,
        from_state=case.state,
        data={"offer_id": offer.pk, "counter_to": counter_to},
    )
    uow.notice(
        case,
        "offer_made",
        **_to_the_other_side(
            party, gettext_lazy("There is a new offer on case %(reference)s. Please answer it.")
        ),
        mediator=gettext_lazy("A party made an offer on case %(reference)s."),
    )
    uow.commit()
    return offer


def _answerable(offer_id: int, expected_version: int | None, user, action: str):
    """The case (locked), the offer and the answering party, once the move is allowed."""
    case, offer = lock_offer(offer_id, expected_version)
    party = party_of(case, user)
    check(case, action)
    return case, offer, party


def _answer(offer: Offer, state: str, now: datetime) -> None:
    offer.state = state
    offer.responded_at = now
    offer.save(update_fields=["state", "responded_at"])


@transaction.atomic
def offer_accept(
    *,
    offer_id: int,
    user,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Settlement:
    """The other side accepts an open offer: the case settles on its terms."""
    now = now_or(now)
    case, offer, party = _answerable(offer_id, expected_version, user, "accept_offer")
    if offer.state != Offer.State.OPEN or offer.party != other(party):
        raise TransitionNotAllowed(_("This offer cannot be accepted any more."))
    _answer(offer, Offer.State.ACCEPTED, now)
    payer_merchant_id = offer.payer_merchant_id
    uow = UnitOfWork()
    if party == Party.MERCHANT:
        payer_merchant_id = merchant_of(case, user)
        uow.save(case, note_merchant_answer(case, now))
    uow.event(
        case=case,
        kind="offer_accepted",
        actor=user,
        party=party,
        from_state=case.state,
        data={"offer_id": offer.pk},
    )
    settlement = settle(
        case,
        "accept_offer",
        actor=user,
        party=party,
        terms=offer.terms,
        amount=offer.amount,
        currency=offer.currency,
        payer=Settlement.Payer.MERCHANT,
        payer_merchant_id=payer_merchant_id,
        offer=offer,
        now=now,
        uow=uow,
    )
    uow.commit()
    return settlement


@transaction.atomic
def offer_reject(
    *,
    offer_id: int,
    user,
    reason: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Offer:
    now = now_or(now)
    case, offer, party = _answerable(offer_id, expected_version, user, "reject_offer")
    if offer.state != Offer.State.OPEN or offer.party != other(party):
        raise TransitionNotAllowed(_("This offer cannot be rejected any more."))
    _answer(offer, Offer.State.REJECTED, now)
    uow = UnitOfWork()
    uow.save(case, note_merchant_answer(case, now) if party == Party.MERCHANT else [])
    uow.event(
        case=case,
        kind="offer_rejected",
        actor=user,
        party=party,
        from_state=case.state,
        note=reason.strip(),
        data={"offer_id": offer.pk},
    )
    uow.notice(
        case,
        "offer_rejected",
        **_to_the_other_side(party, gettext_lazy("Your offer on case %(reference)s was rejected.")),
    )
    uow.commit()
    return offer


@transaction.atomic
def offer_withdraw(
    *,
    offer_id: int,
    user,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Offer:
    now = now_or(now)
    case, offer, party = _answerable(offer_id, expected_version, user, "withdraw_offer")
    if offer.state != Offer.State.OPEN or offer.party != party:
        raise TransitionNotAllowed(_("This offer cannot be withdrawn any more."))
    _answer(offer, Offer.State.WITHDRAWN, now)
    uow = UnitOfWork()
    uow.save(case)
    uow.event(
        case=case,
        kind="offer_withdrawn",
        actor=user,
        party=party,
        from_state=case.state,
        data={"offer_id": offer.pk},
    )
    uow.notice(
        case,
        "offer_withdrawn",
        **_to_the_other_side(party, gettext_lazy("An offer on case %(reference)s was withdrawn.")),
    )
    uow.commit()
    return offer
