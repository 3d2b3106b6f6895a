"""Celery tasks of the ODR app: opening cases and the deadline sweep. Thin: ids in, services do
the work, each safe to run twice."""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery import shared_task
from django.db import OperationalError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from . import selectors, services

logger = logging.getLogger(__name__)

# Cases locked and handled per transaction. Each case sends a few e-mails and writes a few rows;
# 100 keeps one transaction (and the row locks it holds against mediators' clicks) well under
# a second or two, while a backlog after an outage still clears in a few runs.
SWEEP_BATCH_SIZE = 100
# Batches per run, so that one run ends well within the task time limit (60 s soft); whatever
# is left is picked up a minute later.
SWEEP_MAX_BATCHES = 20


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=10,
    retry_backoff_max=600,
    max_retries=8,
)
def open_case(complaint_id: int) -> int | None:
    """Open the case of a submitted complaint (idempotent). Enqueued by complaints by name."""
    case = services.case_open(complaint_id=complaint_id)
    return case.pk if case else None


def _in_batches(queryset: QuerySet, handle: Callable[[int], object]) -> int:
    """Lock up to a batch of rows that no other sweep holds, handle each, commit; repeat.

    ``skip_locked`` lets two sweeps (a slow run overlapping the next, or two beat processes by
    mistake) share the work instead of doing it twice or waiting for each other.
    """
    done: set[int] = set()
    acted = 0
    for _ in range(SWEEP_MAX_BATCHES):
        with transaction.atomic():
            ids = list(
                queryset.exclude(pk__in=done)
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[:SWEEP_BATCH_SIZE]
            )
            for pk in ids:
                try:
                    # Each service runs in its own savepoint: one failing case is logged and
                    # rolled back alone, the others in the batch still commit.
                    if handle(pk):
                        acted += 1
                except Exception:
                    logger.exception("Deadline sweep failed on %s %s", queryset.model.__name__, pk)
            done.update(ids)
        if len(ids) < SWEEP_BATCH_SIZE:
            break
    return acted


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    retry_backoff_max=60,
    max_retries=3,
)
def sweep_deadlines() -> dict:
    """Every minute (beat): open missing cases, move cases whose deadline passed, remind those
    whose deadline is 48 hours away. Running it twice acts once."""
    now = timezone.now()
    return {
        "opened": _in_batches(
            selectors.complaints_without_case(),
            lambda pk: services.case_open(complaint_id=pk, now=now),
        ),
        "expired": _in_batches(
            selectors.cases_overdue(now),
            lambda pk: services.case_expire_deadline(case_id=pk, now=now),
        ),
        "reminded": _in_batches(
            selectors.cases_due_for_reminder(now),
            lambda pk: services.case_send_reminder(case_id=pk, now=now),
        ),
    }
