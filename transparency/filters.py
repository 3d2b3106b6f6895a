"""The filters of the open complaint data, one set for the page, the API and the exports; a
value that is not one of the choices is refused, naming the field (a 400)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from complaints.models import Category, PurchaseMode
from odr.models import Outcome

from .models import AmountBand, OpenComplaint

# The outcome filter's value for cases still open (no outcome yet).
STILL_OPEN = "open"


def _country_choices():
    return list(countries)


def _outcome_choices():
    return [(STILL_OPEN, _("Still open")), *Outcome.choices]


class OpenComplaintFilter(django_filters.FilterSet):
    submitted_from = django_filters.DateFilter(
        field_name="submitted_on", lookup_expr="gte", label=_("Submitted from")
    )
    submitted_to = django_filters.DateFilter(
        field_name="submitted_on", lookup_expr="lte", label=_("Submitted until")
    )
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("What went wrong"))
    consumer_country = django_filters.ChoiceFilter(
        choices=_country_choices, label=_("Consumer's country")
    )
    merchant_country = django_filters.ChoiceFilter(
        choices=_country_choices, label=_("Merchant's country")
    )
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
    outcome = django_filters.ChoiceFilter(
        choices=_outcome_choices, method="filter_outcome", label=_("Outcome")
    )
    answered_in_time = django_filters.BooleanFilter(label=_("The merchant answered in time"))
    with_narrative = django_filters.BooleanFilter(
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
