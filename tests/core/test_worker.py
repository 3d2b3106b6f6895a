"""A real Celery worker consumes what the web side enqueues, over the configured broker
(Redis in CI, the embedded filesystem broker otherwise)."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts import services
from accounts.models import User
from tests.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_registration_email_is_delivered_by_a_real_worker(real_worker, mailoutbox):
    user = services.user_register(
        email="worker@example.test",
        password="a-long-enough-passphrase",
        full_name="Wang Worker",
        role=User.Role.CONSUMER,
        preferred_language="en",
    )

    assert wait_for(lambda: len(mail.outbox) == 1), "the worker never sent the e-mail"
    assert mail.outbox[0].to == [user.email]
    assert "/accounts/verify/" in mail.outbox[0].body
