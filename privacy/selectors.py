"""Reads the privacy rights need: what stops an erasure, what it pseudonymises, what the
retention period has reached."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet

from accounts.models import PrivacyRequest
from complaints.models import Complaint
from odr.models import CLOSED_STATES, OPEN_STATES, Case


def consumer_open_complaints(user) -> QuerySet[Complaint]:
    """The consumer's submitted complaints still being handled: an open case, or none opened
    yet (the sweep will open it). Erasure waits until these are closed."""
    return (
        Complaint.objects.filter(consumer=user, status=Complaint.Status.SUBMITTED)
        .filter(Q(case__isnull=True) | Q(case__state__in=OPEN_STATES))
        .select_related("case")
        .order_by("submitted_at", "pk")
    )


def consumer_cases_to_pseudonymise(user) -> QuerySet[Case]:
    return Case.objects.filter(
        complaint__consumer=user,
        state__in=CLOSED_STATES,
        complaint__pseudonymised_at__isnull=True,
    ).order_by("pk")


def cases_past_retention(now: datetime) -> QuerySet[Case]:
    """Closed cases older than REDRESS_RETENTION_DAYS (counted from closing) whose personal data
    are still there."""
    return Case.objects.filter(
        state__in=CLOSED_STATES,
        closed_at__lt=now - settings.REDRESS_RETENTION,
        complaint__pseudonymised_at__isnull=True,
    )


# An erasure's task retries for a few hours at most (privacy.tasks.erase_consumer); a request
# still pending a day after it was asked lost its task (a broker down when it was enqueued, a
# worker gone) and the daily retention run carries it out.
ERASURE_STALLED_AFTER = timedelta(days=1)


def erasure_requests_stalled(now: datetime) -> QuerySet[PrivacyRequest]:
    """Erasure requests taken more than a day ago and still not carried out."""
    return PrivacyRequest.objects.filter(
        kind=PrivacyRequest.Kind.ERASURE,
        state=PrivacyRequest.State.PENDING,
        requested_at__lt=now - ERASURE_STALLED_AFTER,
    ).order_by("pk")
