"""Celery tasks of the ODR app: opening cases, the deadline sweep, e-mailing notifications.
Thin: ids in, services do the work, each safe to run twice. (Erasure and retention are the
privacy app's tasks.)"""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from core.batches import in_batches, one_by_one

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


def _sweep(queryset, handle_batch: Callable[[list[int]], int]) -> int:
    # The module's numbers read at call time (a test may lower the batch size).
    return in_batches(
        queryset, handle_batch, batch_size=SWEEP_BATCH_SIZE, max_batches=SWEEP_MAX_BATCHES
    )


def _expire_in_batches(now) -> Callable[[list[int]], int]:
    """Passed deadlines, a whole batch per service call (a few queries, however many cases);
    if the batch fails, its cases are moved one by one so that one bad case holds back none."""
    pool = services.MediatorPool()

    def run(ids: list[int]) -> int:
        try:
            return len(services.cases_expire_deadlines(case_ids=ids, now=now, pool=pool))
        except Exception:
            logger.exception("Deadline sweep batch failed; moving its cases one by one")
            return one_by_one(
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
        "opened": _sweep(
            selectors.complaints_without_case(now),
            one_by_one("Complaint", lambda pk: services.case_open(complaint_id=pk, now=now)),
        ),
        "expired": _sweep(selectors.cases_overdue(now), _expire_in_batches(now)),
        "reminded": _sweep(
            selectors.cases_due_for_reminder(now),
            one_by_one("Case", lambda pk: services.case_send_reminder(case_id=pk, now=now)),
        ),
    }


@shared_task(max_retries=3, autoretry_for=(OperationalError,), retry_backoff=10)
def email_notifications(notification_ids: list[int]) -> int:
    """E-mail these notifications to their recipients (enqueued by notify_many after commit).
    Each e-mail is its own send_email task, with its own retries."""
    return notifications.email_notifications(notification_ids)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=60, max_retries=3)
def remind_expiring_rights() -> int:
    """Daily (beat): remind consumers whose withdrawal right ends within two days while their
    case is still open, once per right. Running it twice reminds once."""
    today = timezone.localdate()
    return _sweep(
        selectors.cases_with_rights_to_remind(today),
        one_by_one("Case", lambda pk: services.case_remind_right_expiring(case_id=pk, today=today)),
    )
