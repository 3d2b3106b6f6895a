"""Demo data: the demo's referred case sent to a body, with its signed PDF dossier."""

from __future__ import annotations

from accounts.models import User
from odr.models import Case, CaseState

from . import services
from .models import Referral, ReferralBody


def seed() -> dict:
    case = (
        Case.objects.filter(state=CaseState.REFERRED, complaint__order_number="ODR-DEMO-15")
        .select_related("complaint")
        .first()
    )
    mediator = User.objects.filter(email="mediator@redress.test").first()
    if case is None or mediator is None:
        return {}
    if not Referral.objects.filter(case=case).exists():
        body = ReferralBody.objects.get(name="econsumer.gov")
        services.referral_create(
            case_id=case.pk,
            body_id=body.pk,
            mediator=mediator,
            covering_letter=services.covering_letter(case),
        )
    return {
        "notes": [
            f"Referrals: case {case.complaint.reference} is referred to econsumer.gov with a "
            "signed PDF dossier (its consumer's page: /referrals/cases/"
            f"{case.complaint.reference}/; check a dossier at /referrals/verify/)."
        ]
    }
