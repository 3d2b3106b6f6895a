"""Sign-up and sign-in forms."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.forms import HoneypotMixin
from core.queue import enqueue_on_commit
from core.tasks import send_email
from core.text import CleanTextMixin

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
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                _(
                    "An account with this e-mail address already exists. "
                    "Sign in or reset the password."
                )
            )
        return email


class EmailAuthenticationForm(CleanTextMixin, AuthenticationForm):
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
