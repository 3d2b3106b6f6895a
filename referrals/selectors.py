"""Reads of the referral directory."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import ReferralBody


def directory(*, country: str = "", category: str = "") -> QuerySet[ReferralBody]:
    """The active bodies that serve consumers of ``country`` and cases of ``category``."""
    return ReferralBody.objects.active().serving(country=country, category=category)
