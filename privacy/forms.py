"""The erasure confirmation. It collects the password and the consent; the service decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.text import CleanTextMixin


class ErasureForm(CleanTextMixin, forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand that my personal data are erased for good and that I can no longer "
            "sign in."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not right."), code="password")
        return password
