"""The directory's filter and the admin's multiple choices, kept as comma-separated codes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from complaints.models import Category
from core.text import CleanTextMixin

from .models import Channel, ReferralBody


class DirectoryFilterForm(forms.Form):
    country = forms.ChoiceField(label=_("Your country of residence"), required=False, choices=())
    category = forms.ChoiceField(
        label=_("What went wrong"),
        required=False,
        choices=[("", _("Any problem")), *Category.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Country names follow the page's language, so the list is built per request.
        self.fields["country"].choices = [("", _("Any country")), *countries]


class _CodesField(forms.MultipleChoiceField):
    """A multiple choice stored as comma-separated codes."""

    widget = forms.CheckboxSelectMultiple

    def prepare_value(self, value):
        if isinstance(value, str):
            return [v for v in value.split(",") if v]
        return value


class ReferralBodyAdminForm(CleanTextMixin, forms.ModelForm):
    categories = _CodesField(
        label=_("categories served"),
        choices=Category.choices,
        required=False,
        help_text=_("None ticked: every category."),
    )
    channels = _CodesField(label=_("how it takes a case"), choices=Channel.choices, required=False)

    class Meta:
        model = ReferralBody
        fields = [
            "name",
            "name_zh",
            "kind",
            "active",
            "serves_all_countries",
            "countries",
            "serves_all_trader_countries",
            "trader_countries",
            "cross_border_only",
            "categories",
            "max_amount",
            "max_amount_currency",
            "languages",
            "channels",
            "website",
            "email",
            "free_of_charge",
            "cost",
            "time_limits",
            "legal_basis",
            "source",
            "notes",
            "notes_zh",
        ]

    def clean_categories(self):
        return ",".join(self.cleaned_data["categories"])

    def clean_channels(self):
        return ",".join(self.cleaned_data["channels"])

    def clean_max_amount_currency(self):
        return self.cleaned_data["max_amount_currency"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("max_amount") is not None and not cleaned.get("max_amount_currency"):
            self.add_error(
                "max_amount_currency", _("Give the currency of the highest claim it takes.")
            )
        return cleaned
