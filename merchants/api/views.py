"""Merchant and shop lookups for platforms. Authentication and permissions come from the
REST_FRAMEWORK defaults in settings (one place), never from these views."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics

from core.pagination import DirectoryPagination, StrictPageNumberPagination

from .. import selectors
from ..models import Merchant, MerchantLink, Shop
from . import schema
from .filters import MerchantFilter, ShopFilter
from .serializers import (
    MerchantDetailSerializer,
    MerchantListSerializer,
    ShopSerializer,
    UndisclosedShopSerializer,
)

_CATEGORY_CODE = {"type": "string", "description": "The complaint category's code."}
# UndisclosedShopSerializer's shape, for the schema of the directory's pages. Every property
# carries an example: drf-spectacular builds the page's example from them.
_UNDISCLOSED_SHOP_SCHEMA = {
    "type": "object",
    "nullable": True,
    "description": "When nothing is found for `q` or `shop_url`: the complaints accepted at "
    "screening that name this shop or link, whose operator has not disclosed who they are; "
    "null otherwise.",
    "properties": {
        "complaints": {"type": "integer", "example": 3},
        "categories": {
            "type": "array",
            "example": [
                {"category": "non_delivery", "complaints": 2},
                {"category": "not_as_described", "complaints": 1},
            ],
            "items": {
                "type": "object",
                "properties": {"category": _CATEGORY_CODE, "complaints": {"type": "integer"}},
                "required": ["category", "complaints"],
            },
        },
        "first_on": {"type": "string", "format": "date", "example": "2026-11-03"},
        "latest_on": {"type": "string", "format": "date", "example": "2026-11-20"},
        "recent": {
            "type": "array",
            "example": [
                {"submitted_on": "2026-11-20", "category": "non_delivery"},
                {"submitted_on": "2026-11-10", "category": "not_as_described"},
                {"submitted_on": "2026-11-03", "category": "non_delivery"},
            ],
            "description": "The latest complaints (at most 10), newest first; dates in UTC.",
            "items": {
                "type": "object",
                "properties": {
                    "submitted_on": {"type": "string", "format": "date"},
                    "category": _CATEGORY_CODE,
                },
                "required": ["submitted_on", "category"],
            },
        },
    },
    "required": ["complaints", "categories", "first_on", "latest_on", "recent"],
}


class MerchantDirectoryPagination(DirectoryPagination):
    """The directory's pages, with what complaints say about a shop nobody disclosed."""

    def get_paginated_response_schema(self, schema):
        response_schema = super().get_paginated_response_schema(schema)
        response_schema["properties"]["undisclosed_shop"] = _UNDISCLOSED_SHOP_SCHEMA
        response_schema["required"] = [*response_schema.get("required", []), "undisclosed_shop"]
        return response_schema


class MerchantListView(generics.ListAPIView):
    """Search the merchant directory: ``q`` matches a name (any script, partial), a
    registration number or a shop link; the other parameters filter exactly."""

    serializer_class = MerchantListSerializer
    filterset_class = MerchantFilter
    pagination_class = MerchantDirectoryPagination

    def get_queryset(self):
        # MerchantFilter runs every request through selectors.merchants_search.
        return Merchant.objects.all()

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        miss = None
        if not response.data["count"]:
            # The filter has validated both (a bad value is a 400 before this).
            params = self.request.query_params
            miss = selectors.directory_miss(params.get("q") or params.get("shop_url", ""))
        response.data["undisclosed_shop"] = (
            UndisclosedShopSerializer(miss).data if miss is not None else None
        )
        return response


@extend_schema_view(get=extend_schema(**schema.MERCHANT_DETAIL))
class MerchantDetailView(generics.RetrieveAPIView):
    serializer_class = MerchantDetailSerializer
    lookup_field = "public_id"

    def get_queryset(self):
        return Merchant.objects.prefetch_related(
            "roles",
            Prefetch(
                "shops", queryset=Shop.objects.select_related("platform").order_by("name", "pk")
            ),
            Prefetch("links_out", queryset=MerchantLink.objects.select_related("target")),
            Prefetch("links_in", queryset=MerchantLink.objects.select_related("source")),
        )


@extend_schema_view(get=extend_schema(**schema.SHOP_LIST))
class ShopListView(generics.ListAPIView):
    """Shops with their merchant and platform; ``url`` finds the shops a link belongs to."""

    serializer_class = ShopSerializer
    filterset_class = ShopFilter
    pagination_class = StrictPageNumberPagination

    def get_queryset(self):
        return Shop.objects.select_related("merchant", "platform").order_by("name", "pk")


@extend_schema_view(get=extend_schema(**schema.SHOP_DETAIL))
class ShopDetailView(generics.RetrieveAPIView):
    serializer_class = ShopSerializer

    def get_queryset(self):
        return Shop.objects.select_related("merchant", "platform")
