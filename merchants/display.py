"""How disclosure values read on pages and in the admin: field labels and formatted values."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from .models import Merchant, MerchantRole
from .services import IDENTITY_FIELDS


def field_label(field: str) -> str:
    if field == "roles":
        return str(gettext_lazy("roles"))
    return str(Merchant._meta.get_field(field).verbose_name)


def display_value(field: str, value: Any) -> str:
    """A snapshot value (JSON) as a reader sees it; an em dash for nothing."""
    if value in (None, "", []):
        return "—"
    if field == "roles":
        return ", ".join(
            str(MerchantRole(role).label) if role in MerchantRole.values else role for role in value
        )
    if field == "trade_names":
        return "; ".join(value)
    if field == "country":
        return str(countries.name(value) or value)
    if field == "date_established":
        try:
            return date_format(dt.date.fromisoformat(value))
        except ValueError:
            return value
    if field == "annual_order_volume":
        return _("%(n)s orders a year") % {"n": number_format(value, force_grouping=True)}
    return str(value)


def change_rows(changes: dict[str, list]) -> list[dict[str, str]]:
    """{field: [old, new]} as rows of label, old and new text, in the order of the fields."""
    return [
        {
            "field": field,
            "label": field_label(field),
            "old": display_value(field, changes[field][0]),
            "new": display_value(field, changes[field][1]),
        }
        for field in IDENTITY_FIELDS
        if field in changes
    ]


def proposal_rows(proposal, current: dict[str, Any]) -> list[dict[str, str]]:
    """A proposal's fields against the disclosure as it stands now."""
    return change_rows({field: [current.get(field), new] for field, new in proposal.data.items()})
