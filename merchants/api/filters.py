"""Query parameters of the merchant and shop API; a bad value is a 400 naming its parameter."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django_countries import countries
from django_filters.fields import ChoiceField

from .. import selectors
from ..models import Merchant, MerchantRole, Shop, VerificationState
from ..normalize import (
    InvalidRegistrationNumber,
    InvalidURL,
    normalize_registration_number,
    normalize_shop_url,
)


class CountryCodeField(ChoiceField):
    """ISO 3166-1 alpha-2, in either case."""

    def to_python(self, value):
        return super().to_python(value).strip().upper()


class CountryCodeFilter(django_filters.ChoiceFilter):
    field_class = CountryCodeField


class RegistrationNumberField(forms.CharField):
    def validate(self, value):
        super().validate(value)
        if value:
            try:
                normalize_registration_number(value)
            except InvalidRegistrationNumber as exc:
                raise ValidationError(str(exc), code="invalid") from None


class ShopURLField(forms.CharField):
    def validate(self, value):
        super().validate(value)
        if value:
            try:
                normalize_shop_url(value)
            except InvalidURL as exc:
                raise ValidationError(str(exc), code="invalid") from None


class RegistrationNumberFilter(django_filters.CharFilter):
    field_class = RegistrationNumberField


class ShopURLFilter(django_filters.CharFilter):
    field_class = ShopURLField


def _country_choices():
    return list(countries)


class MerchantFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Name (any script, partial), registration number or shop link",
        max_length=1000,
    )
    country = CountryCodeFilter(choices=_country_choices, label="ISO 3166-1 alpha-2 code")
    role = django_filters.ChoiceFilter(choices=MerchantRole.choices)
    verification_state = django_filters.ChoiceFilter(choices=VerificationState.choices)
    registration_number = RegistrationNumberFilter(
        max_length=100,
        label="Business registration number (spaces, dashes and case ignored)",
    )
    shop_url = ShopURLFilter(max_length=1000, label="Shop or product link")

    class Meta:
        model = Merchant
        fields = ["q", "country", "role", "verification_state", "registration_number", "shop_url"]

    def filter_queryset(self, queryset):
        # One selector answers every parameter, the same one the search page uses.
        data = self.form.cleaned_data
        return selectors.merchants_search(
            base=queryset,
            q=data.get("q") or "",
            country=data.get("country") or "",
            role=data.get("role") or "",
            verification_state=data.get("verification_state") or "",
            registration_number=data.get("registration_number") or "",
            shop_url=data.get("shop_url") or "",
        )


class ShopFilter(django_filters.FilterSet):
    merchant = django_filters.UUIDFilter(
        field_name="merchant__public_id", label="Merchant public id"
    )
    platform = django_filters.UUIDFilter(
        field_name="platform__public_id", label="Platform public id"
    )
    url = ShopURLFilter(max_length=1000, method="filter_url", label="Shop or product link")

    class Meta:
        model = Shop
        fields = ["merchant", "platform", "url"]

    def filter_url(self, queryset, name, value):
        return queryset.filter(pk__in=selectors.shops_matching_url(value).values("pk"))
