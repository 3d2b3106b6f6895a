"""Celery tasks of the ODR app: opening cases, the deadline sweep, erasure and retention. Thin:
ids in, services do the work, each safe to run twice."""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery import shared_task
from django.db import OperationalError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from complaints.models import PseudonymisedReason
from complaints.services import evidence_delete_erased_files

from . import notifications, selectors, services

logger = logging.getLogger(__name__)

# Cases locked and handled per transaction. A batch of passed deadlines costs the same few
# queries whatever its size (services.cases_expire_deadlines), so larger batches mean fewer
# statements and commits per case: 500 (about half a second of row locks against mediators'
# clicks, who then wait rather than fail) moved 10,000 overdue cases in half the time of 100
# (bench/README.md). Batches per run keep one run well within the task time limit (60 s soft);
# whatever is left is picked up a minute later.
SWEEP_BATCH_SIZE = 500
SWEEP_MAX_BATCHES = 20
# The daily retention run may meet a large backlog (the first run, or a shortened period):
# up to 50,000 cases a run, well within its hour, and the next day takes the rest.
RETENTION_MAX_BATCHES = 100


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


def _in_batches(
    queryset: QuerySet,
    handle_batch: Callable[[list[int]], int],
    *,
    max_batches: int = SWEEP_MAX_BATCHES,
) -> int:
    """Lock up to a batch of rows that no other sweep holds, handle them, commit; repeat.

    ``skip_locked`` lets two sweeps (a slow run overlapping the next, or two beat processes by
    mistake) share the work instead of doing it twice or waiting for each other.
    """
    done: set[int] = set()
    acted = 0
    for _ in range(max_batches):
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
                logger.exception("Sweep failed on %s %s", model_name, pk)
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


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=30,
    retry_backoff_max=60 * 30,
    max_retries=8,
    # A consumer with many cases and files: longer than the default limits allow.
    soft_time_limit=30 * 60,
    time_limit=35 * 60,
)
def erase_consumer(request_id: int) -> None:
    """Carry out a consumer's erasure request (enqueued on commit when they ask)."""
    services.consumer_erase(request_id=request_id)


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    max_retries=3,
    # Every batch of a large backlog (the first run after retention is switched on).
    soft_time_limit=60 * 60,
    time_limit=65 * 60,
)
def apply_retention() -> dict:
    """Daily (beat): pseudonymise closed cases older than the retention period, then delete
    any erased evidence file that an earlier deletion could not remove. Running it twice acts
    once."""
    now = timezone.now()
    pseudonymised = _in_batches(
        selectors.cases_past_retention(now),
        _one_by_one(
            "Case",
            lambda pk: services.case_pseudonymise(
                case_id=pk, reason=PseudonymisedReason.RETENTION, now=now
            ),
        ),
        max_batches=RETENTION_MAX_BATCHES,
    )
    files = evidence_delete_erased_files()
    logger.info("Retention: %s cases pseudonymised, %s erased files deleted", pseudonymised, files)
    return {"pseudonymised": pseudonymised, "files_deleted": files}
