"""The benchmark's dataset builder, on a few hundred rows: what it writes is valid for the
models, keeps the columns the services derive, and works with the real services and pages."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from statistics import median

import pytest
import time_machine
from django.db import connection
from django.db.models import Count

from bench import dataset
from complaints.models import Complaint, EvidenceItem, Respondent
from complaints.services import reference_for
from credit.services import credit_recompute
from merchants.models import DisclosureVersion, Merchant, MerchantLink, Shop
from merchants.normalize import normalize_registration_number, normalize_shop_url
from merchants.services import disclosure_completeness, identity_snapshot, search_text_for
from odr import selectors, tasks
from odr.models import Case, CaseEvent, Settlement

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
SCALE = dataset.Scale("test", 40, 400, 8, 2, 2, 2, 30, 5, 3)


@pytest.fixture
def built():
    if connection.vendor != "postgresql":
        if os.environ.get("CI"):
            pytest.fail("CI runs on PostgreSQL")
        pytest.skip("the benchmark's dataset is built in PostgreSQL")
    return dataset.build(SCALE, now=NOW, log=lambda line: None)


# The consumer right at stake in each of the twelve categories, as a complaint records it.
RIGHT_AT_STAKE = {
    "non_delivery": "fair_dealing",
    "not_as_described": "information",
    "defective": "safety",
    "false_advertising": "information",
    "fraud": "fair_dealing",
    "return_refused": "compensation",
    "after_sales_refused": "compensation",
    "unfair_terms": "fair_dealing",
    "payment_security": "safety",
    "personal_data": "safety",
    "customs": "information",
    "other": "fair_dealing",
}


def test_the_dataset_has_the_rows_of_its_scale(built):
    assert Merchant.objects.count() == 40
    assert Complaint.objects.count() == 400
    assert Case.objects.count() == 400
    assert Complaint.objects.filter(consumer__email=dataset.BENCH_CONSUMER_EMAIL).count() == 30
    assert CaseEvent.objects.count() >= 400
    assert EvidenceItem.objects.exists()
    assert Settlement.objects.exists()


def test_every_row_is_valid_for_its_model(built):
    for model in (
        Merchant,
        Shop,
        MerchantLink,
        DisclosureVersion,
        Complaint,
        Respondent,
        EvidenceItem,
        Case,
        Settlement,
        CaseEvent,
    ):
        for row in model.objects.all()[:60]:
            row.full_clean(validate_unique=False, validate_constraints=True)


def test_derived_columns_are_what_the_services_would_store(built):
    for merchant in Merchant.objects.prefetch_related("roles"):
        values = identity_snapshot(merchant)
        assert merchant.completeness == disclosure_completeness(values).score
        assert merchant.search_text == search_text_for(values)
        assert merchant.registration_number_normalized == normalize_registration_number(
            merchant.registration_number
        )
        latest = merchant.versions.order_by("-number").first()
        assert latest.number == merchant.disclosure_version
        assert latest.snapshot == values
    for shop in Shop.objects.all():
        assert shop.url_normalized == normalize_shop_url(shop.url)
    for complaint in Complaint.objects.all():
        assert complaint.reference == reference_for(complaint.pk, complaint.submitted_at)
        assert complaint.right_at_stake == RIGHT_AT_STAKE[complaint.category]
    for respondent in Respondent.objects.filter(merchant__isnull=True):
        keys = Respondent.named_keys(respondent.named_name, respondent.named_url)
        assert (respondent.named_name_key, respondent.named_url_key) == (
            keys["named_name_key"],
            keys["named_url_key"],
        )
    # A statement is stored as it was written: both of its hashes are that of its UTF-8 text.
    for item in EvidenceItem.objects.filter(kind=EvidenceItem.Kind.STATEMENT):
        digest = hashlib.sha256(item.text.encode()).hexdigest()
        assert (item.sha256, item.received_sha256) == (digest, digest)


def test_a_few_sellers_have_most_complaints(built):
    counts = sorted(
        Respondent.objects.filter(merchant__roles__role__in=["supplier", "agent_spot"])
        .values("merchant_id")
        .annotate(n=Count("id"))
        .values_list("n", flat=True)
    )
    assert counts[-1] >= 5 * median(counts)


def test_the_overdue_cases_are_moved_by_the_real_sweep(built):
    assert selectors.cases_overdue(NOW).count() == SCALE.overdue

    with time_machine.travel(NOW, tick=False):
        result = tasks.sweep_deadlines()

    assert result == {"opened": 0, "expired": SCALE.overdue, "reminded": 0}
    assert selectors.cases_overdue(NOW).count() == 0


def test_the_credit_engine_rates_the_merchants(built):
    result = credit_recompute(now=NOW)

    assert result.merchants == 40
    assert sum(n for grade, n in result.grades.items() if grade != "NR") >= 10


def test_the_bench_consumers_complaints_page_works(built, client):
    from accounts.models import User

    client.force_login(User.objects.get(email=dataset.BENCH_CONSUMER_EMAIL))

    response = client.get("/complaints/")

    assert response.status_code == 200
    assert len(response.context["complaints"]) == 20


def test_the_hash_chains_verify(built):
    from core import integrity

    report = integrity.verify(only=["case-events", "disclosure-versions"], files=False)

    assert report.ok, [str(b) for b in report.breaks]
    assert report.counts  # the chains were walked, not skipped


def test_a_case_moved_by_the_sweep_extends_its_chain(built):
    from core import integrity

    with time_machine.travel(NOW, tick=False):
        tasks.sweep_deadlines()

    report = integrity.verify(only=["case-events"], files=False)
    assert report.ok, [str(b) for b in report.breaks]


# The columns of an open complaint entry that the refresh derives (the times are the build's).
OPEN_FIELDS = (
    "complaint_id", "submitted_on", "category", "consumer_country", "merchant_country",
    "merchant_id", "merchant_name", "platform_id", "platform_name", "purchase_mode",
    "amount_band", "currency", "outcome", "closed_on", "answered", "answered_in_time",
    "narrative",
)  # fmt: skip


def test_the_open_data_entries_are_what_the_refresh_writes(built):
    from transparency.models import OpenComplaint
    from transparency.services import open_complaint_refresh, publishable

    built_rows = {row[0]: row for row in OpenComplaint.objects.values_list(*OPEN_FIELDS)}
    assert built_rows
    assert set(built_rows) == set(
        Complaint.objects.filter(publishable(now=NOW)).values_list("pk", flat=True)
    )
    OpenComplaint.objects.all().delete()
    with time_machine.travel(NOW, tick=False):
        for complaint_id in built_rows:
            open_complaint_refresh(complaint_id=complaint_id, now=NOW)

    assert {row[0]: row for row in OpenComplaint.objects.values_list(*OPEN_FIELDS)} == (built_rows)
