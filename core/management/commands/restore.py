"""Restore a backup made by ``manage.py backup`` into an empty database and private storage
folder, then verify every hash chain and every file's SHA-256 there."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from core import backup


class Command(BaseCommand):
    help = (
        "Restore a backup folder into the configured database (which must be empty: create "
        "it first) and private storage folder, then run verify_integrity on the result."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="A folder written by manage.py backup.")
        parser.add_argument(
            "--no-verify", action="store_true", help="Do not run verify_integrity afterwards."
        )

    def handle(self, *args, source: Path, no_verify: bool = False, **options):
        try:
            outcome = backup.restore(source)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        for note in outcome.notes:
            self.stdout.write(self.style.WARNING(note))
        self.stdout.write(self.style.SUCCESS(f"Restored {source}."))
        if not no_verify:
            call_command("verify_integrity", stdout=self.stdout, stderr=self.stderr)
