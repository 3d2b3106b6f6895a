"""Back up the database and the private files into one new folder (see core.backup)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core import backup


class Command(BaseCommand):
    help = (
        "Write a backup into a new folder: the database (pg_dump on PostgreSQL, SQLite's "
        "online backup otherwise), the private files when they are on local disk, and a "
        "manifest with the database file's SHA-256."
    )

    def add_arguments(self, parser):
        parser.add_argument("destination", type=Path, help="A new or empty folder.")

    def handle(self, *args, destination: Path, **options):
        try:
            outcome = backup.backup(destination)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        for note in outcome.notes:
            self.stdout.write(self.style.WARNING(note))
        database, files = outcome.manifest["database"], outcome.manifest["private_files"]
        copied = (
            f"{files['files']} private files ({files['bytes']} bytes)"
            if "files" in files
            else "no private files"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up the {database['vendor']} database ({database['bytes']} bytes, "
                f"SHA-256 {database['sha256']}) and {copied} into {destination}."
            )
        )
