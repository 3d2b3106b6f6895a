"""Forms of the platforms' own pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.text import CleanTextMixin


class AccessRequestForm(CleanTextMixin, forms.Form):
    organisation = forms.CharField(label=_("Organisation"), max_length=200)
    website = forms.URLField(label=_("Website"), max_length=300, assume_scheme="https")
    contact_name = forms.CharField(label=_("Contact person"), max_length=150)
    contact_email = forms.EmailField(label=_("Contact e-mail address"))
    intended_use = forms.CharField(
        label=_("What will you use the API for?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For example: showing sellers' grades at checkout, vetting new sellers."),
    )


class KeyCreateForm(CleanTextMixin, forms.Form):
    name = forms.CharField(
        label=_("Name of the new key"),
        max_length=100,
        help_text=_("What the key is for, e.g. “checkout risk checks, production”."),
    )
