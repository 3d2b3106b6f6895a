"""The open complaint data in the browser: the searchable page and the bulk exports (CSV and
JSON, streamed: an export never holds more than one batch of rows in memory)."""

from __future__ import annotations

import csv
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django_ratelimit.decorators import ratelimit

from core.pagination import CachedCountPaginator, query_string_without

from . import selectors
from .filters import OpenComplaintFilter

PAGE_SIZE = 50
# Rows read from the database per round trip of an export.
EXPORT_CHUNK = 2000
# Exports per client address: a bulk file is for tools and researchers, not for every visit.
EXPORT_RATE = "30/h"

# The columns of the exports, in order: the API's field names (transparency.api).
EXPORT_COLUMNS = [
    ("id", "public_id"),
    ("submitted_on", "submitted_on"),
    ("published_at", "published_at"),
    ("category", "category"),
    ("consumer_country", "consumer_country"),
    ("merchant_country", "merchant_country"),
    ("merchant_id", "merchant__public_id"),
    ("merchant_name", "merchant_name"),
    ("platform_id", "platform__public_id"),
    ("platform_name", "platform_name"),
    ("purchase_mode", "purchase_mode"),
    ("amount_band", "amount_band"),
    ("currency", "currency"),
    ("outcome", "outcome"),
    ("closed_on", "closed_on"),
    ("answered", "answered"),
    ("answered_in_time", "answered_in_time"),
    ("narrative", "narrative_shown"),
]


class OpenDataPaginator(CachedCountPaginator):
    """The number of matching entries counted at most every TRANSPARENCY_COUNT_CACHE_SECONDS."""

    count_seconds_setting = "TRANSPARENCY_COUNT_CACHE_SECONDS"


def _filtered(request) -> OpenComplaintFilter:
    # Bound even without parameters: no filter is a valid request for everything.
    return OpenComplaintFilter(request.GET, queryset=selectors.open_complaints())


@require_GET
def open_data(request):
    filters = _filtered(request)
    valid = filters.is_valid()
    entries = filters.qs if valid else selectors.open_complaints().none()
    page_obj = OpenDataPaginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "transparency/open_data.html",
        {
            "filter_form": filters.form,
            "page_obj": page_obj,
            "entries": page_obj.object_list,
            "query_string": query_string_without(request),
            "filtered": bool(request.GET.keys() - {"page"}),
            "publish_after_days": settings.TRANSPARENCY_PUBLISH_AFTER_DAYS,
        },
        status=200 if valid else 400,
    )


class _Echo:
    """A file whose write returns what it was given, for csv.writer to stream through."""

    def write(self, value):
        return value


def _rows(queryset):
    fields = [field for _name, field in EXPORT_COLUMNS]
    return queryset.values_list(*fields).iterator(chunk_size=EXPORT_CHUNK)


def _csv_lines(queryset):
    writer = csv.writer(_Echo())
    yield writer.writerow([name for name, _field in EXPORT_COLUMNS])
    for row in _rows(queryset):
        yield writer.writerow(["" if value is None else value for value in row])


def _json_chunks(queryset):
    names = [name for name, _field in EXPORT_COLUMNS]
    yield "[\n"
    first = True
    for row in _rows(queryset):
        yield ("" if first else ",\n") + json.dumps(
            dict(zip(names, row, strict=True)), cls=DjangoJSONEncoder, ensure_ascii=False
        )
        first = False
    yield "\n]\n"


def _export(request, kind: str):
    filters = _filtered(request)
    if not filters.is_valid():
        return render(
            request,
            "transparency/open_data.html",
            {
                "filter_form": filters.form,
                "page_obj": None,
                "entries": [],
                "filtered": True,
                "publish_after_days": settings.TRANSPARENCY_PUBLISH_AFTER_DAYS,
            },
            status=400,
        )
    if kind == "csv":
        response = StreamingHttpResponse(
            _csv_lines(filters.qs), content_type="text/csv; charset=utf-8"
        )
    else:
        response = StreamingHttpResponse(
            _json_chunks(filters.qs), content_type="application/json; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="redress-open-complaints.{kind}"'
    return response


@require_GET
@ratelimit(key="ip", rate=EXPORT_RATE, method="GET", block=True)
def export_csv(request):
    return _export(request, "csv")


@require_GET
@ratelimit(key="ip", rate=EXPORT_RATE, method="GET", block=True)
def export_json(request):
    return _export(request, "json")
