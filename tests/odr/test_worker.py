"""The beat task escalates an overdue case through the real broker (Redis in CI, the embedded
filesystem broker otherwise) and a real worker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from config.celery import app
from odr.models import Case, CaseState
from tests.conftest import wait_for

from .builders import build

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("mediators_group"),
]


def test_the_beat_task_escalates_an_unpaid_settlement(mediator, real_worker):
    w = build(CaseState.SETTLED, mediator)
    # The fulfilment deadline passed an hour ago (the worker lives in real time).
    Case.objects.filter(pk=w.case.pk).update(deadline_at=timezone.now() - timedelta(hours=1))
    entry = settings.CELERY_BEAT_SCHEDULE["odr-sweep-deadlines"]

    # What beat does every minute: send the scheduled task by name through the broker.
    app.send_task(entry["task"])

    assert wait_for(lambda: Case.objects.get(pk=w.case.pk).state == CaseState.ESCALATED), (
        "the worker never escalated the case"
    )
    case = Case.objects.get(pk=w.case.pk)
    assert case.events.filter(kind="fulfilment_expired", actor=None).count() == 1
    assert case.deadline_kind == "mediation"
