"""Reads of merchants that more than one caller needs."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Merchant, Shop
from .normalize import InvalidURL, normalize_shop_url


def merchant_ids_represented_by(user) -> set[int]:
    """Ids of the merchants ``user`` speaks for (empty for anyone who is not a representative)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(user.representations.values_list("merchant_id", flat=True))


def shops_matching_url(raw_url: str) -> QuerySet[Shop]:
    """Shops whose normalised URL equals the given link's; empty for a malformed link."""
    try:
        normalized = normalize_shop_url(raw_url)
    except InvalidURL:
        return Shop.objects.none()
    return Shop.objects.filter(url_normalized=normalized).select_related("merchant", "platform")


def merchant_by_shop_url(raw_url: str) -> Merchant | None:
    shop = shops_matching_url(raw_url).first()
    return shop.merchant if shop else None
