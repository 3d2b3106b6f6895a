"""Celery tasks shared by every app."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage

from core import integrity

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=60 * 30,
    max_retries=8,
)
def send_email(*, subject: str, body: str, to: list[str]) -> None:
    """Send one plain-text e-mail; transient SMTP failures retry with exponential backoff."""
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to).send()


# Reading every stored file can take hours on a large S3 bucket; the default 60 s limit is for
# request-sized tasks. A redelivery after a lost worker only verifies again.
INTEGRITY_SOFT_TIME_LIMIT = 6 * 60 * 60


@shared_task(soft_time_limit=INTEGRITY_SOFT_TIME_LIMIT, time_limit=INTEGRITY_SOFT_TIME_LIMIT + 300)
def verify_integrity(*, files: bool = True) -> int:
    """Daily (beat): verify every hash chain and stored file; log each break as an error.

    Returns the number of breaks. The same checks as ``manage.py verify_integrity``.
    """
    report = integrity.verify(
        files=files, on_break=lambda brk: logger.error("Integrity break: %s", brk)
    )
    if report.ok:
        logger.info("Integrity verified. %s", report.summary())
    else:
        logger.error("Integrity broken. %s", report.summary())
    return len(report.breaks)
