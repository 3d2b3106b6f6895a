"""The ODR tasks and the e-mail task they send: a transient error (the database or the mail
server briefly unavailable) is retried with a growing delay; anything else is not retried."""

from __future__ import annotations

import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import OperationalError

from core.tasks import send_email
from odr import selectors, services, tasks
from odr.models import Case

from ..factories import SubmittedComplaintFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _eager_retries(monkeypatch):
    """Inline tasks re-raise Celery's Retry when errors propagate; without propagation Celery
    runs each retry at once (an inline task ignores the countdown), so a test sees them all."""
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_eager_propagates", False)


@pytest.fixture
def backoffs(monkeypatch):
    """The delays Celery computes for each retry (recorded, then computed as usual)."""
    import celery.app.autoretry as autoretry

    real = autoretry.get_exponential_backoff_interval
    calls: list[dict] = []

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(autoretry, "get_exponential_backoff_interval", spy)
    return calls


def _failing(real, *, times: int, error: Exception):
    calls = {"n": 0}

    def run(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] <= times:
            raise error
        return real(*args, **kwargs)

    run.calls = calls
    return run


def test_opening_a_case_is_retried_with_backoff_while_the_database_is_away(monkeypatch, backoffs):
    complaint = SubmittedComplaintFactory()
    flaky = _failing(services.case_open, times=2, error=OperationalError("server closed"))
    monkeypatch.setattr(services, "case_open", flaky)

    tasks.open_case.delay(complaint.pk)

    assert Case.objects.filter(complaint=complaint).count() == 1
    assert flaky.calls["n"] == 3
    assert [(b["factor"], b["retries"], b["maximum"]) for b in backoffs] == [
        (10, 0, 600),
        (10, 1, 600),
    ]


def test_the_sweep_is_retried_when_the_database_is_away(monkeypatch, backoffs):
    lost = SubmittedComplaintFactory()
    flaky = _failing(
        selectors.complaints_without_case, times=1, error=OperationalError("server closed")
    )
    monkeypatch.setattr(selectors, "complaints_without_case", flaky)

    tasks.sweep_deadlines.delay()

    assert Case.objects.filter(complaint=lost).exists()
    assert [b["factor"] for b in backoffs] == [5]


def test_a_programming_error_is_not_retried(monkeypatch, backoffs):
    complaint = SubmittedComplaintFactory()
    broken = _failing(services.case_open, times=99, error=ValueError("bug"))
    monkeypatch.setattr(services, "case_open", broken)

    result = tasks.open_case.delay(complaint.pk)

    assert isinstance(result.result, ValueError)
    assert broken.calls["n"] == 1
    assert backoffs == []


class SmtpDownTwiceBackend(BaseEmailBackend):
    attempts = 0

    def send_messages(self, messages):
        type(self).attempts += 1
        if type(self).attempts <= 2:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return LocmemBackend().send_messages(messages)


def test_an_email_is_retried_with_backoff_until_the_mail_server_answers(settings, backoffs):
    settings.EMAIL_BACKEND = f"{__name__}.SmtpDownTwiceBackend"
    SmtpDownTwiceBackend.attempts = 0

    send_email.delay(subject="Case RD-2026-000001", body="Hello", to=["li@example.test"])

    assert SmtpDownTwiceBackend.attempts == 3
    assert [m.to for m in mail.outbox] == [["li@example.test"]]
    assert [(b["factor"], b["retries"]) for b in backoffs] == [(30, 0), (30, 1)]
