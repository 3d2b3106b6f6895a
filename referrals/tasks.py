"""Referral work done by the worker: e-mailing a body its case, reminding consumers to report
what a body decided."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import OperationalError
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.batches import one_by_one

from . import services
from .models import Referral

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(OperationalError, smtplib.SMTPException, ConnectionError),
    retry_backoff=60,
    max_retries=5,
)
def email_referral(referral_id: int) -> bool:
    """Send the body its case: the covering letter, with the signed dossier attached."""
    referral = (
        Referral.objects.select_related("body", "dossier", "case__complaint")
        .filter(pk=referral_id)
        .first()
    )
    if referral is None or referral.emailed_at or not referral.body.email:
        return False
    dossier = referral.dossier
    with translation.override(dossier.language):
        subject = render_to_string(
            "referrals/email/referral_subject.txt", {"referral": referral}
        ).strip()
        body = render_to_string(
            "referrals/email/referral_body.txt",
            {"referral": referral, "dossier": dossier, "site_url": settings.SITE_URL},
        )
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[referral.body.email],
    )
    message.attach(
        f"dossier-{referral.case.complaint.reference}.pdf", dossier.pdf.read(), "application/pdf"
    )
    message.send()
    Referral.objects.filter(pk=referral.pk).update(emailed_at=timezone.now())
    return True


@shared_task(autoretry_for=(OperationalError,), retry_backoff=60, max_retries=3)
def remind_referral_outcomes() -> int:
    """Ask each consumer whose referral is open and due what the body decided."""
    now = timezone.now()
    ids = list(services.referrals_due_for_reminder(now).values_list("pk", flat=True))
    return one_by_one("referral", lambda pk: services.referral_remind(referral_id=pk, now=now))(ids)
