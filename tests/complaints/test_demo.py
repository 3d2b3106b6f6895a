"""The demo complaints: created for both demo consumers, idempotent, and linked to the demo
merchants when the merchants demo made them."""

from __future__ import annotations

import uuid
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from accounts import demo as accounts_demo
from complaints import demo, services
from complaints.models import Complaint, EvidenceItem, Respondent
from complaints.respondents import Party
from merchants.models import MerchantRepresentative

from .conftest import build_merchant

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        sorted(Complaint.objects.values_list("public_id", "status", "reference")),
        Respondent.objects.count(),
        EvidenceItem.objects.count(),
    )


def test_demo_complaints_are_created_once_with_named_respondents(
    django_capture_on_commit_callbacks,
):
    accounts_demo.seed()

    with django_capture_on_commit_callbacks(execute=True):
        first = demo.seed()
    before = _snapshot()
    second = demo.seed()

    assert _snapshot() == before
    assert first["notes"] == second["notes"]
    submitted = Complaint.objects.filter(status="submitted")
    assert submitted.count() == 3
    assert Complaint.objects.filter(status="draft").count() == 2
    assert set(Complaint.objects.values_list("consumer__email", flat=True)) == {
        "consumer@redress.test",
        "consumer2@redress.test",
    }
    assert all(c.reference.startswith("RD-") for c in submitted)
    # Without demo merchants every respondent is named, to be linked by a mediator.
    assert not Respondent.objects.filter(merchant__isnull=False).exists()
    assert EvidenceItem.objects.filter(content_type="image/png").count() == 2
    assert EvidenceItem.objects.filter(content_type="text/plain").count() == 2


def test_demo_complaints_name_the_demo_merchants_when_they_exist():
    accounts_demo.seed()
    agent = build_merchant("Tokyo Spot Buyer KK", roles=["agent_spot"], completeness=80)
    platform = build_merchant("Example Mall Ltd", roles=["platform"])

    demo.seed()

    handbag = Complaint.objects.get(item_description="Designer leather handbag")
    assert {(r.role, r.merchant) for r in handbag.respondents.all()} == {
        ("seller", agent),
        ("platform_operator", platform),
    }


def test_the_demo_consumers_next_complaint_against_the_demo_merchant_is_not_held(settings):
    """The demo consumer tries the form against the merchant its demo cases are about: the
    complaint must go to screening as any other, not be held silently as flooding."""
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    consumer = get_user_model().objects.get(email="consumer@redress.test")
    merchant = MerchantRepresentative.objects.get(user__email="rep@redress.test").merchant
    assert Complaint.objects.filter(consumer=consumer, respondents__merchant=merchant).count() > 2

    complaint = services.complaint_start(
        consumer=consumer,
        public_id=uuid.uuid4(),
        data={
            "purchase_mode": "direct",
            "shop_url": "",
            "shop_name": merchant.legal_name,
            "platform_name": "",
            "agent_name": "",
            "order_number": "NEW-1",
            "order_date": timezone.localdate(),
            "item_description": "Travel adapter",
            "amount": Decimal("25.00"),
            "currency": "EUR",
            "payment_method": "card",
        },
    )
    services.complaint_save_step(
        complaint=complaint,
        consumer=consumer,
        step="problem",
        data={"category": "non_delivery", "description": "It never came."},
    )
    services.complaint_save_step(
        complaint=complaint, consumer=consumer, step="remedy", data={"remedy": "refund"}
    )
    services.complaint_set_respondents(
        complaint=complaint,
        consumer=consumer,
        seller=Party(merchant=merchant),
        agent=Party(),
        platform=Party(),
    )
    submitted = services.complaint_submit(
        complaint=complaint, consumer=consumer, consent=True, language="en"
    )

    assert submitted.status == "submitted"
    assert submitted.held_reason == ""
