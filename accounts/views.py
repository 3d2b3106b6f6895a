"""Registration, e-mail verification, and sign-in with its optional second step; passwords are
Django's own auth views."""

from __future__ import annotations

import logging
import time
from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import FormView, TemplateView
from django_otp.plugins.otp_static.models import StaticDevice
from django_ratelimit.decorators import ratelimit

from core.forms import FORM_RATE

from . import otp, services
from .forms import (
    EmailAuthenticationForm,
    OTPCodeForm,
    RegistrationForm,
    ResendVerificationForm,
    TOTPSetupForm,
)
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


CONSOLE_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"


class EmailSentContextMixin:
    """The "check your e-mail" pages say where e-mails go when none is sent (the embedded
    default of `make run` prints them in its console instead)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["emails_in_console"] = settings.EMAIL_BACKEND == CONSOLE_EMAIL_BACKEND
        return context


class RegisterDoneView(EmailSentContextMixin, TemplateView):
    template_name = "registration/register_done.html"


class PasswordResetDoneView(EmailSentContextMixin, auth_views.PasswordResetDoneView):
    pass


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
    download and the erasure are the privacy app's pages, since they cover cases too)."""
    return render(
        request,
        "accounts/account.html",
        {
            "privacy_requests": PrivacyRequest.objects.filter(user=request.user)[:20],
            "is_consumer": request.user.role == User.Role.CONSUMER and not request.user.is_staff,
        },
    )


# Between the password and the code the session holds who is signing in, for this long at most.
PENDING_LOGIN_KEY = "accounts_pending_login"
PENDING_LOGIN_SECONDS = 5 * 60


class SignInView(auth_views.LoginView):
    """Django's sign-in; an account with an authenticator app is signed in only after the
    second step (login_verify) has accepted a code."""

    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not otp.two_factor_enabled(user):
            return super().form_valid(form)
        self.request.session[PENDING_LOGIN_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "at": int(time.time()),
            "next": self.get_redirect_url(),
        }
        return redirect("login_verify")


def _safe_next(request, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _pending_login(request):
    pending = request.session.get(PENDING_LOGIN_KEY)
    if not isinstance(pending, dict):
        return None
    if time.time() - pending.get("at", 0) > PENDING_LOGIN_SECONDS:
        del request.session[PENDING_LOGIN_KEY]
        messages.info(request, _("Signing in took too long. Please enter your password again."))
        return None
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    if user is None:
        return None
    return user, pending


@never_cache
@require_http_methods(["GET", "POST"])
def login_verify(request):
    """The second step of signing in, and the check a signed-in staff member passes before
    staff pages when the second factor is required."""
    pending = _pending_login(request)
    if pending is not None:
        user, data = pending
        next_url = _safe_next(request, data.get("next", ""))
    elif request.user.is_authenticated and otp.two_factor_enabled(request.user):
        user = request.user
        next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
        if user.is_verified():
            return redirect(next_url)
    else:
        return redirect("login")
    form = OTPCodeForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        if pending is not None:
            del request.session[PENDING_LOGIN_KEY]
            # django-otp marks the new session verified when auth's login() sees this.
            user.otp_device = form.device
            auth_login(request, user, backend=data["backend"])
        else:
            django_otp.login(request, form.device)
        if isinstance(form.device, StaticDevice):
            messages.warning(
                request,
                _(
                    "You signed in with a recovery code; it cannot be used again. "
                    "Recovery codes left: %(count)d."
                )
                % {"count": otp.recovery_codes_remaining(user)},
            )
        return redirect(next_url)
    return render(request, "registration/login_verify.html", {"form": form, "next": next_url})


def _verified_or_redirect(request):
    """Changing the second factor needs a session that passed it (or a user who has none)."""
    if otp.two_factor_enabled(request.user) and not request.user.is_verified():
        query = urlencode({"next": reverse("two_factor")})
        return redirect(f"{reverse('login_verify')}?{query}")
    return None


@login_required
@require_GET
def two_factor(request):
    return render(
        request,
        "accounts/two_factor.html",
        {
            "enabled": otp.two_factor_enabled(request.user),
            "recovery_codes_left": otp.recovery_codes_remaining(request.user),
            "required": otp.staff_must_verify(request.user),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    user = request.user
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    if otp.two_factor_enabled(user):
        messages.info(request, _("Two-step verification is already on for this account."))
        return redirect("two_factor")
    form = TOTPSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = otp.totp_device_confirm(user=user, code=form.cleaned_data["code"])
        if confirmed is not None:
            device, codes = confirmed
            django_otp.login(request, device)
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": next_url, "first_time": True},
            )
        form.add_error(
            "code",
            _(
                "This code does not match. Enter the code the app shows now; if it still "
                "fails, check that your phone's clock is set automatically."
            ),
        )
    device = otp.totp_device_pending(user=user)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": otp.provisioning_qr_svg(device),
            "secret": otp.provisioning_secret(device),
            "next": next_url if next_url != resolve_url(settings.LOGIN_REDIRECT_URL) else "",
            "required": otp.staff_must_verify(user),
        },
    )


@never_cache
@login_required
@require_POST
def two_factor_recovery_codes(request):
    if (response := _verified_or_redirect(request)) is not None:
        return response
    if not otp.two_factor_enabled(request.user):
        return redirect("two_factor")
    codes = otp.recovery_codes_regenerate(user=request.user)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": reverse("two_factor"), "first_time": False},
    )


@login_required
@require_POST
def two_factor_disable(request):
    if (response := _verified_or_redirect(request)) is not None:
        return response
    if otp.staff_must_verify(request.user):
        messages.error(request, _("Staff accounts must keep two-step verification on."))
        return redirect("two_factor")
    otp.two_factor_disable(user=request.user)
    messages.success(request, _("Two-step verification is off for this account."))
    return redirect("two_factor")
