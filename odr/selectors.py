"""Reads of cases that more than one caller needs."""

from __future__ import annotations

from django.db.models import F, QuerySet

from complaints.models import Respondent


def credit_case_rows() -> QuerySet:
    """What the credit engine reads: one row per (linked merchant, case) as plain values.

    Columns: merchant_id, case_id, state, outcome, accepted_at, merchant_response_due_at,
    merchant_responded_at, closed_at, settlement_due_at, settlement_paid_at, amount, currency,
    category. Unlinked respondents (only named by the consumer) never appear: no credit is
    computed for a name. A merchant named twice on one complaint (say, as agent and as seller)
    appears once per role; callers that count cases use ``case_id`` distinctly.

    This is the only way credit reads ODR data, so the ODR services must keep these columns true:
    accepted_at when screening accepts, merchant_response_due_at/merchant_responded_at for the
    first answer, outcome and closed_at when a case closes, and the settlement's due and paid
    times.
    """
    return (
        Respondent.objects.filter(merchant__isnull=False, complaint__case__isnull=False)
        .annotate(
            case_id=F("complaint__case__id"),
            state=F("complaint__case__state"),
            outcome=F("complaint__case__outcome"),
            accepted_at=F("complaint__case__accepted_at"),
            merchant_response_due_at=F("complaint__case__merchant_response_due_at"),
            merchant_responded_at=F("complaint__case__merchant_responded_at"),
            closed_at=F("complaint__case__closed_at"),
            settlement_due_at=F("complaint__case__settlement__due_at"),
            settlement_paid_at=F("complaint__case__settlement__paid_confirmed_at"),
            amount=F("complaint__amount"),
            currency=F("complaint__currency"),
            category=F("complaint__category"),
        )
        .values(
            "merchant_id",
            "case_id",
            "state",
            "outcome",
            "accepted_at",
            "merchant_response_due_at",
            "merchant_responded_at",
            "closed_at",
            "settlement_due_at",
            "settlement_paid_at",
            "amount",
            "currency",
            "category",
        )
    )
