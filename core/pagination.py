"""Page-number pagination for the API: a malformed page number is a 400 naming the parameter.

The schema says what the view accepts (an integer from 1), so the documented parameter and the
check below are the same rule. CachedCountPaginator counts the rows of a long list at most every
few seconds per query.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination

from .cache import kept


class StrictPageNumberPagination(PageNumberPagination):
    # Only numbers: "last" (DRF's default) is not in the schema, so it is not accepted either.
    last_page_strings = ()

    def requested_page(self, request) -> int:
        raw = request.query_params.get(self.page_query_param, "")
        if raw == "":
            return 1
        # isascii: str.isdigit() is also true of "²" and other digits int() refuses.
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
            raise exceptions.ValidationError(
                {self.page_query_param: [_("Enter a whole number of 1 or more.")]}
            )
        return int(raw)

    def get_page_number(self, request, paginator):
        return self.requested_page(request)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                # An empty page is the first one, as for the filters.
                parameter["schema"] = {**parameter["schema"], "minimum": 1}
                parameter["allowEmptyValue"] = True
        return parameters


class CachedCountPaginator(Paginator):
    """A Paginator whose number of matching rows is kept in the cache, per query, for the
    seconds the setting named ``count_seconds_setting`` says (0: counted every time). Counting
    a long list (every merchant, every open case) costs more than reading the page shown; the
    page itself is always read fresh, so only the number of pages may be that old."""

    count_seconds_setting = ""

    @cached_property
    def count(self):
        seconds = getattr(settings, self.count_seconds_setting or "-", 0)
        query = getattr(self.object_list, "query", None)
        if not seconds or query is None:
            return super().count
        try:
            sql, params = query.sql_with_params()
        except EmptyResultSet:  # a filter nothing can match
            return 0
        digest = hashlib.sha256(repr((sql, params)).encode()).hexdigest()[:32]
        return kept(
            f"pagination:count:{digest}", lambda: Paginator.count.func(self), seconds=seconds
        )

    def page(self, number):
        # Django's Paginator ends the last page at the count; a kept count may be short of the
        # rows there are now, so the last page reads up to a full page instead of losing them.
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top += self.orphans
        return self._get_page(self.object_list[bottom:top], number, self)


class DirectoryPagination(StrictPageNumberPagination):
    """The merchant directory's pages: its total counted at most every
    DIRECTORY_COUNT_CACHE_SECONDS."""

    class django_paginator_class(CachedCountPaginator):
        count_seconds_setting = "DIRECTORY_COUNT_CACHE_SECONDS"


def query_string_without(request, param: str = "page") -> str:
    """The current query without ``param``, for the links to the other pages."""
    params = request.GET.copy()
    params.pop(param, None)
    return params.urlencode()
