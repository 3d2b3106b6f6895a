"""Sign-up and sign-in forms."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.forms import HoneypotMixin
from core.queue import enqueue_on_commit
from core.tasks import send_email
from core.text import CleanTextMixin

from . import otp
from .models import User


class RegistrationForm(CleanTextMixin, HoneypotMixin, UserCreationForm):
    role = forms.ChoiceField(
        label=_("I am"),
        choices=[
            (User.Role.CONSUMER, _("a consumer with a problem about a purchase")),
            (User.Role.MERCHANT_REP, _("a representative of a merchant")),
        ],
        initial=User.Role.CONSUMER,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = User
        fields = ("full_name", "email", "preferred_language")

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                _(
                    "An account with this e-mail address already exists. "
                    "Sign in or reset the password."
                )
            )
        return email


class EmailAuthenticationForm(CleanTextMixin, AuthenticationForm):
    """Django's sign-in form with the address typed into an e-mail field; the manager's
    natural-key lookup makes it match whatever its case."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autofocus": True, "autocomplete": "username"}
        )

    error_messages = {
        **AuthenticationForm.error_messages,
        "unverified": _(
            "Please confirm your e-mail address first: follow the link we sent you. "
            "You can ask for a new link below."
        ),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.email_verified and not user.is_staff:
            raise ValidationError(self.error_messages["unverified"], code="unverified")


CODE_INVALID = _(
    "This code is not valid. Enter the current code from your authenticator app, or one of "
    "your recovery codes."
)


class OTPCodeForm(CleanTextMixin, forms.Form):
    """The second step: a code from the authenticator app or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_(
            "The six digits your authenticator app shows now, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_code(self):
        self.device = otp.verify_code(user=self.user, code=self.cleaned_data["code"])
        if self.device is None:
            raise ValidationError(CODE_INVALID, code="invalid_code")
        return self.cleaned_data["code"]


class TOTPSetupForm(CleanTextMixin, forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class AdminSignInForm(CleanTextMixin, AdminAuthenticationForm):
    """The admin's sign-in, asking also for the second factor of accounts that have one, so
    that the admin is no way around it."""

    otp_code = forms.CharField(
        label=_("Code (if you use two-step verification)"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autofocus": True, "autocomplete": "username"}
        )

    def clean(self):
        cleaned = super().clean()
        user = self.user_cache
        if user is not None and otp.two_factor_enabled(user):
            device = otp.verify_code(user=user, code=cleaned.get("otp_code", ""))
            if device is None:
                raise ValidationError(CODE_INVALID, code="invalid_code")
            # django-otp marks the session verified when auth's login() sees this attribute.
            user.otp_device = device
        return cleaned


class ResendVerificationForm(CleanTextMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail address"))


class QueuedPasswordResetForm(CleanTextMixin, PasswordResetForm):
    """Django's reset form, rendered in the user's language and sent by the worker."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        user = context["user"]
        with translation.override(getattr(user, "preferred_language", settings.LANGUAGE_CODE)):
            subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
            body = loader.render_to_string(email_template_name, context)
        enqueue_on_commit(send_email, subject=subject, body=body, to=[to_email])
