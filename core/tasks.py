"""Celery tasks shared by every app."""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=60 * 30,
    max_retries=8,
)
def send_email(*, subject: str, body: str, to: list[str]) -> None:
    """Send one plain-text e-mail; transient SMTP failures retry with exponential backoff."""
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to).send()
