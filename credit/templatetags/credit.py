"""{% load credit %} {% merchant_credit merchant %}: the credit section of the merchant page.

The merchants app cannot import credit (it is the lower layer); its template loads this tag,
as docs/architecture.md describes."""

from __future__ import annotations

from django import template
from django.utils import timezone

from complaints.models import Category
from credit import cache, charts, explain, method, selectors

register = template.Library()

GRADE_BADGES = {
    "A+": "badge-ok",
    "A": "badge-ok",
    "B": "badge-ok",
    "C": "badge-warn",
    "D": "badge-warn",
    "F": "badge-bad",
    "NR": "",
}


@register.inclusion_tag("credit/merchant_credit.html")
def merchant_credit(merchant) -> dict:
    # Newest first from the database, oldest first for the chart.
    history = list(selectors.snapshot_history(merchant.pk)[: charts.CHART_SNAPSHOTS])[::-1]
    current = history[-1] if history and history[-1].is_current else None
    statistics = cache.complaint_statistics(
        merchant.public_id,
        current.pk if current else None,
        lambda: selectors.complaint_statistics(merchant.pk),
    )
    by_category = []
    for row in statistics["by_category"]:  # a copy: the cached figures stay as they are
        try:
            label = Category(row["category"]).label
        except ValueError:
            label = row["category"]
        by_category.append({**row, "label": label})
    statistics = {**statistics, "by_category": by_category}
    median = statistics["median_days_to_resolve"]
    return {
        "merchant": merchant,
        "median_days": None if median is None else round(median),
        "snapshot": current,
        "badge": GRADE_BADGES.get(current.grade, "") if current else "",
        "factors": explain.describe_factors(current.factors) if current else [],
        "minimum_sample": method.MIN_SAMPLE,
        "chart": charts.score_chart(history, now=timezone.now()) if history else None,
        "history": history[::-1],
        "statistics": statistics,
    }


@register.filter
def percent(value) -> str:
    """0.8462 -> "85"; empty for None (a factor that does not apply)."""
    if value is None:
        return ""
    return str(round(float(value) * 100))
