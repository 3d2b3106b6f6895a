"""Celery tasks of the privacy app: carrying out an erasure, and the daily retention sweep.
Thin: ids in, services do the work, each safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from complaints.models import PseudonymisedReason
from complaints.services import evidence_delete_erased_files
from core.batches import in_batches, one_by_one

from . import selectors, services

logger = logging.getLogger(__name__)

# Closed cases pseudonymised per transaction (each in its own savepoint), as many as the
# deadline sweep moves per batch. The daily run may meet a large backlog (the first run, or a
# shortened period): up to 50,000 cases a run, well within its hour, and the next day takes
# the rest.
RETENTION_BATCH_SIZE = 500
RETENTION_MAX_BATCHES = 100


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
    """Daily (beat): carry out the erasure requests whose task was lost, pseudonymise closed
    cases older than the retention period, then delete any erased evidence file that an earlier
    deletion could not remove. Running it twice acts once."""
    now = timezone.now()
    erasures = one_by_one(
        "PrivacyRequest", lambda pk: services.consumer_erase(request_id=pk, now=now)
    )(list(selectors.erasure_requests_stalled(now).values_list("pk", flat=True)))
    pseudonymised = in_batches(
        selectors.cases_past_retention(now),
        one_by_one(
            "Case",
            lambda pk: services.case_pseudonymise_everywhere(
                case_id=pk, reason=PseudonymisedReason.RETENTION, now=now
            ),
        ),
        batch_size=RETENTION_BATCH_SIZE,
        max_batches=RETENTION_MAX_BATCHES,
    )
    files = evidence_delete_erased_files()
    logger.info(
        "Retention: %s stalled erasures carried out, %s cases pseudonymised, %s erased files "
        "deleted",
        erasures,
        pseudonymised,
        files,
    )
    return {"erasures": erasures, "pseudonymised": pseudonymised, "files_deleted": files}
