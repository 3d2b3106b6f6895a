"""A shop nobody disclosed (three screened complaints name it, so looking it up in the directory
shows the warning) and the open complaint data: the demo's consumers agreed to publish their
cases, one with its narrative, scrubbed and approved (docs/transparency.md)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from complaints.models import Complaint, Respondent
from complaints.services import reference_for
from odr import services
from transparency import services as transparency_services
from transparency.models import NarrativeReview

SHOP_NAME = "Harbour Gadgets"
SHOP_URL = "https://mall.example/shop/harbour-gadgets"

# (order number, consumer, days ago, category, what it is about)
COMPLAINTS = [
    ("HG-DEMO-1", "consumer@redress.test", 55, "non_delivery", "Bluetooth speaker"),
    ("HG-DEMO-2", "consumer2@redress.test", 30, "not_as_described", "Power bank"),
    ("HG-DEMO-3", "consumer2@redress.test", 12, "non_delivery", "Phone charger"),
]


def seed() -> dict:
    users = {u.email: u for u in User.objects.filter(email__endswith="@redress.test")}
    mediator = users["mediator@redress.test"]
    now = timezone.now()
    for number, email, days_ago, category, item in COMPLAINTS:
        if Complaint.objects.filter(order_number=number).exists():
            continue
        submitted_at = now - timedelta(days=days_ago)
        complaint = Complaint.objects.create(
            consumer=users[email],
            status=Complaint.Status.SUBMITTED,
            draft_step="review",
            purchase_mode="marketplace",
            shop_name=SHOP_NAME,
            shop_url=SHOP_URL,
            platform_name="Example Mall",
            order_number=number,
            item_description=item,
            amount=Decimal("39.00"),
            currency="EUR",
            payment_method="card",
            category=category,
            right_at_stake="fair_dealing" if category == "non_delivery" else "information",
            description=(
                f"I ordered on the shop's page and paid by card. The shop stopped answering after "
                f"the order; I wrote from {users[email].email} and called +44 20 7946 0958."
            ),
            remedy="refund",
            remedy_amount=Decimal("39.00"),
            consent_at=submitted_at,
            submitted_at=submitted_at,
        )
        complaint.reference = reference_for(complaint.pk, complaint.submitted_at)
        complaint.save(update_fields=["reference"])
        Respondent.objects.create(
            complaint=complaint,
            role=Respondent.Role.SELLER,
            named_name=SHOP_NAME,
            named_url=SHOP_URL,
            reason=Respondent.Reason.MARKETPLACE_SELLER,
            added_by_rule=True,
            **Respondent.named_keys(SHOP_NAME, SHOP_URL),
        )
        case = services.case_open(complaint_id=complaint.pk, now=submitted_at)
        services.case_accept(
            case_id=case.pk, mediator=mediator, now=submitted_at + timedelta(days=1)
        )
    _publish(users, mediator, now)
    return {
        "notes": [
            f"Transparency: look up “{SHOP_NAME}” in the directory (/merchants/?q=Harbour+Gadgets):"
            " three complaints name it and nobody disclosed who runs it.",
            f"Open complaint data: {_published()} complaints at /open-data/ (API: "
            "/api/v1/open-complaints/), one with its narrative, scrubbed and approved.",
        ]
    }


def _published() -> int:
    from .models import OpenComplaint

    return OpenComplaint.objects.count()


def _publish(users, mediator, now) -> None:
    """The demo's consumers agreed to publish their cases; the first Harbour Gadgets consumer
    also its narrative, which a mediator approved."""
    demo = Complaint.objects.filter(order_number__contains="-DEMO-", status="submitted")
    demo.filter(publish_consent_at=None).update(publish_consent_at=now)
    demo.filter(order_number="HG-DEMO-1", publish_narrative_consent_at=None).update(
        publish_narrative_consent_at=now
    )
    for complaint_id in demo.values_list("pk", flat=True):
        transparency_services.open_complaint_refresh(complaint_id=complaint_id)
    for review in NarrativeReview.objects.filter(
        state=NarrativeReview.State.PENDING, complaint__order_number="HG-DEMO-1"
    ):
        transparency_services.narrative_decide(review_id=review.pk, mediator=mediator, approve=True)
