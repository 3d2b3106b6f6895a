"""Celery tasks of the credit app (contract placeholder; the credit issue implements these)."""

from celery import shared_task


@shared_task
def recompute_merchants(merchant_ids: list[int]) -> None:
    """Recompute the credit of these merchants (idempotent). Enqueued by odr by name."""
