"""Celery tasks of the ODR app: opening cases and the deadline sweep. Thin: ids in, services do
the work, each safe to run twice."""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery import shared_task
from django.db import OperationalError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from . import notifications, selectors, services

logger = logging.getLogger(__name__)

# Cases locked and handled per transaction. A batch of passed deadlines costs the same few
# queries whatever its size (services.cases_expire_deadlines); 100 keeps one transaction (and the
# row locks it holds against mediators' clicks) short, while a backlog after an outage still
# clears in a few runs.
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


def _in_batches(queryset: QuerySet, handle_batch: Callable[[list[int]], int]) -> int:
    """Lock up to a batch of rows that no other sweep holds, handle them, commit; repeat.

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
            if ids:
                acted += handle_batch(ids)
            done.update(ids)
        if len(ids) < SWEEP_BATCH_SIZE:
            break
    return acted


def _one_by_one(model_name: str, handle: Callable[[int], object]) -> Callable[[list[int]], int]:
    """A batch handler that handles each row on its own: each service runs in its own
    savepoint, so one failing row is logged and rolled back alone and the others commit."""

    def run(ids: list[int]) -> int:
        acted = 0
        for pk in ids:
            try:
                if handle(pk):
                    acted += 1
            except Exception:
                logger.exception("Deadline sweep failed on %s %s", model_name, pk)
        return acted

    return run


def _expire_in_batches(now) -> Callable[[list[int]], int]:
    """Passed deadlines, a whole batch per service call (a few queries, however many cases);
    if the batch fails, its cases are moved one by one so that one bad case holds back none."""
    pool = services.MediatorPool()

    def run(ids: list[int]) -> int:
        try:
            return len(services.cases_expire_deadlines(case_ids=ids, now=now, pool=pool))
        except Exception:
            logger.exception("Deadline sweep batch failed; moving its cases one by one")
            return _one_by_one(
                "Case", lambda pk: services.case_expire_deadline(case_id=pk, now=now)
            )(ids)

    return run


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
            selectors.complaints_without_case(now),
            _one_by_one("Complaint", lambda pk: services.case_open(complaint_id=pk, now=now)),
        ),
        "expired": _in_batches(selectors.cases_overdue(now), _expire_in_batches(now)),
        "reminded": _in_batches(
            selectors.cases_due_for_reminder(now),
            _one_by_one("Case", lambda pk: services.case_send_reminder(case_id=pk, now=now)),
        ),
    }


@shared_task(max_retries=3, autoretry_for=(OperationalError,), retry_backoff=10)
def email_notifications(notification_ids: list[int]) -> int:
    """E-mail these notifications to their recipients (enqueued by notify_many after commit).
    Each e-mail is its own send_email task, with its own retries."""
    return notifications.email_notifications(notification_ids)
