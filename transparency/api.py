"""The open complaint data's public read API: no key, throttled per client address, paginated,
filtered (transparency.filters), in the OpenAPI schema."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from core.api import PerAddressRateThrottle
from core.pagination import CachedCountPaginator, StrictPageNumberPagination

from . import selectors
from .filters import OpenComplaintFilter
from .models import OpenComplaint

EXAMPLE_ENTRY = {
    "id": "0f3b8c7e-2d5a-4e1b-9c6d-7a8b9c0d1e2f",
    "submitted_on": "2026-11-03",
    "published_at": "2026-11-18T09:00:00Z",
    "category": "non_delivery",
    "consumer_country": "CN",
    "merchant_country": "JP",
    "merchant": {
        "public_id": "3f1c2b7e-8a4d-4d1e-9b6a-2f5c7d9e0a11",
        "name": "Tokyo Spot Buyer K.K.",
    },
    "platform": None,
    "platform_name": "Example Mall",
    "purchase_mode": "agent_spot",
    "amount_band": "1000_9999",
    "currency": "CNY",
    "outcome": "resolved_by_merchant",
    "closed_on": "2026-11-20",
    "answered": True,
    "answered_in_time": True,
    "narrative": "The parcel never arrived; the seller stopped answering [[EMAIL]].",
}


class OpenDataRateThrottle(PerAddressRateThrottle):
    scope = "open-data"
    rate_setting = "TRANSPARENCY_API_RATE"


class OpenDataPagination(StrictPageNumberPagination):
    """50 entries a page; their number counted at most every TRANSPARENCY_COUNT_CACHE_SECONDS."""

    page_size = 50

    class django_paginator_class(CachedCountPaginator):
        count_seconds_setting = "TRANSPARENCY_COUNT_CACHE_SECONDS"


class _PartySerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    name = serializers.CharField(source="display_name")


class OpenComplaintSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", help_text="The entry's own id.")
    merchant = _PartySerializer(
        allow_null=True, help_text="The seller in Redress's directory; null when not linked."
    )
    platform = _PartySerializer(allow_null=True, help_text="The marketplace in the directory.")
    consumer_country = serializers.CharField(source="consumer_country.code", allow_blank=True)
    merchant_country = serializers.CharField(source="merchant_country.code", allow_blank=True)
    narrative = serializers.CharField(
        source="narrative_shown",
        help_text="What happened in the consumer's words, without personal data and approved "
        "by a mediator; empty unless the consumer agreed to publish it.",
    )

    class Meta:
        model = OpenComplaint
        fields = [
            "id",
            "submitted_on",
            "published_at",
            "category",
            "consumer_country",
            "merchant_country",
            "merchant",
            "platform",
            "platform_name",
            "purchase_mode",
            "amount_band",
            "currency",
            "outcome",
            "closed_on",
            "answered",
            "answered_in_time",
            "narrative",
        ]


class _PublicView:
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [OpenDataRateThrottle]
    serializer_class = OpenComplaintSerializer

    def get_queryset(self):
        return selectors.open_complaints()


@extend_schema_view(
    get=extend_schema(
        operation_id="open_complaints_list",
        summary="The open complaint data",
        description="Complaints published with their consumer's consent, without personal "
        "data, newest first. No API key needed; throttled per client address. "
        "The same data in bulk: /open-data/export.csv and /open-data/export.json.",
        tags=["open data"],
        examples=[OpenApiExample("an entry", value=EXAMPLE_ENTRY, response_only=True)],
    )
)
class OpenComplaintListView(_PublicView, generics.ListAPIView):
    filterset_class = OpenComplaintFilter
    pagination_class = OpenDataPagination


@extend_schema_view(
    get=extend_schema(
        operation_id="open_complaints_retrieve",
        summary="One entry of the open complaint data",
        tags=["open data"],
        examples=[OpenApiExample("an entry", value=EXAMPLE_ENTRY, response_only=True)],
    )
)
class OpenComplaintDetailView(_PublicView, generics.RetrieveAPIView):
    lookup_field = "public_id"
    lookup_url_kwarg = "public_id"
