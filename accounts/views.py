"""Registration and e-mail verification; sign-in and passwords are Django's own auth views."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.generic import FormView, TemplateView
from django_ratelimit.decorators import ratelimit

from core.forms import FORM_RATE

from . import services
from .forms import RegistrationForm, ResendVerificationForm
from .models import PrivacyRequest, User

logger = logging.getLogger(__name__)


@method_decorator(ratelimit(key="ip", rate=FORM_RATE, method="POST", block=True), name="post")
class RegisterView(FormView):
    template_name = "registration/register.html"
    form_class = RegistrationForm
    success_url = reverse_lazy("register_done")

    def get_initial(self):
        return {"preferred_language": self.request.LANGUAGE_CODE}

    def form_valid(self, form):
        if form.is_spam:
            # Answer as if it worked so the bot learns nothing; create nothing.
            logger.info("Registration honeypot filled; ignored")
            return super().form_valid(form)
        services.user_register(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            full_name=form.cleaned_data["full_name"],
            role=form.cleaned_data["role"],
            preferred_language=form.cleaned_data["preferred_language"],
        )
        return super().form_valid(form)


class RegisterDoneView(TemplateView):
    template_name = "registration/register_done.html"


def verify_email(request, uidb64: str, token: str):
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        user = None
    if user is not None and services.user_verify_email(user=user, token=token):
        messages.success(request, _("Your e-mail address is confirmed. You can sign in now."))
        return redirect("login")
    return render(request, "registration/verify_failed.html", status=400)


@method_decorator(ratelimit(key="ip", rate=FORM_RATE, method="POST", block=True), name="post")
class ResendVerificationView(FormView):
    template_name = "registration/resend_verification.html"
    form_class = ResendVerificationForm
    success_url = reverse_lazy("register_done")

    def form_valid(self, form):
        # Same answer whether or not the address exists, so the form reveals no accounts.
        user = User.objects.filter(
            email__iexact=form.cleaned_data["email"], email_verified_at__isnull=True
        ).first()
        if user is not None:
            services.send_verification_email(user)
        return super().form_valid(form)


@login_required
@require_GET
def account(request):
    """The signed-in user's own account: details, password, and their privacy rights (the
    download and the erasure are the ODR app's pages, since they cover cases too)."""
    return render(
        request,
        "accounts/account.html",
        {
            "privacy_requests": PrivacyRequest.objects.filter(user=request.user)[:20],
            "is_consumer": request.user.role == User.Role.CONSUMER and not request.user.is_staff,
        },
    )
