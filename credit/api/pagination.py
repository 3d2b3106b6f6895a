"""Page-number pagination where a malformed page number is a 400 naming the parameter."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination


class HistoryPagination(PageNumberPagination):
    page_size = 25

    def requested_page(self, request) -> int:
        raw = request.query_params.get(self.page_query_param, "1")
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
            raise exceptions.ValidationError(
                {self.page_query_param: [_("Enter a whole number of 1 or more.")]}
            )
        return int(raw)

    def get_page_number(self, request, paginator):
        return self.requested_page(request)
