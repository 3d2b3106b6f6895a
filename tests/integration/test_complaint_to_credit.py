"""The seams between apps: a submitted complaint opens its case (odr, enqueued by name), the
complaint page leads to the case, and a decided case recomputes the merchant's credit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from complaints import services as complaint_services
from odr import services as odr_services
from odr.models import Case, CaseState, Outcome
from tests.credit.helpers import current_snapshot
from tests.factories import (
    ComplaintFactory,
    MerchantRepresentativeFactory,
    RespondentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(django_capture_on_commit_callbacks):
    consumer = UserFactory(role="consumer")
    representation = MerchantRepresentativeFactory()
    complaint = ComplaintFactory(consumer=consumer)
    RespondentFactory(complaint=complaint, merchant=representation.merchant)
    with django_capture_on_commit_callbacks(execute=True):
        complaint_services.complaint_submit(complaint=complaint, consumer=consumer, consent=True)
    complaint.refresh_from_db()
    return complaint, representation


def test_submission_opens_the_case_and_the_complaint_page_leads_to_it(client, submitted):
    complaint, _ = submitted

    case = Case.objects.get(complaint=complaint)
    assert case.state == CaseState.SUBMITTED
    assert case.deadline_at is not None

    client.force_login(complaint.consumer)
    html = client.get(reverse("complaints:detail", args=[complaint.public_id])).content.decode()
    assert reverse("odr:case_detail", kwargs={"reference": complaint.reference}) in html
    assert case.get_state_display() in html


def test_a_decided_case_recomputes_the_merchants_credit(
    submitted, mediator, django_capture_on_commit_callbacks
):
    complaint, representation = submitted
    case = Case.objects.get(complaint=complaint)
    assert current_snapshot(representation.merchant_id) is None

    with django_capture_on_commit_callbacks(execute=True):
        odr_services.case_accept(case_id=case.pk, mediator=mediator)
        odr_services.merchant_accept_claim(case_id=case.pk, representative=representation.user)
        odr_services.settlement_confirm_paid(case_id=case.pk, consumer=complaint.consumer)

    case.refresh_from_db()
    assert case.state == CaseState.RESOLVED
    assert case.outcome == Outcome.RESOLVED_BY_MERCHANT
    snapshot = current_snapshot(representation.merchant_id)
    assert snapshot is not None
    assert snapshot.case_count == 1  # the resolved case was counted
