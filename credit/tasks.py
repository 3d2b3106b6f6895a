"""Celery tasks of the credit app: recomputation (incremental and nightly) and webhook delivery."""

from __future__ import annotations

from celery import shared_task
from django.db import IntegrityError, OperationalError

from . import services


@shared_task(
    # IntegrityError: two first-ever computations of one merchant raced to insert its current
    # snapshot; the retry finds the other's row and compares against it.
    autoretry_for=(OperationalError, IntegrityError),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
)
def recompute_merchants(merchant_ids: list[int]) -> None:
    """Recompute the credit of these merchants (idempotent). Enqueued by odr by name when a
    case reaches an outcome."""
    services.credit_recompute(merchant_ids=merchant_ids)


@shared_task(
    autoretry_for=(OperationalError, IntegrityError),
    retry_backoff=60,
    max_retries=3,
    # Every merchant, in batches: longer than the default limits allow.
    soft_time_limit=60 * 60,
    time_limit=65 * 60,
)
def recompute_all() -> None:
    """Nightly: recompute every merchant (decay moves scores even without new cases)."""
    services.credit_recompute()


@shared_task(bind=True, max_retries=None)
def deliver_webhook(self, delivery_id: int) -> None:
    """One attempt to deliver; failed transient attempts come back with exponential backoff
    until CREDIT_WEBHOOK_MAX_ATTEMPTS (the service counts the attempts on the row)."""
    attempt = services.webhook_deliver(delivery_id=delivery_id)
    if attempt.retry:
        raise self.retry(countdown=services.webhook_backoff(attempt.attempts))
