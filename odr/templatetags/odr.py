"""{% load odr %}: case data shown on pages of the apps below odr, without a Python import going
the wrong way (merchants must not import odr)."""

from __future__ import annotations

from django import template

from ..selectors import merchant_case_ratings

register = template.Library()


@register.inclusion_tag("odr/includes/merchant_ratings.html")
def merchant_ratings(merchant) -> dict:
    """How consumers rated the handling of closed cases naming ``merchant`` (1-5), for its
    public page's complaint statistics."""
    return {"ratings": merchant_case_ratings([merchant.pk]).get(merchant.pk)}
