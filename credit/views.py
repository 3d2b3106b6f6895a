"""The platforms' own pages: what the API offers and how to start, the request for access,
and the platform's keys (created, rotated and revoked by the platform; each secret shown once,
on the page that answers the POST: never stored, logged or put in a message)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User

from . import demo, onboarding
from .forms import AccessRequestForm, KeyCreateForm
from .models import ApiKey


@require_GET
def for_platforms(request):
    return render(
        request,
        "credit/for_platforms.html",
        {
            "site_url": settings.SITE_URL,
            "demo_key": demo.DEMO_API_KEY if settings.DEBUG else "",
            "refusal": onboarding.may_request_access(request.user),
            "is_platform": getattr(request.user, "role", "") == User.Role.PLATFORM_CLIENT,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def access_request(request):
    refusal = onboarding.may_request_access(request.user)
    form = AccessRequestForm(
        request.POST if request.method == "POST" else None,
        initial={"contact_email": request.user.email, "contact_name": request.user.full_name},
    )
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            onboarding.access_request_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Thank you: your request is waiting for review. We will e-mail you.")
            )
            return redirect("platforms:home")
    status = 400 if request.method == "POST" and (refusal or form.errors) else 200
    return render(
        request,
        "credit/access_request.html",
        {"form": form, "refusal": refusal},
        status=status,
    )


def _keys_page(request, *, form=None, created=None, secret="", status=200):
    try:
        onboarding._require_platform(request.user)
    except PermissionDenied:
        raise Http404 from None
    response = render(
        request,
        "credit/keys.html",
        {
            "keys": onboarding.own_keys(request.user),
            "form": form or KeyCreateForm(),
            "created": created,
            "secret": secret,
            "site_url": settings.SITE_URL,
        },
        status=status,
    )
    if secret:
        add_never_cache_headers(response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def keys(request):
    if request.method == "GET":
        return _keys_page(request)
    form = KeyCreateForm(request.POST)
    if not form.is_valid():
        return _keys_page(request, form=form, status=400)
    try:
        key, secret = onboarding.platform_key_create(
            user=request.user, name=form.cleaned_data["name"]
        )
    except PermissionDenied:
        raise Http404 from None
    return _keys_page(request, created=key, secret=secret)


@login_required
@require_POST
def key_revoke(request, pk: int):
    try:
        key = onboarding.platform_key_revoke(user=request.user, key_id=pk)
    except (PermissionDenied, ApiKey.DoesNotExist):
        raise Http404 from None
    messages.success(request, _("Key %(prefix)s is revoked.") % {"prefix": key.prefix})
    return redirect("platforms:keys")


@login_required
@require_POST
def key_rotate(request, pk: int):
    try:
        key, secret = onboarding.platform_key_rotate(user=request.user, key_id=pk)
    except (PermissionDenied, ApiKey.DoesNotExist):
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("platforms:keys")
    return _keys_page(request, created=key, secret=secret)
