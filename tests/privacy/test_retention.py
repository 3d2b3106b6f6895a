"""The retention period of closed cases: a daily beat task pseudonymises closed cases older
than REDRESS_RETENTION_DAYS and removes their evidence files, keeping outcome counts."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock

import pytest
import time_machine

from complaints.models import Complaint, EvidenceItem
from credit.models import CreditSnapshot
from credit.services import credit_recompute
from odr.models import CaseState
from privacy import tasks
from tests.factories import MerchantRepresentativeFactory, UserFactory
from tests.odr.builders import build, closed_history

pytestmark = pytest.mark.django_db
S = CaseState
T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def thirty_days(settings):
    settings.REDRESS_RETENTION_DAYS = 30
    settings.REDRESS_RETENTION = timedelta(days=30)


@pytest.fixture
def representation():
    return MerchantRepresentativeFactory()


@pytest.fixture
def cases(mediator, representation):
    """Closed at T0 (resolved and withdrawn), closed at T0 + 20 days, and one still open."""
    consumer = UserFactory(role="consumer")
    with time_machine.travel(T0, tick=False) as traveller:
        old = closed_history(mediator, consumer=consumer, representation=representation)
        traveller.shift(20 * DAY)
        recent = build(S.REJECTED, mediator, representation=representation)
        still_open = build(S.MEDIATION, mediator, representation=representation)
    return old, recent, still_open


def _pseudonymised(world) -> bool:
    return Complaint.objects.get(pk=world.case.complaint_id).pseudonymised_at is not None


def test_closed_cases_older_than_the_retention_are_pseudonymised(cases):
    old, recent, still_open = cases

    with time_machine.travel(T0 + 31 * DAY, tick=False):
        result = tasks.apply_retention()

    assert result["pseudonymised"] == 2
    assert all(_pseudonymised(w) for w in old)
    assert not _pseudonymised(recent)
    assert not _pseudonymised(still_open)
    complaint = Complaint.objects.get(pk=old[0].case.complaint_id)
    assert complaint.pseudonymised_reason == "retention"
    assert complaint.description == "" and complaint.order_number == ""
    assert old[0].case.events.filter(kind="pseudonymised", data__reason="retention").exists()


def test_nothing_is_pseudonymised_before_the_period_ends(cases):
    with time_machine.travel(T0 + 29 * DAY, tick=False):
        result = tasks.apply_retention()

    assert result["pseudonymised"] == 0
    assert not Complaint.objects.filter(pseudonymised_at__isnull=False).exists()


def test_the_period_is_counted_from_closing(cases):
    _, recent, _ = cases

    with time_machine.travel(T0 + 51 * DAY, tick=False):
        tasks.apply_retention()

    assert _pseudonymised(recent)  # closed at T0 + 20 days: 31 days ago


def test_retention_removes_the_evidence_files_from_storage(cases):
    old, _, _ = cases
    files = list(EvidenceItem.objects.filter(complaint_id=old[0].case.complaint_id, kind="file"))
    storage = files[0].file.storage
    names = [item.file.name for item in files]
    assert names and all(storage.exists(name) for name in names)

    with time_machine.travel(T0 + 31 * DAY, tick=False):
        tasks.apply_retention()

    assert not any(storage.exists(name) for name in names)
    assert set(
        EvidenceItem.objects.filter(pk__in=[f.pk for f in files]).values_list("file", flat=True)
    ) == {""}


def test_a_file_the_storage_could_not_delete_goes_on_the_next_run(cases):
    old, _, _ = cases
    item = EvidenceItem.objects.filter(complaint_id=old[0].case.complaint_id, kind="file").first()
    storage, name = item.file.storage, item.file.name

    with (
        time_machine.travel(T0 + 31 * DAY, tick=False),
        mock.patch.object(type(storage), "delete", side_effect=OSError("storage down")),
    ):
        tasks.apply_retention()
    item.refresh_from_db()
    assert item.erased_at is not None and item.file.name == name
    assert storage.exists(name)

    with time_machine.travel(T0 + 32 * DAY, tick=False):
        result = tasks.apply_retention()

    assert result == {"erasures": 0, "pseudonymised": 0, "files_deleted": 2}
    assert not storage.exists(name)


def test_running_retention_twice_acts_once(cases):
    with time_machine.travel(T0 + 31 * DAY, tick=False):
        first = tasks.apply_retention()
        second = tasks.apply_retention()

    assert first["pseudonymised"] == 2
    assert second == {"erasures": 0, "pseudonymised": 0, "files_deleted": 0}


def test_retention_leaves_the_merchants_credit_as_it_was(cases, representation):
    merchant_id = representation.merchant_id
    now = T0 + 31 * DAY

    def values():
        s = CreditSnapshot.objects.get(merchant_id=merchant_id, is_current=True)
        return (s.pk, s.score, s.grade, s.case_count, s.effective_sample, s.factors)

    credit_recompute(merchant_ids=[merchant_id], now=now)
    before = values()
    with time_machine.travel(now, tick=False):
        tasks.apply_retention()
    credit_recompute(merchant_ids=[merchant_id], now=now)

    assert before[3] > 0
    assert values() == before


def test_retention_runs_daily_from_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-apply-retention"]

    assert entry["task"] == "privacy.tasks.apply_retention"
    assert entry["task"] in tasks.apply_retention.app.tasks
    # Once a day, at 03:30 UTC (after the nightly credit run at 02:30).
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {30})
    assert entry["schedule"].day_of_week == set(range(7))


def _settings_in_a_new_process(**env) -> subprocess.CompletedProcess:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.REDRESS_RETENTION.days)"
    )
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_retention_period_comes_from_the_environment():
    from config.settings import base

    ninety = _settings_in_a_new_process(REDRESS_RETENTION_DAYS="90")
    zero = _settings_in_a_new_process(REDRESS_RETENTION_DAYS="0")

    assert base.REDRESS_RETENTION_DAYS == 1095  # three years unless set
    assert ninety.stdout.strip() == "90"
    assert zero.returncode != 0
    assert "REDRESS_RETENTION_DAYS" in zero.stderr
