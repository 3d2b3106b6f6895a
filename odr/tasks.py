"""Celery tasks of the ODR app (contract placeholder; the ODR issue implements these)."""

from celery import shared_task


@shared_task
def open_case(complaint_id: int) -> None:
    """Open the case of a submitted complaint (idempotent). Enqueued by complaints by name."""
