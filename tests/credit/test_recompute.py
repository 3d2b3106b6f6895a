"""Recomputation: incremental and full agree, set-based, history kept, caches invalidated."""

from __future__ import annotations

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from core.queue import enqueue_on_commit
from credit import cache, method, services, tasks
from credit.models import CreditSnapshot
from tests.factories import MerchantFactory

from .helpers import DAY, NOW, decided_case, open_case, settled_case

pytestmark = pytest.mark.django_db

SNAPSHOT_FIELDS = (
    "merchant_id",
    "score",
    "grade",
    "factors",
    "case_count",
    "effective_sample",
    "method_version",
    "computed_at",
    "is_current",
)


def _varied_merchants(monkeypatch):
    monkeypatch.setattr(method, "MIN_SAMPLE", 1)
    good = MerchantFactory(
        completeness=100, verification_state="verified", annual_order_volume=5000
    )
    for age in (0, 30, 200, 400):
        decided_case(good, "resolved_by_merchant", age_days=age)
    settled_case(good, age_days=60, due_after_days=15, paid_after_days=10)
    poor = MerchantFactory(completeness=40)
    for age in (10, 50, 90):
        decided_case(poor, "merchant_unresponsive", age_days=age, answered=False, category="fraud")
    open_case(poor, age_days=30)
    middling = MerchantFactory(verification_state="pending", completeness=70)
    decided_case(middling, "settled_in_mediation", age_days=20, amount=800, currency="USD")
    decided_case(middling, "referred_unresolved", age_days=100)
    decided_case(middling, "rejected_unfounded", age_days=3)
    quiet = MerchantFactory()
    return [good, poor, middling, quiet]


def _snapshots():
    return sorted(CreditSnapshot.objects.values(*SNAPSHOT_FIELDS), key=lambda s: s["merchant_id"])


def test_incremental_and_full_recomputation_give_identical_snapshots(monkeypatch):
    merchants = _varied_merchants(monkeypatch)

    with time_machine.travel(NOW, tick=False):
        call_command("recompute_credit", verbosity=0)
    full = _snapshots()
    CreditSnapshot.objects.all().delete()
    with time_machine.travel(NOW, tick=False):
        for merchant in reversed(merchants):
            tasks.recompute_merchants.delay([merchant.pk])
    incremental = _snapshots()

    assert len(full) == 4
    assert {s["grade"] for s in full} >= {"NR"}
    assert len({s["grade"] for s in full}) >= 3
    assert incremental == full


def test_nightly_task_recomputes_every_merchant(monkeypatch):
    merchants = _varied_merchants(monkeypatch)

    with time_machine.travel(NOW, tick=False):
        tasks.recompute_all.delay()

    assert CreditSnapshot.objects.filter(is_current=True).count() == len(merchants)


def _queries_for_full_run(now) -> int:
    with CaptureQueriesContext(connection) as queries:
        services.credit_recompute(now=now)
    return len(queries)


def test_full_recomputation_makes_the_same_number_of_queries_for_any_number_of_merchants():
    for _ in range(2):
        decided_case(MerchantFactory(), "resolved_by_merchant")
    few = _queries_for_full_run(NOW)
    for _ in range(15):
        decided_case(MerchantFactory(), "referred_unresolved", age_days=3)
    CreditSnapshot.objects.all().delete()

    many = _queries_for_full_run(NOW)

    assert many == few


def test_full_recomputation_works_in_batches(settings, monkeypatch):
    monkeypatch.setattr(services, "RECOMPUTE_BATCH_SIZE", 2)
    for _ in range(5):
        MerchantFactory()

    result = services.credit_recompute(now=NOW)

    assert result.merchants == 5
    assert CreditSnapshot.objects.filter(is_current=True).count() == 5


def test_an_unchanged_result_keeps_the_current_snapshot():
    merchant = MerchantFactory()
    services.credit_recompute(merchant_ids=[merchant.pk], now=NOW)

    result = services.credit_recompute(merchant_ids=[merchant.pk], now=NOW + DAY)

    assert result.snapshots_written == 0
    assert CreditSnapshot.objects.filter(merchant=merchant).count() == 1


def test_a_new_method_version_adds_a_snapshot_that_says_so(monkeypatch):
    merchant = MerchantFactory()
    services.credit_recompute(merchant_ids=[merchant.pk], now=NOW)
    monkeypatch.setattr(method, "METHOD_VERSION", "2")

    result = services.credit_recompute(merchant_ids=[merchant.pk], now=NOW)

    assert result.snapshots_written == 1
    history = CreditSnapshot.objects.filter(merchant=merchant).order_by("pk")
    assert [(s.method_version, s.is_current) for s in history] == [("1", False), ("2", True)]


def test_a_changed_result_adds_a_snapshot_and_keeps_the_history():
    merchant = MerchantFactory()
    services.credit_recompute(merchant_ids=[merchant.pk], now=NOW)
    decided_case(merchant, "resolved_by_merchant", now=NOW + DAY)

    services.credit_recompute(merchant_ids=[merchant.pk], now=NOW + DAY)

    history = list(CreditSnapshot.objects.filter(merchant=merchant).order_by("computed_at"))
    assert [s.is_current for s in history] == [False, True]
    assert history[0].case_count == 0
    assert history[1].case_count == 1


def test_a_merchant_has_at_most_one_current_snapshot():
    merchant = MerchantFactory()
    services.credit_recompute(merchant_ids=[merchant.pk], now=NOW)
    current = CreditSnapshot.objects.get(merchant=merchant)

    current.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        current.save()


def test_recomputation_enqueued_by_name_runs_after_commit(django_capture_on_commit_callbacks):
    merchant = MerchantFactory()
    decided_case(merchant, "resolved_by_merchant")

    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit("credit.tasks.recompute_merchants", [merchant.pk])
        assert not CreditSnapshot.objects.exists()

    assert CreditSnapshot.objects.get(merchant=merchant).case_count == 1


def test_recomputation_of_an_unknown_merchant_does_nothing():
    result = services.credit_recompute(merchant_ids=[987654], now=NOW)

    assert result.merchants == 0
    assert not CreditSnapshot.objects.exists()


def test_recomputation_replaces_the_cached_credit(django_capture_on_commit_callbacks):
    merchant = MerchantFactory()
    assert cache.current_credit(merchant.pk) == {"snapshot_id": None}  # now cached
    decided_case(merchant, "resolved_by_merchant")

    with django_capture_on_commit_callbacks(execute=True):
        services.credit_recompute(merchant_ids=[merchant.pk], now=NOW)

    snapshot = CreditSnapshot.objects.get(merchant=merchant)
    assert cache.current_credit(merchant.pk)["snapshot_id"] == snapshot.pk


def test_management_command_recomputes_the_merchants_named(capsys):
    named, other = MerchantFactory(), MerchantFactory()

    call_command("recompute_credit", str(named.public_id))

    assert CreditSnapshot.objects.filter(merchant=named).exists()
    assert not CreditSnapshot.objects.filter(merchant=other).exists()
    assert "Recomputed 1 merchants" in capsys.readouterr().out


def test_management_command_rejects_an_unknown_merchant():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No merchant"):
        call_command("recompute_credit", "3f1c2b7e-8a4d-4d1e-9b6a-2f5c7d9e0a11")
    with pytest.raises(CommandError, match="UUID"):
        call_command("recompute_credit", "not-a-uuid")


def test_the_nightly_recomputation_is_scheduled(settings):
    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["credit-recompute-all"]

    assert entry["task"] in app.tasks
    assert entry["task"] == tasks.recompute_all.name


def test_a_second_current_snapshot_is_refused_as_an_integrity_error():
    # What the recompute task retries on when two first computations race (COPY on
    # PostgreSQL, bulk_create elsewhere).
    merchant = MerchantFactory()
    services.credit_recompute(merchant_ids=[merchant.pk], now=NOW)
    twin = services._NewSnapshot(
        merchant_id=merchant.pk,
        score=None,
        grade="NR",
        factors={},
        case_count=0,
        effective_sample=0.0,
        method_version="1",
        computed_at=NOW,
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        services._insert_snapshots([twin])
