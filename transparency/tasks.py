"""Celery tasks of the open complaint data: one entry refreshed when its complaint changed
(enqueued by name by complaints and privacy), and the periodic pass that publishes what became
due and refreshes what moved."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from . import services

# Complaints refreshed per periodic run: each is one short transaction; a backlog (the first run
# after a deployment) is worked through over the following runs.
REFRESH_BATCH = 500


@shared_task(autoretry_for=(OperationalError,), retry_backoff=5, max_retries=5)
def refresh_open_complaint(complaint_id: int) -> None:
    services.open_complaint_refresh(complaint_id=complaint_id)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=30, max_retries=3)
def refresh_open_complaints() -> int:
    """Publish the complaints that became due, refresh the ones whose case moved, remove the
    ones no longer publishable; returns how many were looked at."""
    now = timezone.now()
    ids = list(services.open_complaints_due(now=now).values_list("pk", flat=True)[:REFRESH_BATCH])
    for complaint_id in ids:
        services.open_complaint_refresh(complaint_id=complaint_id, now=now)
    return len(ids)
