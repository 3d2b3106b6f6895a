"""The merchant directory's filters for platforms, plus the credit grade."""

from __future__ import annotations

import django_filters
from django_filters.fields import ChoiceField

from credit import selectors
from credit.models import Grade
from merchants.api.filters import MerchantFilter


class GradeField(ChoiceField):
    """A+ ... F or NR, in either case. ``grade=A+`` typed into a URL arrives as "A " (a + in a
    query string is a space), so that one is read as meant."""

    def to_python(self, value):
        value = super().to_python(value)
        return "A+" if value.upper() == "A " else value.strip().upper()


class GradeFilter(django_filters.ChoiceFilter):
    field_class = GradeField


class MerchantGradeFilter(MerchantFilter):
    grade = GradeFilter(
        choices=Grade.choices,
        label="Current credit grade: A+ (send A%2B), A, B, C, D, F, or NR for not rated",
    )

    class Meta(MerchantFilter.Meta):
        fields = [*MerchantFilter.Meta.fields, "grade"]

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        grade = self.form.cleaned_data.get("grade")
        return selectors.merchants_with_grade(queryset, grade) if grade else queryset
