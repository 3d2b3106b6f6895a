"""Reads of the referral directory."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import ReferralBody


def directory(
    *, country: str = "", trader_country: str = "", category: str = ""
) -> QuerySet[ReferralBody]:
    """The active bodies that serve consumers of ``country``, take complaints about traders of
    ``trader_country`` and cases of ``category`` (empty: any)."""
    return ReferralBody.objects.active().serving(
        country=country, trader_country=trader_country, category=category
    )
