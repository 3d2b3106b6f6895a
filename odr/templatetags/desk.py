"""The mediators' dashboard on the admin's index page (templates/admin/index.html)."""

from __future__ import annotations

from django import template

from ..models import CaseState
from ..selectors import desk_counts

register = template.Library()

CHART_WIDTH = 280
CHART_HEIGHT = 80


@register.inclusion_tag("admin/odr/dashboard.html", takes_context=True)
def mediator_dashboard(context):
    request = context["request"]
    user = request.user
    if not user.has_perm("odr.view_case"):
        return {"show": False}
    counts = desk_counts(user)
    days = counts["opened_per_day"]
    tallest = max((n for _day, n in days), default=0) or 1
    step = CHART_WIDTH // len(days)
    bars = [
        {
            "x": i * step + 4,
            "width": step - 8,
            "height": round(n / tallest * (CHART_HEIGHT - 14)),
            "y": CHART_HEIGHT - round(n / tallest * (CHART_HEIGHT - 14)),
            "day": day,
            "count": n,
        }
        for i, (day, n) in enumerate(days)
    ]
    labels = dict(CaseState.choices)
    return {
        "show": True,
        "desk": counts,
        "by_state": [
            (labels[state], counts["by_state"].get(state, 0))
            for state in CaseState.values
            if state in counts["by_state"]
        ],
        "bars": bars,
        "chart_width": CHART_WIDTH,
        "chart_height": CHART_HEIGHT,
    }
