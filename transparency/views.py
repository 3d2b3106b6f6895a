"""The public pages of transparency: the statistics of complaints."""

from __future__ import annotations

import math

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_countries import countries

from complaints.models import Category
from merchants.models import Merchant

from . import charts, statistics
from .forms import StatisticsFilterForm

TEMPLATE = "transparency/statistics.html"


def _category(code: str) -> str:
    try:
        return str(Category(code).label)
    except ValueError:
        return code or _("No category")


def _country(code: str, *, unknown: str) -> str:
    return str(countries.name(code)) if code else unknown


def _platform(row: dict) -> Merchant:
    # The merchant's names as cached: display_name and the page's address read only these.
    return Merchant(
        public_id=row["public_id"],
        legal_name=row["legal_name"],
        legal_name_latin=row["legal_name_latin"],
    )


@require_GET
def statistics_page(request):
    form = StatisticsFilterForm(request.GET, today=timezone.localdate())
    context = {
        "form": form,
        "kept_minutes": math.ceil(settings.TRANSPARENCY_STATISTICS_CACHE_SECONDS / 60),
    }
    if not form.is_valid():
        # Each wrong filter named with its message, above the form; nothing is counted.
        context["invalid"] = [
            {"label": form[name].label, "errors": errors}
            for name, errors in form.errors.items()
            if name in form.fields
        ]
        return render(request, TEMPLATE, context, status=400)

    figures = statistics.public_statistics(form.filters())
    categories = [{**row, "label": _category(row["category"])} for row in figures["by_category"]]
    pairs = [
        {
            **row,
            "consumer": _country(row["consumer_country"], unknown=_("Not given")),
            "merchant": _country(row["merchant_country"], unknown=_("Not in the directory")),
        }
        for row in figures["pairs"]
    ]
    for row in pairs:
        row["label"] = _("%(consumer)s → %(merchant)s") % row
    platforms = [{**row, "merchant": _platform(row)} for row in figures["platforms"]]
    offered = [(row["public_id"], row["merchant"].display_name) for row in platforms]
    chosen = form.platform_merchant
    if chosen is not None and str(chosen.public_id) not in dict(offered):
        offered.append((str(chosen.public_id), chosen.display_name))
    form.platform_choices(offered)
    median = figures["median_days_to_resolve"]
    months = charts.month_bars(figures["months"])  # a period has at least one month
    context.update(
        {
            "figures": figures,
            "months": months,
            "categories": categories,
            "category_chart": charts.horizontal_bars(
                [(r["label"], r["count"]) for r in categories]
            ),
            "pairs": pairs,
            "pair_chart": charts.horizontal_bars([(r["label"], r["count"]) for r in pairs]),
            "platforms": platforms,
            "platform_chart": charts.horizontal_bars(
                [(r["merchant"].display_name, r["count"]) for r in platforms]
            ),
            "median_days": None if median is None else round(median),
            "first_month": months["bars"][0].month,
            "last_month": months["bars"][-1].month,
        }
    )
    return render(request, TEMPLATE, context)
