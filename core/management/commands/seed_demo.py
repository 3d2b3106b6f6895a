"""Load demo data: each app's ``demo.seed()`` in dependency order. Safe to run again."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from importlib import import_module
from importlib.util import find_spec

from celery import current_app
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

# Apps seed in this order: each may use what the ones before it created.
SEED_ORDER = ["accounts", "merchants", "complaints", "odr", "referrals", "transparency", "credit"]


@contextmanager
def _tasks_inline_without_email():
    """Run the tasks the demo's services enqueue in this process, and drop their e-mails.

    Playing the demo through the services enqueues a few hundred tasks (notification e-mails,
    credit recomputations). Sent to the broker, they would be the worker's backlog when
    `make run` starts, and the first real task (a new sign-up's e-mail) would wait behind them.
    Run inline they leave nothing queued; their e-mails go to demo addresses nobody reads, and
    the notifications they copy are on the site, so they are not sent (the console would
    otherwise fill with hundreds of them before the server starts).
    """
    conf = current_app.conf
    saved = conf.task_always_eager, conf.task_eager_propagates
    # Each inline task logs a line at INFO when it succeeds: hundreds of them, said by the
    # summary already. Failures are still logged (and raised: eager_propagates).
    trace = logging.getLogger("celery.app.trace")
    saved_level = trace.level
    conf.task_always_eager, conf.task_eager_propagates = True, True
    trace.setLevel(logging.WARNING)
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            yield
    finally:
        conf.task_always_eager, conf.task_eager_propagates = saved
        trace.setLevel(saved_level)


class Command(BaseCommand):
    help = "Create demo users, merchants and cases (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even when DEBUG is off (never do this on a real deployment).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates accounts with known passwords; use --force.")
        logins: list[tuple[str, str, str]] = []
        notes: list[str] = []
        # The transaction ends first: the tasks the services enqueued run inline as it commits.
        with _tasks_inline_without_email(), transaction.atomic():
            for app in SEED_ORDER:
                if find_spec(f"{app}.demo") is None:
                    continue
                result = import_module(f"{app}.demo").seed()
                logins.extend(result.get("logins", []))
                notes.extend(result.get("notes", []))
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write("")
        self.stdout.write("  Demo logins (sign in at http://127.0.0.1:8000/accounts/login/):")
        for role, email, password in logins:
            self.stdout.write(f"  {role:<26} {email:<32} {password}")
        for note in notes:
            self.stdout.write(f"  {note}")
        self.stdout.write(
            "  E-mails: the demo's own notifications were not e-mailed (they are on the site); "
            "from now on every e-mail is printed in this console."
        )
        self.stdout.write("")
