"""Move a demo case's deadline, so that a `make run` user sees the deadline sweep act (reminders,
escalation to mediation, referral) in minutes instead of days. Development only, like seed_demo.

    python manage.py demo_deadline                          # the open cases and their deadlines
    python manage.py demo_deadline RD-2026-000007 --overdue # the sweep acts within a minute
    python manage.py demo_deadline RD-2026-000007 --due-in 1d   # reminded within a minute
    python manage.py demo_deadline RD-2026-000007 --due-in 2m --sweep

The beat of `make run` runs odr.tasks.sweep_deadlines every minute; ``--sweep`` runs it at once.
"""

from __future__ import annotations

import re
from datetime import UTC, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from odr import services, tasks
from odr.models import OPEN_STATES, Case
from odr.selectors import EXPIRING_KINDS

_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_DURATION = re.compile(r"(\d+)([smhd])")


def parse_duration(text: str) -> timedelta:
    """``90s``, ``2m``, ``3h``, ``1d12h``: a positive length of time."""
    text = text.strip().lower()
    parts = _DURATION.findall(text)
    if not parts or "".join(n + unit for n, unit in parts) != text:
        raise CommandError(f"{text!r} is not a duration such as 90s, 2m, 3h, 1d or 1d12h.")
    return sum((timedelta(**{_UNITS[unit]: int(n)}) for n, unit in parts), timedelta())


def _when(case: Case, now) -> str:
    delta = case.deadline_at - now
    seconds = int(abs(delta.total_seconds()))
    span = (
        f"{seconds // 86400} d {seconds % 86400 // 3600} h"
        if seconds >= 86400
        else f"{seconds // 3600} h {seconds % 3600 // 60} min"
    )
    return f"in {span}" if delta.total_seconds() > 0 else f"{span} ago"


class Command(BaseCommand):
    help = (
        "Move a demo case's running deadline (--due-in 2m, --overdue) so that the deadline sweep "
        "reminds or escalates it; without a reference, list the open cases. Development only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "reference", nargs="?", help="the case's reference, e.g. RD-2026-000007"
        )
        when = parser.add_mutually_exclusive_group()
        when.add_argument(
            "--due-in",
            metavar="DURATION",
            help="the deadline this long from now (90s, 2m, 3h, 1d); within "
            f"{settings.REDRESS_REMINDER_BEFORE.total_seconds() / 3600:g} h the sweep reminds",
        )
        when.add_argument(
            "--overdue",
            action="store_true",
            help="the deadline now: the sweep's next run acts as when a deadline passes",
        )
        parser.add_argument(
            "--sweep",
            action="store_true",
            help="run the deadline sweep now, instead of waiting for beat's next minute",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="run even when DEBUG is off (never do this on a real deployment)",
        )

    def handle(self, *args, reference=None, due_in=None, overdue=False, sweep=False, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "demo_deadline moves the deadlines of real cases when DEBUG is off; use --force."
            )
        now = timezone.now()
        if reference is None:
            if due_in or overdue:
                raise CommandError("Name the case: demo_deadline RD-... --due-in 2m")
            self._list(now)
        else:
            if not (due_in or overdue):
                raise CommandError("Say when: --due-in DURATION (2m, 1d) or --overdue.")
            case = (
                Case.objects.select_related("complaint")
                .filter(complaint__reference=reference.strip().upper())
                .first()
            )
            if case is None:
                raise CommandError(f"No case {reference!r}; run demo_deadline to list them.")
            deadline_at = now if overdue else now + parse_duration(due_in)
            try:
                case = services.case_move_deadline(case_id=case.pk, deadline_at=deadline_at)
            except services.TransitionNotAllowed as exc:
                raise CommandError(f"{reference}: {exc.message}") from exc
            self._moved(case, now)
        if sweep:
            self.stdout.write(f"Sweep: {tasks.sweep_deadlines()}")

    def _moved(self, case: Case, now) -> None:
        at = case.deadline_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        self.stdout.write(
            f"{case.complaint.reference} ({case.get_state_display()}): "
            f"{case.get_deadline_kind_display()} due {at} ({_when(case, now)})."
        )
        if case.deadline_kind not in EXPIRING_KINDS:
            self.stdout.write(
                "  A screening deadline moves nothing by itself: the desk lists the case as "
                "overdue."
            )
        elif case.deadline_at <= now:
            self.stdout.write(
                "  The sweep (every minute under make run) moves the case at its next run; "
                "its page and the desk then show the step and the e-mails are in the console."
            )
        elif case.deadline_at - now <= settings.REDRESS_REMINDER_BEFORE:
            self.stdout.write(
                "  The sweep reminds the parties at its next run and moves the case once the "
                "deadline passes."
            )

    def _list(self, now) -> None:
        cases = (
            Case.objects.filter(state__in=OPEN_STATES)
            .exclude(deadline_at=None)
            .select_related("complaint")
            .order_by("deadline_at", "pk")
        )
        for case in cases:
            self.stdout.write(
                f"{case.complaint.reference:<16} {_when(case, now):<14} "
                f"{case.get_deadline_kind_display()} ({case.get_state_display()})"
            )
