"""The directory's filter and the admin's multiple choices, kept as comma-separated codes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from complaints.models import Category
from core.text import CleanTextMixin

from .models import Channel, Referral, ReferralBody, ReferralStatus


class DirectoryFilterForm(CleanTextMixin, forms.Form):
    country = forms.ChoiceField(label=_("Your country of residence"), required=False, choices=())
    trader_country = forms.ChoiceField(label=_("The trader's country"), required=False, choices=())
    category = forms.ChoiceField(
        label=_("What went wrong"),
        required=False,
        choices=[("", _("Any problem")), *Category.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Country names follow the page's language, so the list is built per request.
        self.fields["country"].choices = [("", _("Any country")), *countries]
        self.fields["trader_country"].choices = [("", _("Any country")), *countries]


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
    # A URL typed without its scheme is an https one.
    website = forms.URLField(label=_("official website"), max_length=500, assume_scheme="https")
    source = forms.URLField(label=_("source of these facts"), max_length=500, assume_scheme="https")

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


class VerifyForm(CleanTextMixin, forms.Form):
    """A dossier to check: its number and SHA-256 as printed (the signature optional), or the
    PDF file itself."""

    number = forms.UUIDField(label=_("Dossier number"), required=False)
    sha256 = forms.RegexField(
        label=_("SHA-256 of the signed text"),
        regex=r"^\s*[0-9a-fA-F]{64}\s*$",
        required=False,
        error_messages={"invalid": _("A SHA-256 is 64 hexadecimal characters (0-9, a-f).")},
    )
    signature = forms.CharField(label=_("Signature (optional)"), required=False, max_length=200)
    pdf = forms.FileField(label=_("Or upload the PDF"), required=False)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if cleaned.get("pdf"):
            return cleaned
        if not cleaned.get("number") or not cleaned.get("sha256"):
            raise forms.ValidationError(
                _("Enter the dossier's number and its SHA-256, or upload the PDF.")
            )
        return cleaned


class OutcomeReportForm(CleanTextMixin, forms.Form):
    status = forms.ChoiceField(label=_("What did the body do?"), widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Anything to add (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        from .services import CONSUMER_REPORTS

        super().__init__(*args, **kwargs)
        labels = dict(ReferralStatus.choices)
        self.fields["status"].choices = [(s, labels[s]) for s in CONSUMER_REPORTS]


class ReferralAddForm(CleanTextMixin, forms.ModelForm):
    """A mediator sends a referred case to a body: the body (the proposals first), the channel,
    the covering letter, and a reason when the body does not fit the case."""

    class Meta:
        model = Referral
        fields = ["case", "body", "channel", "covering_letter", "mismatch_reason"]

    def __init__(self, *args, suggestions=(), **kwargs):
        from odr.models import Case, CaseState

        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = Case.objects.filter(state=CaseState.REFERRED).select_related(
            "complaint"
        )
        if self.initial.get("case"):
            # Opened from the case: it is chosen already.
            self.fields["case"].widget = forms.HiddenInput()
        self.fields["body"].queryset = ReferralBody.objects.active()
        self.fields["channel"].required = False
        self.fields["channel"].help_text = _(
            "Empty: e-mail where the body publishes an address for cases, otherwise its first "
            "channel (the consumer then submits the letter and the PDF)."
        )
        self.fields["mismatch_reason"].help_text = _(
            "Needed only for a body that does not list the consumer's or the trader's country, "
            "the category or the amount."
        )
        suggested = [s.body.pk for s in suggestions]
        if suggested:
            choices = list(self.fields["body"].choices)
            head = [c for c in choices if c[0] and int(str(c[0])) in suggested]
            head.sort(key=lambda c: suggested.index(int(str(c[0]))))
            rest = [c for c in choices if c not in head]
            self.fields["body"].choices = [*rest[:1], *head, *rest[1:]]

    def clean(self):
        from .services import referral_check

        cleaned = super().clean()
        case, body = cleaned.get("case"), cleaned.get("body")
        if case is None or body is None:
            return cleaned
        try:
            referral_check(
                case,
                body,
                channel=cleaned.get("channel") or "",
                mismatch_reason=cleaned.get("mismatch_reason") or "",
            )
        except forms.ValidationError as exc:
            self.add_error(None, exc)
        return cleaned


class ReferralStatusForm(CleanTextMixin, forms.ModelForm):
    """A mediator records what the body did."""

    note = forms.CharField(
        label=_("Note for the case's timeline"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Referral
        fields = ["status"]

    def clean_status(self):
        status = self.cleaned_data["status"]
        if self.instance.is_final and status != self.instance.status:
            raise forms.ValidationError(
                _("This referral is closed: the body's decision is already recorded.")
            )
        return status


class CollectiveReferralForm(CleanTextMixin, forms.Form):
    """A collective case's members referred together to one body."""

    body = forms.ModelChoiceField(
        label=_("Outside body"), queryset=ReferralBody.objects.active().order_by("name")
    )
    summary = forms.CharField(
        label=_("Why mediation failed"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("Recorded on each case referred and printed in its dossier."),
    )
    covering_letter = forms.CharField(
        label=_("Covering letter"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000
    )
    mismatch_reason = forms.CharField(
        label=_("Why this body, if it does not list these countries or this problem"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
