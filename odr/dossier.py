"""The case dossier: what a consumer authority, arbitrator or court needs, as one plain dict
(the print-ready page and the JSON export are two renderings of it)."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone

from complaints import rights
from complaints.models import EvidenceItem, Respondent

from . import events
from .models import Case, Offer, Settlement


def iso_time(value) -> str | None:
    """ISO 8601; times in UTC to the second (what a reader outside any zone can rely on)."""
    if not value:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(microsecond=0).isoformat()
    return value.isoformat()


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"name": user.full_name, "email": user.email}


def _merchant(merchant) -> dict | None:
    if merchant is None:
        return None
    return {
        "id": merchant.pk,
        "legal_name": merchant.legal_name,
        "legal_name_latin": merchant.legal_name_latin,
        "country": str(merchant.country),
        "country_name": str(merchant.country.name) if merchant.country else "",
        "registration_number": merchant.registration_number,
        "registry": merchant.registry,
        "registered_address": merchant.registered_address,
        "responsible_person": merchant.responsible_person,
        "contact_email": merchant.contact_email,
        "contact_phone": merchant.contact_phone,
        "website": merchant.website,
        "verification": merchant.verification_state,
        "verification_label": merchant.get_verification_state_display(),
    }


def _offer(offer: Offer) -> dict:
    return {
        "id": offer.pk,
        "made_at": iso_time(offer.created_at),
        "by": offer.party,
        "by_label": offer.get_party_display(),
        "kind": offer.kind,
        "kind_label": offer.get_kind_display(),
        "amount": str(offer.amount) if offer.amount is not None else None,
        "currency": offer.currency,
        "terms": offer.terms,
        "state": offer.state,
        "state_label": offer.get_state_display(),
        "answered_at": iso_time(offer.responded_at),
        "consumer_accepted_at": iso_time(offer.consumer_accepted_at),
        "merchant_accepted_at": iso_time(offer.merchant_accepted_at),
    }


def _settlement(settlement: Settlement | None) -> dict | None:
    if settlement is None:
        return None
    return {
        "terms": settlement.terms,
        "amount": str(settlement.amount) if settlement.amount is not None else None,
        "currency": settlement.currency,
        "payer": settlement.payer,
        "payer_label": settlement.get_payer_display(),
        "payer_merchant": _merchant(settlement.payer_merchant),
        "recovered_from": _merchant(settlement.recovered_from),
        "due_at": iso_time(settlement.due_at),
        "paid_confirmed_at": iso_time(settlement.paid_confirmed_at),
        "agreed_at": iso_time(settlement.created_at),
    }


def complaint_data(complaint) -> dict:
    """The complaint as the consumer filed it (the dossier's and the data export's view)."""
    return {
        "submitted_at": iso_time(complaint.submitted_at),
        "language": complaint.language,
        "purchase_mode": complaint.get_purchase_mode_display() if complaint.purchase_mode else "",
        "shop_name": complaint.shop_name,
        "shop_url": complaint.shop_url,
        "platform_name": complaint.platform_name,
        "agent_name": complaint.agent_name,
        "order_number": complaint.order_number,
        "order_date": iso_time(complaint.order_date),
        "item_description": complaint.item_description,
        "amount": str(complaint.amount) if complaint.amount is not None else None,
        "currency": complaint.currency,
        "payment_method": complaint.get_payment_method_display()
        if complaint.payment_method
        else "",
        "category": complaint.get_category_display() if complaint.category else "",
        "right_at_stake": complaint.get_right_at_stake_display()
        if complaint.right_at_stake
        else "",
        "description": complaint.description,
        "remedy": complaint.get_remedy_display() if complaint.remedy else "",
        "remedy_amount": str(complaint.remedy_amount)
        if complaint.remedy_amount is not None
        else None,
        "remedy_details": complaint.remedy_details,
        "consumer_country": str(complaint.consumer_country or ""),
        "delivery": complaint.get_delivery_display() if complaint.delivery else "",
        "delivery_date": iso_time(complaint.delivery_date),
        "seller_informed": complaint.get_seller_informed_display()
        if complaint.seller_informed
        else "",
        "goods_exception": complaint.get_goods_exception_display()
        if complaint.goods_exception
        else "",
    }


def rights_data(complaint) -> dict:
    """The consumer's withdrawal rights as complaints.rights computes them today, with the
    version of the rules used."""
    return {
        "method_version": rights.METHOD_VERSION,
        "as_of": timezone.localdate().isoformat(),
        "rights": [
            {
                "code": r.code,
                "title": str(r.title),
                "status": r.status,
                "deadline": iso_time(r.deadline),
                "deadline_if_not_informed": iso_time(r.deadline_if_not_informed),
                "remedy": str(r.remedy),
                "legal_basis": str(r.legal_basis),
                "source_url": r.source_url,
                "note": str(r.note),
            }
            for r in rights.complaint_rights(complaint, today=timezone.localdate())
        ],
    }


def respondents_data(complaint) -> list[dict]:
    respondents = Respondent.objects.filter(complaint=complaint).select_related("merchant")
    return [
        {
            "role": r.role,
            "role_label": r.get_role_display(),
            "merchant": _merchant(r.merchant),
            "named_name": r.named_name,
            "named_url": r.named_url,
            "reason": r.reason,
            "reason_label": r.get_reason_display() if r.reason else "",
        }
        for r in respondents
    ]


def evidence_data(complaint) -> list[dict]:
    evidence = EvidenceItem.objects.filter(complaint=complaint).select_related("submitted_by")
    return [
        {
            "id": item.pk,
            "kind": item.kind,
            "label": item.label,
            "content_type": item.content_type,
            "size": item.size,
            # Of the copy kept (what integrity verifies) and of the file as received: a photo is
            # kept without its metadata, and its sender proves the original with the second.
            "sha256": item.sha256,
            "received_sha256": item.received_sha256,
            "metadata_removed": item.metadata_removed,
            "text": item.text,
            "submitted_at": iso_time(item.submitted_at),
            "submitted_by": item.submitted_by.full_name,
            "erased_at": iso_time(item.erased_at),
        }
        for item in evidence
    ]


def case_dossier(case: Case) -> dict:
    """Identities, the complaint, the timeline, every evidence item with its SHA-256, the
    messages between the parties (never internal notes), offers, settlement and the mediator's
    summary."""
    complaint = case.complaint
    timeline = case.events.select_related("actor").order_by("created_at", "pk")
    messages = case.messages.filter(internal=False).order_by("created_at", "pk")
    offers = case.offers.select_related("payer_merchant", "recovered_from").order_by(
        "created_at", "pk"
    )
    settlement = (
        Settlement.objects.filter(case=case)
        .select_related("payer_merchant", "recovered_from")
        .first()
    )
    return {
        "reference": complaint.reference,
        "generated_at": iso_time(timezone.now()),
        "state": case.state,
        "state_label": case.get_state_display(),
        "outcome": case.outcome,
        "outcome_label": case.get_outcome_display() if case.outcome else "",
        "opened_at": iso_time(case.created_at),
        "accepted_at": iso_time(case.accepted_at),
        "closed_at": iso_time(case.closed_at),
        "pseudonymised_at": iso_time(complaint.pseudonymised_at),
        "rejection_reason": case.rejection_reason,
        "consumer": _person(complaint.consumer),
        "mediator": _person(case.mediator),
        "respondents": respondents_data(complaint),
        "complaint": complaint_data(complaint),
        "rights": rights_data(complaint),
        "evidence": evidence_data(complaint),
        "timeline": [
            {
                "at": iso_time(event.created_at),
                "kind": event.kind,
                "what": events.label(event),
                "by": events.by(event),
                "from_state": event.from_state,
                "to_state": event.to_state,
                "note": event.note,
                # Its place and hash in the case's chain (docs/operations.md): whoever receives
                # the dossier can later check it against Redress's record.
                "seq": event.seq,
                "hash": event.hash,
            }
            for event in timeline
        ],
        "messages": [
            {
                "at": iso_time(m.created_at),
                "by": m.party,
                "by_label": m.get_party_display(),
                "body": m.body,
            }
            for m in messages
        ],
        "offers": [_offer(offer) for offer in offers],
        "settlement": _settlement(settlement),
        "mediator_summary": case.mediator_summary,
    }
