"""The demo complaints: created for both demo consumers, idempotent, and linked to the demo
merchants when the merchants demo made them."""

from __future__ import annotations

import pytest

from accounts import demo as accounts_demo
from complaints import demo
from complaints.models import Complaint, EvidenceItem, Respondent

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
