"""The credit history's pages: 25 snapshots each, with examples in the schema."""

from __future__ import annotations

from core.pagination import StrictPageNumberPagination

EXAMPLE_ID = "3f1c2b7e-8a4d-4d1e-9b6a-2f5c7d9e0a11"


class HistoryPagination(StrictPageNumberPagination):
    page_size = 25

    def get_paginated_response_schema(self, schema):
        response_schema = super().get_paginated_response_schema(schema)
        history = f"https://redress.example.org/api/v1/merchants/{EXAMPLE_ID}/credit/history/"
        properties = response_schema["properties"]
        properties["count"]["example"] = 30
        properties["next"]["example"] = f"{history}?page=2"
        properties["previous"]["example"] = None
        return response_schema
