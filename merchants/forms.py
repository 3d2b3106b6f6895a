"""Forms of the merchant directory: search, disclosure (staff edits and proposals), documents."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from core.forms import HoneypotMixin
from core.text import CleanTextMixin

from . import services
from .models import Merchant, MerchantRole, VerificationDocument, VerificationState
from .normalize import InvalidURL, link_in_text, normalize_shop_url
from .selectors import looks_like_url


def _blank(label) -> list[tuple[str, Any]]:
    return [("", label)]


class CountryCodeField(forms.ChoiceField):
    """An ISO 3166-1 alpha-2 code, typed in either case (links are shared as ?country=cn)."""

    def to_python(self, value):
        return super().to_python(value).strip().upper()


class MerchantSearchForm(CleanTextMixin, forms.Form):
    q = forms.CharField(
        label=_("Name, registration number or shop link"),
        required=False,
        max_length=1000,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=_(
            "Part of a name in any script, a business registration number, or a shop or "
            "product link pasted from your browser."
        ),
    )
    country = CountryCodeField(label=_("Country"), required=False)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=_blank(_("Any role")) + MerchantRole.choices
    )
    verification_state = forms.ChoiceField(
        label=_("Verification"),
        required=False,
        choices=_blank(_("Any state")) + VerificationState.choices,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _blank(_("Any country")) + list(countries)

    def clean_q(self) -> str:
        q = self.cleaned_data["q"].strip()
        if not q.lower().startswith(("http://", "https://")) and not looks_like_url(q):
            # A share message pasted whole: search for the link in it (the box keeps the text).
            q = link_in_text(q) or q
        if q.lower().startswith(("http://", "https://")) or looks_like_url(q):
            try:
                normalize_shop_url(q)
            except InvalidURL as exc:
                raise ValidationError(str(exc), code="invalid_url") from None
        return q


class DisclosureForm(CleanTextMixin, forms.ModelForm):
    """The identity fields a disclosure version covers: staff edits in the admin and the
    representatives' proposals both use it, and both end in merchants.services."""

    trade_names = forms.CharField(
        label=_("trade names"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shop or brand names the merchant uses, one per line."),
    )
    roles = forms.MultipleChoiceField(
        label=_("roles"),
        choices=MerchantRole.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A merchant may hold several roles."),
        error_messages={"required": _("Choose at least one role.")},
    )
    website = forms.URLField(
        label=_("website"), required=False, max_length=500, assume_scheme="https"
    )

    class Meta:
        model = Merchant
        fields = [field for field in services.IDENTITY_FIELDS if field != "roles"]
        widgets = {
            "registered_address": forms.Textarea(attrs={"rows": 3}),
            "date_established": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "legal_name": _("Exactly as on the business licence, in any script."),
            "legal_name_latin": _("A transliteration such as pinyin, if the legal name is not."),
            "registration_number": _("Spaces, dashes and letter case do not matter."),
            "annual_order_volume": _("Optional: about how many orders a year."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every field is in the order of services.IDENTITY_FIELDS.
        self.order_fields(services.IDENTITY_FIELDS)
        if self.instance.pk and not self.is_bound:
            self.initial["roles"] = list(self.instance.roles.values_list("role", flat=True))
            self.initial["trade_names"] = "\n".join(self.instance.trade_names or [])

    def clean_trade_names(self) -> list[str]:
        return [
            line.strip() for line in self.cleaned_data["trade_names"].splitlines() if line.strip()
        ]

    def identity_data(self) -> dict[str, Any]:
        return {field: self.cleaned_data.get(field) for field in services.IDENTITY_FIELDS}

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            # The same checks the services run (duplicates, stray characters ...), as field
            # errors here, so that nothing reaches a service that it would refuse.
            try:
                services.clean_identity(self.identity_data(), merchant_pk=self.instance.pk)
            except ValidationError as exc:
                self.add_service_errors(exc)
        return cleaned

    def add_service_errors(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, exc)


class ProposalForm(HoneypotMixin, DisclosureForm):
    """A representative's proposal: the disclosure form with a honeypot ("website" is a real
    field here, so the trap has another name)."""

    honeypot_name = "homepage_url"


class DocumentUploadForm(CleanTextMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of document"),
        choices=_blank(_("Choose…")) + VerificationDocument.Kind.choices,
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG, PNG, GIF or WebP, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.gif,.webp"}),
    )


class ReasonForm(CleanTextMixin, forms.Form):
    """The reason staff give when they reject (the admin's intermediate page)."""

    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("The merchant's representatives read this."),
    )
