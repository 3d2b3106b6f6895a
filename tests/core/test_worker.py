"""A real Celery worker consumes what the web side enqueues, over the configured broker
(Redis in CI, the embedded filesystem broker otherwise)."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from accounts import services
from accounts.models import User
from config.celery import app

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def real_worker(settings):
    """Tasks go through the broker to a worker thread instead of running inline."""
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        app.conf.task_always_eager = True


def _wait_for(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_registration_email_is_delivered_by_a_real_worker(real_worker, mailoutbox):
    user = services.user_register(
        email="worker@example.test",
        password="a-long-enough-passphrase",
        full_name="Wang Worker",
        role=User.Role.CONSUMER,
        preferred_language="en",
    )

    assert _wait_for(lambda: len(mail.outbox) == 1), "the worker never sent the e-mail"
    assert mail.outbox[0].to == [user.email]
    assert "/accounts/verify/" in mail.outbox[0].body
