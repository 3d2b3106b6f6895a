"""The filters of the public statistics page, read from the query string."""

from __future__ import annotations

import datetime as dt
import re
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from complaints.models import Category
from core.forms import CachedOptionsSelect
from merchants.forms import CountryCodeField
from merchants.models import Merchant

from .statistics import MAX_MONTHS, NO_PLATFORM, Filters, add_months, last_months, month_start

PERIODS = {"12": 12, "24": 24, "60": 60}
DEFAULT_PERIOD = "12"
_MONTH = re.compile(r"\A(\d{4})-(\d{2})\Z")


class MonthField(forms.CharField):
    """A month as ``YYYY-MM`` (what ``<input type="month">`` sends): its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-01"})

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        match = _MONTH.match(value)
        if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1900:
            raise ValidationError(
                _("Enter a month as YYYY-MM, for example 2026-03."), code="invalid_month"
            )
        return dt.date(int(match[1]), int(match[2]), 1)


class StatisticsFilterForm(forms.Form):
    """Every filter is optional; without any, the last 12 months of every complaint."""

    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[
            ("12", _("The last 12 months")),
            ("24", _("The last 24 months")),
            ("60", _("The last 5 years")),
        ],
    )
    start = MonthField(
        label=_("From month"),
        required=False,
        help_text=_("Instead of the period: the first month, as YYYY-MM."),
    )
    end = MonthField(
        label=_("To month"),
        required=False,
        help_text=_("The last month, as YYYY-MM (this month if empty)."),
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    consumer_country = CountryCodeField(
        label=_("Consumer's country"), required=False, widget=CachedOptionsSelect
    )
    merchant_country = CountryCodeField(
        label=_("Seller's country"), required=False, widget=CachedOptionsSelect
    )
    platform = forms.CharField(label=_("Marketplace"), required=False, widget=forms.Select)

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.platform_merchant: Merchant | None = None
        self.fields["category"].choices = [("", _("Every category")), *Category.choices]
        every_country = [("", _("Every country")), *countries]
        self.fields["consumer_country"].choices = every_country
        self.fields["merchant_country"].choices = every_country
        self.platform_choices([])

    def platform_choices(self, platforms: list[tuple[str, str]]) -> None:
        """The marketplaces the list offers: every one, none from the directory, and
        ``platforms`` (public id, name): those of the figures shown, so the list stays short
        whatever the size of the directory."""
        choices = [("", _("Every marketplace or none")), (NO_PLATFORM, _("No marketplace"))]
        self.fields["platform"].widget.choices = [*choices, *platforms]

    def clean_platform(self):
        value = self.cleaned_data["platform"].strip()
        if not value:
            return None
        if value == NO_PLATFORM:
            return NO_PLATFORM
        try:
            public_id = uuid.UUID(value)
        except ValueError:
            public_id = None
        merchant = (
            Merchant.objects.only("public_id", "legal_name", "legal_name_latin")
            .filter(public_id=public_id)
            .first()
            if public_id
            else None
        )
        if merchant is None:
            raise ValidationError(
                _("No merchant of the directory has this identifier."), code="unknown_platform"
            )
        self.platform_merchant = merchant
        return merchant.pk

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        this_month = month_start(self.today)
        if end and end > this_month:
            self.add_error("end", _("This month is still to come."))
        elif start and start > (end or this_month):
            self.add_error("start", _("The first month is after the last one."))
        elif start and add_months(start, MAX_MONTHS) <= (end or this_month):
            self.add_error(
                "start",
                _("The page shows at most %(months)s months at once.") % {"months": MAX_MONTHS},
            )
        return data

    def filters(self) -> Filters:
        """The filters of a valid form."""
        data = self.cleaned_data
        start, end = data["start"], data["end"]
        if start or end:
            last = end or month_start(self.today)
            first = start or add_months(last, -11)
        else:
            first, last = last_months(PERIODS[data["period"] or DEFAULT_PERIOD], today=self.today)
        return Filters(
            first_month=first,
            last_month=last,
            category=data["category"],
            consumer_country=data["consumer_country"],
            merchant_country=data["merchant_country"],
            platform=data["platform"],
        )
