"""Page-number pagination where a malformed page number is a 400 naming the parameter."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination

EXAMPLE_ID = "3f1c2b7e-8a4d-4d1e-9b6a-2f5c7d9e0a11"


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

    def get_paginated_response_schema(self, schema):
        response_schema = super().get_paginated_response_schema(schema)
        history = f"https://redress.example.org/api/v1/merchants/{EXAMPLE_ID}/credit/history/"
        properties = response_schema["properties"]
        properties["count"]["example"] = 30
        properties["next"]["example"] = f"{history}?page=2"
        properties["previous"]["example"] = None
        return response_schema
