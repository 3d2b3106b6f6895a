"""Merchant and shop lookups for platforms. Authentication and permissions come from the
REST_FRAMEWORK defaults in settings (one place), never from these views."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics

from core.pagination import DirectoryPagination, StrictPageNumberPagination

from ..models import Merchant, MerchantLink, Shop
from . import schema
from .filters import MerchantFilter, ShopFilter
from .serializers import MerchantDetailSerializer, MerchantListSerializer, ShopSerializer


class MerchantListView(generics.ListAPIView):
    """Search the merchant directory: ``q`` matches a name (any script, partial), a
    registration number or a shop link; the other parameters filter exactly."""

    serializer_class = MerchantListSerializer
    filterset_class = MerchantFilter
    pagination_class = DirectoryPagination

    def get_queryset(self):
        # MerchantFilter runs every request through selectors.merchants_search.
        return Merchant.objects.all()


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
