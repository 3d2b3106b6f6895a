"""Collective cases: several consumers' cases against one merchant for one cause, made by a
mediator, joined by consumers, answered by the merchant once for the group. Each member case
keeps its own moves (every offer goes through offers.py, every settlement is its own)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.money import share_of

from .. import rules, selectors
from ..models import Case, CaseState, CollectiveCase, Offer, Party
from ._kernel import NotPermitted, UnitOfWork, merchant_of, now_or, require_mediator
from .answer import merchant_make_offer
from .offers import offer_make

JOINABLE_STATES = selectors.JOINABLE_STATES


class CollectiveMismatch(ValidationError):
    """The cases are not against the same merchant for the same problem, or cannot join."""


def _reference(collective: CollectiveCase) -> str:
    return f"GR-{collective.created_at.year}-{collective.pk:06d}"


def _cause(case: Case) -> tuple[int | None, str]:
    """(the seller's merchant id, the category): what members of one collective case share."""
    return selectors.seller_merchant_id(case), case.complaint.category


def _join(case: Case, collective: CollectiveCase, *, actor, party: str, kind: str, uow) -> None:
    case.collective = collective
    uow.save(case, ["collective"])
    uow.event(
        case=case,
        kind=kind,
        actor=actor,
        party=party,
        from_state=case.state,
        data={"collective": collective.reference},
    )


@transaction.atomic
def collective_create(
    *, case_ids: list[int], mediator, title: str = "", lead_id: int | None = None
) -> CollectiveCase:
    """A mediator groups open cases against one merchant for the same problem. The lead is the
    earliest submitted unless named; it is the case the group is known by."""
    require_mediator(mediator)
    ids = sorted(set(case_ids))
    # One lock order (by id) for every caller: two mediators grouping overlapping cases wait.
    cases = list(
        Case.objects.select_for_update(of=("self",))
        .select_related("complaint")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    if len(cases) < 2 or len(cases) != len(ids):
        raise CollectiveMismatch(_("Choose at least two cases to group."))
    causes = {_cause(case) for case in cases}
    merchant_id, category = next(iter(causes))
    if len(causes) != 1 or merchant_id is None:
        raise CollectiveMismatch(
            _("Only cases against the same merchant, for the same problem, can be grouped.")
        )
    if any(case.collective_id for case in cases):
        raise CollectiveMismatch(_("A case chosen is already part of a collective case."))
    if any(case.state not in JOINABLE_STATES for case in cases):
        raise CollectiveMismatch(
            _("Only cases accepted at screening and not yet settled or closed can be grouped.")
        )
    by_submission = sorted(cases, key=lambda c: (c.complaint.submitted_at, c.pk))
    lead = next((c for c in cases if c.pk == lead_id), by_submission[0])
    merchant = selectors.merchant_by_id(merchant_id)
    collective = CollectiveCase.objects.create(
        reference=f"GR-pending-{lead.pk}",
        merchant=merchant,
        category=category,
        title=(title or "").strip()[:200]
        or f"{merchant.display_name}: {lead.complaint.get_category_display()}",
        lead=lead,
        created_by=mediator,
    )
    collective.reference = _reference(collective)
    collective.save(update_fields=["reference"])
    uow = UnitOfWork()
    for case in cases:
        _join(
            case, collective, actor=mediator, party=Party.MEDIATOR, kind="collective_made", uow=uow
        )
    uow.commit()
    return collective


@transaction.atomic
def collective_join(*, case_id: int, collective_id: int, consumer) -> Case:
    """The consumer of an open case joins a collective case against the same merchant for the
    same problem ("Join 23 others")."""
    case = Case.objects.select_for_update(of=("self",)).select_related("complaint").get(pk=case_id)
    if consumer is None or case.complaint.consumer_id != consumer.pk:
        raise NotPermitted(_("Only the consumer who filed the complaint can do this."))
    collective = CollectiveCase.objects.select_related("lead").get(pk=collective_id)
    if case.collective_id == collective.pk:
        return case
    if case.collective_id:
        raise CollectiveMismatch(_("This case is already part of a collective case."))
    if _cause(case) != (collective.merchant_id, collective.category):
        raise CollectiveMismatch(
            _("This collective case is against another merchant or about another problem.")
        )
    if case.state not in JOINABLE_STATES or collective.lead.state not in JOINABLE_STATES:
        raise CollectiveMismatch(_("This case can no longer join the collective case."))
    uow = UnitOfWork()
    _join(case, collective, actor=consumer, party=Party.CONSUMER, kind="collective_joined", uow=uow)
    uow.commit()
    return case


@transaction.atomic
def collective_offer(
    *,
    collective_id: int,
    representative,
    kind: str,
    terms: str = "",
    share: Decimal | None = None,
    now: datetime | None = None,
) -> list[Offer]:
    """The merchant's one offer to the group, made to each member case that can take it: for a
    refund or compensation, ``share`` per cent of what each consumer paid. Each consumer then
    accepts or refuses it on their own case, and each settlement is paid and confirmed alone.
    A member whose answer is already due gets it as the merchant's answer."""
    now = now_or(now)
    collective = CollectiveCase.objects.get(pk=collective_id)
    if kind in rules.MONEY_KINDS and (share is None or not Decimal(0) < share <= Decimal(100)):
        raise ValidationError(
            {"share": _("Give the share of what each consumer paid, from 1 to 100 per cent.")}
        )
    members = list(
        collective.members.select_related("complaint")
        .filter(state__in=(CaseState.AWAITING_MERCHANT, CaseState.NEGOTIATION))
        .order_by("pk")
    )
    if not members:
        raise CollectiveMismatch(_("No case of the group is waiting for an offer."))
    offers = []
    for case in members:
        merchant_of(case, representative)
        complaint = case.complaint
        amount = (
            share_of(complaint.amount, share, complaint.currency)
            if kind in rules.MONEY_KINDS
            else None
        )
        values = {
            "kind": kind,
            "amount": amount,
            "currency": complaint.currency if amount is not None else "",
            "terms": terms,
        }
        if case.state == CaseState.AWAITING_MERCHANT:
            offers.append(
                merchant_make_offer(
                    case_id=case.pk, representative=representative, now=now, **values
                )
            )
        else:
            offers.append(offer_make(case_id=case.pk, user=representative, now=now, **values))
    return offers
