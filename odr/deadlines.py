"""The one place that computes case deadlines: per-stage durations from settings, calendar days,
stored in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone


def stage_duration(kind: str) -> timedelta:
    """How long the stage ``kind`` (a Case.DeadlineKind value) lasts."""
    return settings.REDRESS_DEADLINES[kind]


def deadline_for(kind: str, *, start: datetime | None = None) -> datetime:
    """The deadline of a stage that starts at ``start`` (now by default), in UTC.

    Calendar days, not working days: the periods in docs/design.md are counted that way, and a
    consumer in one country and a merchant in another do not share public holidays.
    """
    start = start or timezone.now()
    return (start + stage_duration(kind)).astimezone(UTC)


def reminder_due_at(deadline: datetime) -> datetime:
    """When the reminder for ``deadline`` goes out."""
    return deadline - settings.REDRESS_REMINDER_BEFORE
