"""enqueue_on_commit: work leaves only after commit, and a broker outage never breaks a request."""

from __future__ import annotations

import logging
from unittest import mock

import pytest
from django.db import transaction
from kombu.exceptions import OperationalError

from core.emails import send_templated_email
from core.queue import enqueue_on_commit
from core.tasks import send_email

pytestmark = pytest.mark.django_db(transaction=True)


def test_rolled_back_transaction_enqueues_nothing(mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(send_email, subject="s", body="b", to=["a@example.test"])
        raise RuntimeError("roll back")

    assert mailoutbox == []


def test_committed_transaction_enqueues_once(mailoutbox):
    with transaction.atomic():
        enqueue_on_commit(send_email, subject="s", body="b", to=["a@example.test"])
        assert mailoutbox == []

    assert len(mailoutbox) == 1


def test_unreachable_broker_is_logged_not_raised(caplog):
    with (
        mock.patch.object(send_email, "apply_async", side_effect=OperationalError("down")),
        caplog.at_level(logging.ERROR, logger="core.queue"),
        transaction.atomic(),
    ):
        enqueue_on_commit(send_email, subject="s", body="b", to=["a@example.test"])

    assert "broker unreachable" in caplog.text


def test_templated_email_is_rendered_in_the_requested_language(mailoutbox):
    with transaction.atomic():
        send_templated_email(
            to="x@example.test",
            template="accounts/email/verify",
            context={"user_name": "Li", "path": "/accounts/verify/x/y/"},
            language="zh-hans",
        )

    assert len(mailoutbox) == 1
    assert "Li" in mailoutbox[0].body
    assert "http://" in mailoutbox[0].body
    assert "确认" in mailoutbox[0].subject


def test_a_task_can_be_enqueued_by_its_registered_name(mailoutbox):
    with transaction.atomic():
        enqueue_on_commit("core.tasks.send_email", subject="s", body="b", to=["a@example.test"])

    assert len(mailoutbox) == 1


def test_a_task_named_is_found_in_a_process_that_never_imported_its_module(monkeypatch):
    import sys

    from celery import _state as celery_state
    from celery import current_app

    # A web process: autodiscovery (which runs in workers) has not imported credit.tasks.
    # monkeypatch puts the module and every registered task back afterwards, so the rest of
    # the suite keeps the same task objects.
    for name in [n for n in current_app.tasks if n.startswith("credit.tasks.")]:
        monkeypatch.delitem(current_app.tasks, name)
    monkeypatch.delitem(sys.modules, "credit.tasks", raising=False)
    # Importing the module again makes new task functions, and shared_task records each one to
    # register on every Celery app finalized later; keep those records out of the shared set.
    monkeypatch.setattr(celery_state, "_on_app_finalizers", set(celery_state._on_app_finalizers))

    with transaction.atomic():
        enqueue_on_commit("credit.tasks.recompute_merchants", [1])

    assert "credit.tasks.recompute_merchants" in current_app.tasks
