"""The filters of the open complaint data, one set for the page, the API and the exports; a
value that is not one of the choices is refused, naming the field (a 400)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.utils import extend_schema_field

from complaints.models import Category, PurchaseMode
from core.forms import CachedOptionsSelect
from odr.models import Outcome

from .models import AmountBand, OpenComplaint

# The outcome filter's value for cases still open (no outcome yet).
STILL_OPEN = "open"


@extend_schema_field({"type": "string", "enum": ["true", "false"]})
class YesNoFilter(django_filters.TypedChoiceFilter):
    """``true`` or ``false``, and nothing else (django-filter's BooleanFilter takes an unknown
    value for "no filter", and a misspelt filter must never return everything)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [("true", _("Yes")), ("false", _("No"))])
        kwargs.setdefault("coerce", lambda value: value == "true")
        super().__init__(*args, **kwargs)


def _country_choices():
    return list(countries)


@extend_schema_field({"type": "string", "enum": [code for code, _name in countries]})
class CountryFilter(django_filters.ChoiceFilter):
    """An ISO 3166-1 alpha-2 code, in capitals."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", _country_choices)
        # About 250 options, twice on the page: rendered once per language and value, not one
        # template per option on every request.
        kwargs.setdefault("widget", CachedOptionsSelect)
        super().__init__(*args, **kwargs)


def _outcome_choices():
    return [(STILL_OPEN, _("Still open")), *Outcome.choices]


@extend_schema_field({"type": "string", "enum": [STILL_OPEN, *Outcome.values]})
class OutcomeFilter(django_filters.ChoiceFilter):
    """An outcome, or ``open`` for the cases that have none yet."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", _outcome_choices)
        super().__init__(*args, **kwargs)


class OpenComplaintFilter(django_filters.FilterSet):
    submitted_from = django_filters.DateFilter(
        field_name="submitted_on", lookup_expr="gte", label=_("Submitted from")
    )
    submitted_to = django_filters.DateFilter(
        field_name="submitted_on", lookup_expr="lte", label=_("Submitted until")
    )
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("What went wrong"))
    consumer_country = CountryFilter(label=_("Consumer's country"))
    merchant_country = CountryFilter(label=_("Merchant's country"))
    merchant = django_filters.UUIDFilter(
        field_name="merchant__public_id", label=_("Merchant (its public id)")
    )
    platform = django_filters.UUIDFilter(
        field_name="platform__public_id", label=_("Marketplace (its public id)")
    )
    purchase_mode = django_filters.ChoiceFilter(
        choices=PurchaseMode.choices, label=_("How the consumer bought")
    )
    amount_band = django_filters.ChoiceFilter(choices=AmountBand.choices, label=_("Amount paid"))
    outcome = OutcomeFilter(method="filter_outcome", label=_("Outcome"))
    answered_in_time = YesNoFilter(label=_("The merchant answered in time"))
    with_narrative = YesNoFilter(
        method="filter_with_narrative", label=_("With the consumer's narrative")
    )
    q = django_filters.CharFilter(
        method="filter_q", max_length=200, label=_("Merchant or marketplace name")
    )

    class Meta:
        model = OpenComplaint
        fields: list[str] = []

    def filter_outcome(self, queryset, name, value):
        return queryset.filter(outcome="" if value == STILL_OPEN else value)

    def filter_with_narrative(self, queryset, name, value):
        shown = Q(narrative_shown="")
        return queryset.exclude(shown) if value else queryset.filter(shown)

    def filter_q(self, queryset, name, value):
        value = " ".join(value.split())
        if not value:
            return queryset
        return queryset.filter(
            Q(merchant_name__icontains=value) | Q(platform_name__icontains=value)
        )
