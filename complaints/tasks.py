"""Celery tasks of the complaints app: deleting erased evidence files from storage."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(
    # A storage that is down (S3, a full disk) raises OSError or a botocore error; the retries
    # and the daily retention sweep (which runs the same service for every complaint) catch up.
    autoretry_for=(OperationalError, OSError),
    retry_backoff=30,
    retry_backoff_max=60 * 30,
    max_retries=8,
)
def delete_erased_evidence_files(complaint_id: int) -> int:
    """Remove the files of a pseudonymised complaint's erased evidence (idempotent)."""
    return services.evidence_delete_erased_files(complaint_id=complaint_id)
