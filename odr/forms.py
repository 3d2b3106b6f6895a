"""Forms of the case page and the mediators' desk. They collect input; the services decide."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CachedOptionsSelect
from core.money import currency_choices
from core.text import CleanTextMixin

from .models import CollectiveCase, Offer, Outcome, Settlement


class VersionedForm(CleanTextMixin, forms.Form):
    """Carries the case version the viewer saw, so a move made on stale information is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class OfferForm(VersionedForm):
    kind = forms.ChoiceField(label=_("What is offered"), choices=Offer.Kind.choices)
    # Text, not a DecimalField: core.money.parse_amount (in the service) gives the one message
    # for every bad amount, and what was typed comes back unchanged.
    amount = forms.CharField(
        label=_("Amount"),
        required=False,
        max_length=30,
        help_text=_("Leave empty for a replacement or repair without money."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    currency = forms.ChoiceField(label=_("Currency"), required=False, widget=CachedOptionsSelect)
    terms = forms.CharField(
        label=_("Terms"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What exactly is offered, and how it will be done."),
    )
    counter_to = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, currency: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [("", "—"), *currency_choices()]
        if currency and not self.is_bound:
            self.fields["currency"].initial = currency


class DisputeForm(VersionedForm):
    reasons = forms.CharField(
        label=_("Why you dispute the claim"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    attachment = forms.FileField(
        label=_("Your evidence"),
        required=False,
        help_text=_(
            "Optional: a delivery record, a photo, your correspondence with the consumer. It "
            "becomes evidence in the case file, with its time and SHA-256; more can follow as "
            "attachments to messages."
        ),
    )


class ReasonForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ConfirmForm(VersionedForm):
    """A move that needs no input, only the version."""


class AcceptClaimForm(VersionedForm):
    """Accepting the consumer's full claim settles the case on it: the representative ticks a
    box naming the claim, so that it is never taken for accepting the mediator's proposal (a
    representative meaning to accept a 120 € proposal once settled a 189 € claim)."""

    confirm = forms.BooleanField(
        required=True,
        error_messages={
            "required": _(
                "Tick the box to confirm that you accept the consumer's full claim. To accept "
                "the mediator's proposal instead, use its own button."
            )
        },
    )

    def __init__(self, *args, claim_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.claim_text = claim_text
        self.fields["confirm"].label = _("I accept the consumer's full claim: %(claim)s") % {
            "claim": claim_text
        }


class InfoForm(VersionedForm):
    text = forms.CharField(
        label=_("The information asked for"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class MessageForm(CleanTextMixin, forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachment = forms.FileField(
        label=_("Attach a file"),
        required=False,
        help_text=_(
            "Optional. It becomes evidence in the case file, with its time and SHA-256: "
            "images, PDF, plain-text chat exports or e-mails."
        ),
    )


class RatingForm(CleanTextMixin, forms.Form):
    score = forms.TypedChoiceField(
        label=_("How was your case handled?"),
        coerce=int,
        choices=[
            (5, _("5: very well")),
            (4, _("4: well")),
            (3, _("3: acceptably")),
            (2, _("2: badly")),
            (1, _("1: very badly")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- the mediators' desk ------------------------------------------------------------------


class AcceptForm(VersionedForm):
    note = forms.CharField(
        label=_("Note, shown to the parties (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class HeldAcceptForm(AcceptForm):
    """Accepting a complaint held for screening (flooding): the mediator confirms the hold."""

    release_hold = forms.BooleanField(
        label=_(
            "I checked this held complaint: release the hold, so that it counts for the "
            "merchant's credit like any other"
        ),
    )


class RejectForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason, shown to the consumer"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RequestInfoForm(VersionedForm):
    question = forms.CharField(
        label=_("What the consumer should send"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ProposeSettlementForm(OfferForm):
    payer = forms.ChoiceField(label=_("Who pays"), choices=Settlement.Payer.choices)
    payer_merchant = forms.TypedChoiceField(
        label=_("Paying merchant or platform"), coerce=int, required=False, empty_value=None
    )
    recovered_from = forms.TypedChoiceField(
        label=_("Recovered from (when the platform pays in advance)"),
        coerce=int,
        required=False,
        empty_value=None,
    )
    beyond_bound_reason = forms.CharField(
        label=_("Reason for an amount beyond the usual bound (only if it is beyond)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "A refund is at most the amount paid and compensation at most a set multiple of it. "
            "To propose more, say why; the reason is recorded in the case's history."
        ),
    )

    def __init__(self, *args, merchants=(), platforms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("counter_to")
        self.fields["terms"].required = True
        linked = [(m.pk, str(m)) for m in merchants]
        payers = linked + [(p.pk, str(p)) for p in platforms if p.pk not in dict(linked)]
        self.fields["payer_merchant"].choices = [("", "—"), *payers]
        self.fields["recovered_from"].choices = [("", "—"), *linked]


class ReferForm(VersionedForm):
    summary = forms.CharField(
        label=_("Mediator's summary for the dossier"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class RecordOutcomeForm(VersionedForm):
    outcome = forms.ChoiceField(label=_("Outcome"))
    summary = forms.CharField(
        label=_("Mediator's summary (optional)"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, outcomes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [(o, Outcome(o).label) for o in outcomes]


class CompensateForm(VersionedForm):
    platform = forms.TypedChoiceField(label=_("Platform paying in advance"), coerce=int)
    note = forms.CharField(
        label=_("Note, shown to the parties (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, platforms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["platform"].choices = [(p.pk, str(p)) for p in platforms]


class AssignForm(VersionedForm):
    mediator = forms.TypedChoiceField(label=_("Mediator"), coerce=int)

    def __init__(self, *args, mediators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediator"].choices = [
            (m.pk, f"{m.full_name} <{m.email}> ({m.load})") for m in mediators
        ]


class DeskMessageForm(CleanTextMixin, forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=8000, widget=forms.Textarea(attrs={"rows": 5})
    )
    internal = forms.BooleanField(
        label=_("Internal note (never shown to the parties)"), required=False
    )


class BulkAssignForm(CleanTextMixin, forms.Form):
    mediator = forms.TypedChoiceField(
        label=_("Assign to"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Leave empty to give each case to the least-loaded mediator in its language."),
    )

    def __init__(self, *args, mediators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediator"].choices = [
            ("", _("Automatically")),
            *((m.pk, f"{m.full_name} <{m.email}> ({m.load})") for m in mediators),
        ]


class JoinCollectiveForm(VersionedForm):
    """Joining the collective case offered on the consumer's case page."""

    collective = forms.IntegerField(widget=forms.HiddenInput)


class GroupOfferForm(VersionedForm):
    """The merchant's one offer to every consumer of a collective case."""

    kind = forms.ChoiceField(label=_("What is offered"), choices=Offer.Kind.choices)
    share = forms.DecimalField(
        label=_("Share of what each consumer paid (per cent)"),
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        decimal_places=2,
        help_text=_("For a refund or compensation: 100 gives each consumer back what they paid."),
    )
    terms = forms.CharField(
        label=_("Terms"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What exactly is offered to each consumer, and how it will be done."),
    )


class CollectiveCaseForm(CleanTextMixin, forms.ModelForm):
    """A collective case's title, the one thing a mediator corrects on it."""

    class Meta:
        model = CollectiveCase
        fields = ["title"]
