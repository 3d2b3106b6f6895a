"""Verify the tamper evidence: every hash chain (case events, disclosure versions) and every
stored file (evidence, verification documents) against its recorded SHA-256."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from core import integrity


class Command(BaseCommand):
    help = (
        "Recompute every hash chain and every stored file's SHA-256 and report each break "
        "(which case or merchant, which row, what differs, which file is missing). Exits with "
        "status 1 when anything is broken."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="append",
            dest="only",
            metavar="NAME",
            help="Run only this check (repeatable): "
            + ", ".join(integrity.checks())
            + ". Default: all.",
        )
        parser.add_argument(
            "--skip-files",
            action="store_true",
            help="Check the chains and statements only, without reading the stored files.",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=4,
            help="Files hashed at the same time (default 4; more helps with S3).",
        )

    def handle(self, *args, only=None, skip_files=False, jobs=4, **options):
        def show(brk: integrity.Break) -> None:
            self.stderr.write(f"BREAK {brk}")

        try:
            report = integrity.verify(only=only, files=not skip_files, jobs=jobs, on_break=show)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"Integrity verified. {report.summary()}"))
            return
        raise CommandError(f"Integrity broken. {report.summary()}", returncode=1)
