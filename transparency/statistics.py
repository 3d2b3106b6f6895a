"""The public statistics of complaints: one cached selector, ``public_statistics``, over the
complaints that count, and the pure functions that turn its rows into figures.

What counts is what counts for a merchant's credit (credit.counting, docs/credit.md "What
counts"), over every complaint rather than one merchant's: submitted, accepted at screening (so
never one rejected there), not held for screening without a mediator's acceptance, neither
rejected as unfounded nor withdrawn. The answer, resolution and median figures use the credit's
own conditions, so "resolution rate" means the same here and on a merchant's page.

The cached value holds numbers and codes only (category and country codes, merchants' names as
registered): it is the same in every language, and the view translates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from complaints.models import Complaint, Respondent
from complaints.selectors import not_held
from core.cache import kept
from credit import counting

# The longest period the page shows (months): the chart stays readable and the cache's keys
# stay few.
MAX_MONTHS = 60
# The rows of the country-pair and platform figures.
TOP = 10
# Bumped when the cached value changes shape, so an old entry is never read as a new one.
_CACHE_VERSION = 1


@dataclass(frozen=True)
class Filters:
    """What the page is filtered by (transparency.forms.StatisticsFilterForm.filters)."""

    first_month: dt.date  # the first day of the period's first month
    last_month: dt.date  # the first day of its last month
    category: str = ""
    consumer_country: str = ""
    merchant_country: str = ""
    # A merchant's id, or NO_PLATFORM for complaints that name no platform of the directory.
    platform: int | str | None = None

    def cache_key(self) -> str:
        parts = (
            self.first_month.isoformat(),
            self.last_month.isoformat(),
            self.category,
            self.consumer_country,
            self.merchant_country,
            "" if self.platform is None else str(self.platform),
        )
        return f"transparency:statistics:v{_CACHE_VERSION}:" + ":".join(parts)


NO_PLATFORM = "none"


def month_start(moment: dt.date) -> dt.date:
    return moment.replace(day=1)


def add_months(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month from ``first`` to ``last`` (first days), both included."""
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [add_months(first, i) for i in range(max(count, 0))]


def last_months(count: int, *, today: dt.date) -> tuple[dt.date, dt.date]:
    """The ``count`` months that end with ``today``'s (the current month included)."""
    last = month_start(today)
    return add_months(last, 1 - count), last


def rate(part: int, whole: int) -> float | None:
    """``part / whole``, or None when nothing was counted (no rate rather than 0 %)."""
    return part / whole if whole else None


def _boundary(month: dt.date) -> dt.datetime:
    # Months are those of the site's time zone (TIME_ZONE), as the page's dates are.
    return timezone.make_aware(
        dt.datetime(month.year, month.month, 1), timezone.get_default_timezone()
    )


def seller_country() -> Subquery:
    """The country of the complaint's first respondent named as seller and linked to a merchant
    of the directory (NULL when the seller is only named): the merchant's side of a country
    pair. The seller is the party the respondent rule makes answer for the order: the shop, the
    marketplace seller, the spot agent or the non-spot agent's supplier."""
    return Subquery(
        Respondent.objects.filter(
            complaint=OuterRef("pk"), role=Respondent.Role.SELLER, merchant__isnull=False
        )
        .order_by("pk")
        .values("merchant__country")[:1]
    )


def counted_complaints(filters: Filters) -> QuerySet[Complaint]:
    """The complaints the figures count, filtered. Read through the index on (status,
    submitted_at) for the period."""
    rows = (
        Complaint.objects.filter(
            status=Complaint.Status.SUBMITTED,
            submitted_at__gte=_boundary(filters.first_month),
            submitted_at__lt=_boundary(add_months(filters.last_month, 1)),
        )
        .filter(not_held())
        .filter(counting.counted("case__"))
        .order_by()
    )
    if filters.category:
        rows = rows.filter(category=filters.category)
    if filters.consumer_country:
        rows = rows.filter(consumer_country=filters.consumer_country)
    if filters.merchant_country:
        rows = rows.alias(seller_country=seller_country()).filter(
            seller_country=filters.merchant_country
        )
    if filters.platform == NO_PLATFORM:
        rows = rows.filter(platform_merchant__isnull=True)
    elif filters.platform is not None:
        rows = rows.filter(platform_merchant_id=filters.platform)
    return rows


def public_statistics(filters: Filters, *, now: dt.datetime | None = None) -> dict:
    """Every figure of the statistics page for ``filters``, kept in the cache for
    TRANSPARENCY_STATISTICS_CACHE_SECONDS under a key naming every filter.

    Five queries whatever the number of complaints (four when nothing was resolved): by month,
    by category with the answer and resolution counts, the top country pairs, the top
    platforms, and the median's middle rows."""
    return kept(
        filters.cache_key(),
        lambda: compute_statistics(filters, now=now or timezone.now()),
        seconds=settings.TRANSPARENCY_STATISTICS_CACHE_SECONDS,
    )


def compute_statistics(filters: Filters, *, now: dt.datetime) -> dict:
    rows = counted_complaints(filters)
    case = "case__"
    per_month = {
        (row["month"].year, row["month"].month): row["count"]
        for row in rows.annotate(
            month=TruncMonth("submitted_at", tzinfo=timezone.get_default_timezone())
        )
        .values("month")
        .annotate(count=Count("pk"))
    }
    months = [
        {"month": month.isoformat()[:7], "count": per_month.get((month.year, month.month), 0)}
        for month in months_between(filters.first_month, filters.last_month)
    ]

    by_category = list(
        rows.values("category").annotate(
            count=Count("pk"),
            answer_known=Count("pk", filter=counting.answer_known(now=now, prefix=case)),
            answered=Count("pk", filter=counting.answered(now=now, prefix=case)),
            answered_in_time=Count("pk", filter=counting.answered_in_time(now=now, prefix=case)),
            decided=Count("pk", filter=counting.decided(case)),
            resolved=Count("pk", filter=counting.resolved(case)),
            without_platform=Count("pk", filter=Q(platform_merchant__isnull=True)),
        )
    )
    totals = {
        name: sum(row[name] for row in by_category)
        for name in (
            "count",
            "answer_known",
            "answered",
            "answered_in_time",
            "decided",
            "resolved",
            "without_platform",
        )
    }

    pairs = (
        rows.annotate(merchant_country=seller_country())
        .values("consumer_country", "merchant_country")
        .annotate(count=Count("pk"))
        .order_by("-count", "consumer_country", F("merchant_country").asc(nulls_last=True))[:TOP]
    )
    platforms = (
        rows.filter(platform_merchant__isnull=False)
        .values(
            "platform_merchant__public_id",
            "platform_merchant__legal_name",
            "platform_merchant__legal_name_latin",
        )
        .annotate(count=Count("pk"))
        .order_by("-count", "platform_merchant__legal_name", "platform_merchant__public_id")[:TOP]
    )
    median = counting.median_days(
        rows.filter(counting.resolved(case)),
        totals["resolved"],
        later="case__closed_at",
        earlier="case__accepted_at",
    )
    return {
        "first_month": filters.first_month.isoformat()[:7],
        "last_month": filters.last_month.isoformat()[:7],
        "total": totals["count"],
        "months": months,
        "by_category": sorted(
            ({"category": r["category"], "count": r["count"]} for r in by_category),
            key=lambda r: (-r["count"], r["category"]),
        ),
        "pairs": [
            {
                "consumer_country": str(r["consumer_country"] or ""),
                "merchant_country": str(r["merchant_country"] or ""),
                "count": r["count"],
            }
            for r in pairs
        ],
        "platforms": [
            {
                "public_id": str(r["platform_merchant__public_id"]),
                "legal_name": r["platform_merchant__legal_name"],
                "legal_name_latin": r["platform_merchant__legal_name_latin"],
                "count": r["count"],
            }
            for r in platforms
        ],
        "without_platform": totals["without_platform"],
        "answer_known": totals["answer_known"],
        "answered": totals["answered"],
        "answered_in_time": totals["answered_in_time"],
        "decided": totals["decided"],
        "resolved": totals["resolved"],
        "answer_rate": rate(totals["answered"], totals["answer_known"]),
        "in_time_rate": rate(totals["answered_in_time"], totals["answer_known"]),
        "resolution_rate": rate(totals["resolved"], totals["decided"]),
        "median_days_to_resolve": median,
    }
