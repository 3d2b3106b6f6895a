"""The complaint wizard's forms, one per step, and the evidence form of the complaint page."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from core.dates import validate_delivery_date, validate_order_date
from core.forms import CachedOptionsSelect
from core.money import check_amount_bound, currency_choices, parse_amount, validate_currency
from core.text import CleanTextMixin

from .models import Complaint, Delivery, GoodsException, PurchaseMode, Remedy, SellerInformed
from .respondents import REQUIRED_SLOT, SLOTS_BY_MODE, Party


def _amount(value: str, *, required: bool, currency: str = ""):
    if value in (None, ""):
        if required:
            raise ValidationError(_("Enter the amount."), code="required")
        return None
    return parse_amount(value, currency=currency)


class PurchaseForm(CleanTextMixin, forms.ModelForm):
    purchase_mode = forms.ChoiceField(
        label=_("How you bought"), choices=PurchaseMode.choices, widget=forms.RadioSelect
    )
    shop_url = forms.URLField(
        label=_("Shop or product link"),
        max_length=1000,
        required=False,
        assume_scheme="https",
        help_text=_("Paste the link of the shop or of the product page, if you have it."),
    )
    order_date = forms.DateField(
        label=_("Order date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    item_description = forms.CharField(label=_("What you bought"), max_length=500)
    amount = forms.CharField(
        label=_("Amount paid"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("For example 129.90"),
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=(), widget=CachedOptionsSelect)
    # What the consumer's statutory rights depend on (complaints.rights).
    delivery = forms.ChoiceField(
        label=_("Has the order arrived?"), choices=Delivery.choices, widget=forms.RadioSelect
    )
    delivery_date = forms.DateField(
        label=_("Delivery date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The day the goods reached you: return and withdrawal periods count from it."),
    )
    seller_informed = forms.ChoiceField(
        label=_(
            "Did the seller tell you of a right to return or withdraw (in the listing, the terms "
            "or the order confirmation)?"
        ),
        choices=SellerInformed.choices,
        widget=forms.RadioSelect,
    )
    goods_exception = forms.ChoiceField(
        label=_("Are the goods one of these kinds?"),
        choices=GoodsException.choices,
        initial=GoodsException.NONE,
        help_text=_("Some kinds of goods have no right of return without reason."),
    )

    class Meta:
        model = Complaint
        fields = (
            "purchase_mode",
            "shop_url",
            "shop_name",
            "platform_name",
            "agent_name",
            "order_number",
            "order_date",
            "item_description",
            "amount",
            "currency",
            "payment_method",
            "consumer_country",
            "delivery",
            "delivery_date",
            "seller_informed",
            "goods_exception",
        )
        labels = {
            "shop_name": _("Shop name"),
            "platform_name": _("Marketplace or platform, if any"),
            "agent_name": _("Purchasing agent, if any"),
            "order_number": _("Order number"),
            "payment_method": _("How you paid"),
            "consumer_country": _("Your country of residence"),
        }
        help_texts = {
            "consumer_country": _("Your rights as a consumer usually depend on where you live."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consumer_country"].required = True
        # Currency names follow the page's language, so the list is built per request.
        self.fields["currency"].choices = [("", "—"), *currency_choices()]
        if self.instance.amount is not None and not self.is_bound:
            self.initial["amount"] = f"{self.instance.amount:.2f}"

    def clean_currency(self):
        return validate_currency(self.cleaned_data.get("currency", ""))

    def clean_order_date(self):
        return validate_order_date(self.cleaned_data["order_date"])

    def clean(self):
        data = super().clean()
        # The amount after the currency (cleaned in field order, it comes later): a yen amount
        # has no decimals.
        if "amount" in data:
            try:
                data["amount"] = _amount(
                    data["amount"], required=True, currency=data.get("currency") or ""
                )
            except ValidationError as exc:
                self.add_error("amount", exc)
        if data.get("delivery") == Delivery.DELIVERED:
            if data.get("delivery_date") is None:
                if "delivery_date" not in self.errors:
                    self.add_error(
                        "delivery_date",
                        ValidationError(_("Enter the day the goods arrived."), code="required"),
                    )
            else:
                try:
                    validate_delivery_date(data["delivery_date"], order_date=data.get("order_date"))
                except ValidationError as exc:
                    self.add_error("delivery_date", exc)
        elif data.get("delivery") == Delivery.NOT_DELIVERED:
            data["delivery_date"] = None
        if not any(data.get(f) for f in ("shop_url", "shop_name", "agent_name", "platform_name")):
            raise ValidationError(
                _("Tell us where you bought: the shop's link or name, or the agent's name."),
                code="where",
            )
        return data


# The consumer's own account; longer documents belong in the evidence.
MAX_ACCOUNT_CHARS = 10_000


class ProblemForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Complaint
        fields = ("category", "description")
        labels = {"category": _("What went wrong"), "description": _("What happened")}
        help_texts = {
            "description": _(
                "In your own words: what was promised, what you received, what you did "
                "and what the seller answered, with dates."
            )
        }
        widgets = {"category": forms.RadioSelect, "description": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].required = True
        self.fields["category"].choices = [c for c in self.fields["category"].choices if c[0] != ""]
        self.fields["description"].required = True
        self.fields["description"].validators.append(MaxLengthValidator(MAX_ACCOUNT_CHARS))


class RemedyForm(CleanTextMixin, forms.ModelForm):
    remedy_amount = forms.CharField(
        label=_("Amount you claim"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    class Meta:
        model = Complaint
        fields = ("remedy", "remedy_amount", "remedy_details")
        labels = {"remedy": _("What you want"), "remedy_details": _("Details of what you want")}
        widgets = {"remedy": forms.RadioSelect, "remedy_details": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remedy"].required = True
        self.fields["remedy"].choices = [c for c in self.fields["remedy"].choices if c[0] != ""]
        currency = self.instance.currency
        self.fields["remedy_amount"].help_text = (
            _(
                "In the currency you paid (%(currency)s). Needed for a partial refund or "
                "compensation."
            )
            % {"currency": currency}
            if currency
            else _("Needed for a partial refund or compensation.")
        )
        if self.instance.remedy_amount is not None and not self.is_bound:
            self.initial["remedy_amount"] = f"{self.instance.remedy_amount:.2f}"

    def clean_remedy_amount(self):
        return _amount(
            self.cleaned_data.get("remedy_amount"),
            required=False,
            currency=self.instance.currency or "",
        )

    def clean(self):
        data = super().clean()
        remedy = data.get("remedy")
        amount = data.get("remedy_amount")
        # An amount refused as typed already says what is wrong with it.
        if "remedy_amount" in self.errors:
            pass
        elif remedy in (Remedy.PARTIAL_REFUND, Remedy.COMPENSATION) and not amount:
            self.add_error("remedy_amount", _("Enter the amount you claim."))
        elif remedy and amount is not None:
            try:
                check_amount_bound(
                    amount,
                    kind=remedy,
                    paid=self.instance.amount,
                    currency=self.instance.currency,
                )
            except ValidationError as exc:
                self.add_error("remedy_amount", exc)
        if remedy == Remedy.OTHER and not (data.get("remedy_details") or "").strip():
            self.add_error("remedy_details", _("Describe what you want."))
        return data


def slot_legend(mode: str, slot: str) -> str:
    legends = {
        "seller": {
            PurchaseMode.DIRECT: _("The overseas shop you bought from"),
            PurchaseMode.MARKETPLACE: _("The seller on the marketplace"),
            PurchaseMode.AGENT_NON_SPOT: _(
                "The overseas supplier the agent bought from (leave empty if you do not know)"
            ),
        },
        "agent": {
            PurchaseMode.AGENT_SPOT: _("The purchasing agent (现货代购)"),
            PurchaseMode.AGENT_NON_SPOT: _("The purchasing agent (非现货代购)"),
        },
        "platform": {
            PurchaseMode.MARKETPLACE: _("The marketplace"),
        },
    }
    return str(
        legends[slot].get(mode, _("The marketplace or platform the purchase went through, if any"))
    )


def merchant_label(merchant) -> str:
    roles = ", ".join(str(r.get_role_display()) for r in merchant.roles.all())
    state = (
        _("identity verified")
        if merchant.disclosure_is_adequate
        else _("identity %(percent)s%% disclosed, %(state)s")
        % {"percent": merchant.completeness, "state": merchant.get_verification_state_display()}
    )
    parts = [merchant.display_name, roles, str(state)]
    return " · ".join(p for p in parts if p)


class RespondentsForm(CleanTextMixin, forms.Form):
    """Each party is chosen from the directory (the search fills the lists) or named."""

    q = forms.CharField(
        label=_("Find a merchant in the directory by shop link or name"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def __init__(self, *args, mode: str, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.mode = mode
        self.candidates = {str(m.public_id): m for m in candidates}
        choices = [("", _("Not in the directory: I name it below"))] + [
            (key, merchant_label(m)) for key, m in self.candidates.items()
        ]
        self.slots = []
        for slot in SLOTS_BY_MODE[mode]:
            legend = slot_legend(mode, slot)
            self.fields[f"{slot}_merchant"] = forms.ChoiceField(
                label=_("Chosen from the directory"), choices=choices, required=False
            )
            self.fields[f"{slot}_name"] = forms.CharField(
                label=_("Or its name, as you know it"), max_length=300, required=False
            )
            self.fields[f"{slot}_url"] = forms.URLField(
                label=_("Its link, if you have it"),
                max_length=1000,
                required=False,
                assume_scheme="https",
            )
            self.slots.append(
                {
                    "slot": slot,
                    "legend": legend,
                    "required": slot == REQUIRED_SLOT[mode],
                    "fields": [self[f"{slot}_{part}"] for part in ("merchant", "name", "url")],
                }
            )

    def clean(self):
        data = super().clean()
        for slot in SLOTS_BY_MODE[self.mode]:
            chosen = data.get(f"{slot}_merchant")
            name = (data.get(f"{slot}_name") or "").strip()
            if not chosen and data.get(f"{slot}_url") and not name:
                self.add_error(f"{slot}_name", _("Give the name too, as you know it."))
            if slot == REQUIRED_SLOT[self.mode] and not chosen and not name:
                self.add_error(
                    f"{slot}_name",
                    _("Choose it from the directory or give its name."),
                )
        return data

    def party(self, slot: str) -> Party:
        if slot not in SLOTS_BY_MODE[self.mode]:
            return Party()
        data = self.cleaned_data
        chosen = data.get(f"{slot}_merchant")
        if chosen:
            return Party(merchant=self.candidates[chosen])
        return Party(name=(data.get(f"{slot}_name") or "").strip(), url=data.get(f"{slot}_url", ""))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input. Each file is checked by the evidence service, one by one,
    so that a refused file is named with its reason and the others are kept."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if data is None:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [f for f in files if f]


class EvidenceForm(CleanTextMixin, forms.Form):
    files = MultipleFileField(
        label=_("Files"),
        required=False,
        help_text=_(
            "Photos (JPEG, PNG, GIF, WebP, HEIC), short videos (MP4, WebM, MOV), PDF, plain-text "
            "chat exports and e-mails (.eml); up to %(file)s MB each and %(total)s MB per "
            "complaint."
        ),
    )
    statement = forms.CharField(
        label=_("Written statement"),
        required=False,
        # The length is checked by the evidence service, so that a too-long statement does not
        # stop the files sent with it from being kept.
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Anything you want to add in writing, such as what a seller said on the phone."
        ),
    )

    listing_url = forms.URLField(
        label=_("Link of the listing"),
        required=False,
        max_length=1000,
        assume_scheme="https",
    )
    listing_text = forms.CharField(
        label=_("The listing as you saw it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Paste the product page's text (title, description, price, promises) as it was when "
            "you bought: a listing can change or disappear. It is kept with the time you add it."
        ),
    )

    def __init__(
        self, *args, max_file_mb: float, max_total_mb: float, require_content=False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        # In the step-by-step form a consumer may go on without evidence; adding evidence to a
        # submitted complaint with neither a file nor a statement adds nothing and says so.
        self.require_content = require_content
        self.fields["files"].help_text = self.fields["files"].help_text % {
            "file": f"{max_file_mb:g}",
            "total": f"{max_total_mb:g}",
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("listing_url") and not (cleaned.get("listing_text") or "").strip():
            self.add_error("listing_text", _("Paste the listing's text too."))
        if (
            self.require_content
            and not cleaned.get("files")
            and not (cleaned.get("statement") or "").strip()
            and not (cleaned.get("listing_text") or "").strip()
        ):
            raise forms.ValidationError(
                _(
                    "Choose at least one file, write a statement or paste the listing: nothing "
                    "was added."
                ),
                code="empty",
            )
        return cleaned


class PublicationForm(CleanTextMixin, forms.Form):
    """The consumer's separate choices about the open complaint data (docs/transparency.md)."""

    publish = forms.BooleanField(
        required=False,
        label=_("Publish this complaint in Redress's open complaint data, without personal data."),
    )
    publish_narrative = forms.BooleanField(
        required=False,
        label=_("Also publish what happened, in your own words."),
        help_text=_(
            "Names, e-mail addresses, phone numbers, addresses, order, tracking, card, bank "
            "and ID numbers are removed first, and a mediator reads it before it appears."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["publish"].help_text = _(
            "Published: when, the kind of problem, your country and the merchant's, the "
            "marketplace, the merchant, how you bought, the amount as a range, the outcome and "
            "whether the merchant answered in time. Never your name, contact details, order "
            "number or evidence. It appears once the merchant answered or %(days)s days after "
            "the case was accepted. You can withdraw it at any time."
        ) % {"days": settings.TRANSPARENCY_PUBLISH_AFTER_DAYS}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("publish_narrative") and not cleaned.get("publish"):
            self.add_error(
                "publish_narrative",
                forms.ValidationError(
                    _(
                        "To publish what happened in your own words, also agree to publish the "
                        "complaint."
                    ),
                    code="narrative_without_complaint",
                ),
            )
        return cleaned


class ReviewForm(PublicationForm):
    field_order = ["consent", "publish", "publish_narrative"]

    consent = forms.BooleanField(
        label=_(
            "I agree that this complaint and its evidence are shared with the respondents named "
            "above and with the mediators, to resolve it."
        ),
        help_text=_(
            "The respondents see your name and e-mail address only once a mediator has accepted "
            "the case."
        ),
    )
