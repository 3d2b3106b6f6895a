"""Celery tasks of the merchants app: the daily verification expiry sweep."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    retry_backoff_max=60 * 30,
    max_retries=5,
)
def expire_verifications() -> int:
    """Expire every verification past its date; running it twice expires nothing twice."""
    return services.verifications_expire_due()
