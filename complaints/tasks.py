"""Celery tasks of the complaints app: deleting erased evidence files from storage."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(autoretry_for=(OperationalError,), retry_backoff=30, max_retries=5)
def delete_erased_evidence_files(complaint_id: int) -> int:
    """Remove the files of a pseudonymised complaint's erased evidence (idempotent). A file the
    storage could not delete is left for the daily retention sweep, which tries again."""
    return services.evidence_delete_erased_files(complaint_id=complaint_id)
