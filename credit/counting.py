"""What a case counts for, as conditions on its columns: one definition for the merchant's
figures (credit.selectors) and the site's public statistics (transparency.statistics), so the
same words mean the same cases on both pages (docs/credit.md, "What counts").

Each function takes ``prefix``, the path from the model queried to the case's columns: "" on
the rows of ``odr.selectors.credit_case_rows`` (which name them as the case does), ``"case__"``
from a complaint.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import F, FloatField, Func, Q, QuerySet

from . import method


class DaysBetween(Func):
    """``later - earlier`` in (fractional) days, on SQLite and PostgreSQL."""

    output_field = FloatField()
    arity = 2

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
            **extra_context,
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="(CAST(EXTRACT(EPOCH FROM (%(expressions)s)) AS double precision) / 86400.0)",
            arg_joiner=" - ",
            **extra_context,
        )


def counted(prefix: str = "") -> Q:
    """Cases that count: accepted at screening (so never one rejected there), neither rejected
    as unfounded nor withdrawn. (Held complaints are left out where the rows are read:
    ``complaints.selectors.not_held``.)"""
    return (
        Q(**{f"{prefix}accepted_at__isnull": False})
        & ~Q(**{f"{prefix}outcome__in": method.IGNORED_OUTCOMES})
        & ~Q(**{f"{prefix}state__in": method.IGNORED_STATES})
    )


def answer_known(*, now: datetime, prefix: str = "") -> Q:
    """Cases that count for responsiveness: the merchant's answer was due and is known, because
    the merchant answered or the deadline passed without an answer."""
    due = f"{prefix}merchant_response_due_at"
    return Q(**{f"{due}__isnull": False}) & (
        Q(**{f"{prefix}merchant_responded_at__isnull": False}) | Q(**{f"{due}__lt": now})
    )


def answered(*, now: datetime, prefix: str = "") -> Q:
    """Of ``answer_known``: the merchant answered, in time or late."""
    return answer_known(now=now, prefix=prefix) & Q(
        **{f"{prefix}merchant_responded_at__isnull": False}
    )


def answered_in_time(*, now: datetime, prefix: str = "") -> Q:
    """Of ``answer_known``: the merchant answered by the deadline."""
    return answered(now=now, prefix=prefix) & Q(
        **{f"{prefix}merchant_responded_at__lte": F(f"{prefix}merchant_response_due_at")}
    )


def decided(prefix: str = "") -> Q:
    """Cases closed with an outcome that counts for resolution (method.DECIDED_OUTCOMES)."""
    return Q(**{f"{prefix}outcome__in": method.DECIDED_OUTCOMES})


def resolved(prefix: str = "", *, closed: bool = True) -> Q:
    """Decided cases resolved by the merchant or settled in mediation (compensation in advance
    is decided, not resolved: the platform paid because the merchant did not). ``closed``: and
    closed, which the median time to resolve needs (the engine's sums do not ask it)."""
    condition = Q(**{f"{prefix}outcome__in": method.RESOLVED_OUTCOMES})
    if closed:
        condition &= Q(**{f"{prefix}closed_at__isnull": False})
    return condition


def median_days(rows: QuerySet, count: int, *, later: str, earlier: str) -> float | None:
    """The median of ``later - earlier`` in days over ``rows`` (``count`` of them, counted by
    the caller), or None for none.

    The middle one or two durations, sorted in the database: no percentile function exists on
    both SQLite and PostgreSQL, and this reads at most two rows whatever the number of rows."""
    if not count:
        return None
    durations = (
        rows.annotate(_days=DaysBetween(F(later), F(earlier)))
        .order_by("_days")
        .values_list("_days", flat=True)
    )
    middle = list(durations[(count - 1) // 2 : count // 2 + 1])
    return sum(middle) / len(middle)
