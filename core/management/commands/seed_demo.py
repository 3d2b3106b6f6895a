"""Load demo data: each app's ``demo.seed()`` in dependency order. Safe to run again."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Apps seed in this order: each may use what the ones before it created.
SEED_ORDER = ["accounts", "merchants", "complaints", "odr", "referrals", "credit"]


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
        with transaction.atomic():
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
        self.stdout.write("")
