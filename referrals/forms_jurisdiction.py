"""The jurisdiction page's questions: where the consumer and the trader are, whether the trader
directed its business to the consumer's country, the law its terms choose."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from core.text import CleanTextMixin

# The tri-state answer to "directed", and what referrals.jurisdiction.explain takes for it.
DIRECTED = {"yes": True, "no": False, "unknown": None}


class JurisdictionForm(CleanTextMixin, forms.Form):
    consumer_country = forms.ChoiceField(label=_("Your country of residence"), choices=())
    trader_country = forms.ChoiceField(label=_("The trader's country"), choices=())
    directed = forms.ChoiceField(
        label=_("Did the trader direct its business to your country?"),
        help_text=_(
            "For example: it delivers to your country, or its site is in your language or "
            "takes your currency."
        ),
        choices=[("yes", _("Yes")), ("no", _("No")), ("unknown", _("Not sure"))],
        initial="unknown",
    )
    chosen_law = forms.ChoiceField(
        label=_("The law chosen in the trader's or the platform's terms"),
        help_text=_("Often in a clause called “governing law”. Leave empty if none or not known."),
        required=False,
        choices=(),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Country names follow the page's language, so the lists are built per request.
        self.fields["consumer_country"].choices = [("", _("Choose a country")), *countries]
        self.fields["trader_country"].choices = [("", _("Choose a country")), *countries]
        self.fields["chosen_law"].choices = [("", _("None or not known")), *countries]

    def clean_directed(self):
        return DIRECTED[self.cleaned_data["directed"]]
