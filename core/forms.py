"""What public forms share against spam: a honeypot field and one rate for forms that create
things or send e-mail (no third-party captcha)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

# Per client address (and per account where there is one), over which a form answers 429.
FORM_RATE = "10/h"


class HoneypotMixin:
    """Adds a field people never see (hidden by CSS and from assistive technology) and bots
    fill in. A view answers a filled one as if it worked and does nothing, so the bot learns
    nothing. ``honeypot_name`` must be a name the form does not use for a real field."""

    honeypot_name = "website"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.honeypot_name] = forms.CharField(
            label=_("Leave this field empty"),
            required=False,
            widget=forms.TextInput(
                attrs={"class": "hp-input", "autocomplete": "off", "tabindex": "-1"}
            ),
        )

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get(self.honeypot_name))
