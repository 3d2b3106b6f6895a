"""seed_demo: refuses to run on a real deployment, prints the demo logins, and they work."""

from __future__ import annotations

import os
import re
from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=StringIO())


def test_the_printed_demo_logins_sign_in_and_the_mediator_opens_the_admin(client, settings):
    settings.DEBUG = True  # as under `make run` (local settings)
    out = StringIO()
    call_command("seed_demo", stdout=out)
    # The block after "Demo logins": one "role  e-mail  password" line per account.
    block = out.getvalue().split("Demo logins", 1)[1].split("\n\n", 1)[0]
    printed = dict(re.findall(r"(\S+@redress\.test)\s+(\S+)$", block, re.MULTILINE))

    assert {"mediator@redress.test", "consumer@redress.test"} <= set(printed)
    for email in ("mediator@redress.test", "consumer@redress.test"):
        client.logout()
        response = client.post(reverse("login"), {"username": email, "password": printed[email]})
        assert response.status_code == 302, email
    assert client.get(reverse("complaints:mine")).status_code == 200

    client.logout()
    client.post(
        reverse("login"),
        {"username": "mediator@redress.test", "password": printed["mediator@redress.test"]},
    )
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/odr/case/").status_code == 200


def test_the_demo_has_a_referred_case_sent_on_with_its_signed_pdf(settings):
    from referrals.dossiers import verify_pdf
    from referrals.models import Referral

    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())  # again: nothing doubled

    referral = Referral.objects.select_related("dossier", "body").get()
    assert referral.body.name == "econsumer.gov"
    assert referral.case.state == "referred"
    assert verify_pdf(referral.dossier.pdf.open("rb").read()).authentic


@pytest.mark.django_db(transaction=True)  # the command's own transaction commits, as in make run
def test_seed_demo_leaves_no_task_queued_for_the_worker(settings, mailoutbox):
    """Everything the demo's services enqueue runs inline: a worker that starts after seeding
    has no backlog to drain before a new sign-up's e-mail."""
    from django.core.mail.backends.dummy import EmailBackend

    from config.celery import app
    from odr.models import Notification

    settings.DEBUG = True
    app.conf.task_always_eager = False  # as in make run: enqueued tasks go to the broker
    try:
        app.control.purge()
        with (
            mock.patch.object(app, "send_task", wraps=app.send_task) as sent,
            mock.patch.object(EmailBackend, "send_messages", autospec=True) as dropped,
        ):
            call_command("seed_demo", stdout=StringIO())

        assert sent.call_count == 0
        assert app.conf.task_always_eager is False  # put back as it was
        if settings.CELERY_BROKER_URL.startswith("filesystem://"):
            queue = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
            assert [name for name in os.listdir(queue) if name.endswith(".msg")] == []
        assert app.control.purge() == 0  # nothing is waiting on the broker
    finally:
        app.conf.task_always_eager = True
    # The tasks ran: the notifications' e-mails were written, and dropped (demo addresses; the
    # notifications are on the site).
    assert Notification.objects.count() > 50
    assert dropped.call_count >= Notification.objects.count()
    assert mailoutbox == []
