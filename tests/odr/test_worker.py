"""A real worker on the real broker (Redis in CI, the embedded filesystem broker otherwise):
the beat task escalates an overdue case, and an SMTP server that is down breaks neither a page
nor a case; the e-mail is retried until it goes out."""

from __future__ import annotations

import smtplib
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from odr.models import Case, CaseState
from tests.conftest import wait_for

from .builders import build

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("mediators_group"),
]


def test_the_beat_task_escalates_an_unpaid_settlement(mediator, real_worker):
    w = build(CaseState.SETTLED, mediator)
    # The fulfilment deadline passed an hour ago (the worker lives in real time).
    Case.objects.filter(pk=w.case.pk).update(deadline_at=timezone.now() - timedelta(hours=1))
    entry = settings.CELERY_BEAT_SCHEDULE["odr-sweep-deadlines"]

    # What beat does every minute: send the scheduled task by name through the broker.
    app.send_task(entry["task"])

    assert wait_for(lambda: Case.objects.get(pk=w.case.pk).state == CaseState.ESCALATED), (
        "the worker never escalated the case"
    )
    case = Case.objects.get(pk=w.case.pk)
    assert case.events.filter(kind="fulfilment_expired", actor=None).count() == 1
    assert case.deadline_kind == "mediation"


class SmtpDownOnceBackend(BaseEmailBackend):
    """An SMTP server that drops the first connection, then works (delivering to locmem)."""

    attempts = 0

    def send_messages(self, messages):
        type(self).attempts += 1
        if type(self).attempts == 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return LocmemBackend().send_messages(messages)


@pytest.fixture
def negotiation(mediator):
    """Built before the worker starts, while tasks still run inline."""
    w = build(CaseState.NEGOTIATION, mediator)
    mail.outbox.clear()
    return w


def test_an_smtp_failure_breaks_no_page_and_loses_nothing(
    negotiation, real_worker, client, settings, monkeypatch
):
    w = negotiation
    settings.EMAIL_BACKEND = f"{__name__}.SmtpDownOnceBackend"
    SmtpDownOnceBackend.attempts = 0
    # The retry's backoff is real (send_email: 30 s, doubling); a test waits one second.
    monkeypatch.setattr("celery.app.autoretry.get_exponential_backoff_interval", lambda **_: 1)
    client.force_login(w.consumer)

    response = client.post(
        reverse(
            "odr:offer_action",
            kwargs={
                "reference": w.case.complaint.reference,
                "offer_id": w.offer.pk,
                "action": "accept",
            },
        ),
        {"version": w.case.version},
    )

    # The page answered and the case moved at once, whatever the mail server does.
    assert response.status_code == 302
    assert Case.objects.get(pk=w.case.pk).state == CaseState.SETTLED
    # The merchant's notice went out on the second attempt.
    assert wait_for(lambda: len(mail.outbox) == 1), "the e-mail was never retried"
    assert SmtpDownOnceBackend.attempts == 2
    [sent] = mail.outbox
    assert sent.to == [w.rep.email]
    assert w.case.complaint.reference in sent.subject
