"""The consumer's privacy rights, linked from the account page: the download of their data and
the erasure of their personal data."""

from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from accounts.services import privacy_export_record

from . import forms, selectors, services
from .export import export_stats, export_zip

# Exports read every evidence file and erasure checks a password: a few an hour per account.
PRIVACY_RATE = "10/h"


@login_required
@require_POST
@ratelimit(key="user", rate=PRIVACY_RATE, method="POST", block=True)
def account_export(request):
    """The signed-in user's own data as a zip, streamed; nobody else's (no id in the URL)."""
    user = request.user
    privacy_export_record(user=user, detail=export_stats(user))
    filename = f"redress-data-{timezone.now():%Y-%m-%d}.zip"
    response = StreamingHttpResponse(export_zip(user), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _may_erase(user) -> bool:
    return user.role == user.Role.CONSUMER and not user.is_staff


@login_required
@ratelimit(key="user", rate=PRIVACY_RATE, method="POST", block=True)
def account_erase(request):
    """What erasure does, the complaints that prevent it now, and the confirmation form."""
    user = request.user
    may_erase = _may_erase(user)
    form = forms.ErasureForm(request.POST if request.method == "POST" else None, user=user)
    status = 200
    if request.method == "POST":
        if not may_erase:
            raise Http404
        if form.is_valid():
            try:
                services.consumer_erasure_request(user_id=user.pk)
            except services.ErasureRefused as exc:
                form.add_error(None, exc.message)
                status = 409
            else:
                logout(request)
                return redirect("privacy:account_erased")
        else:
            status = 400
    open_complaints = list(selectors.consumer_open_complaints(user)) if may_erase else []
    return render(
        request,
        "privacy/account_erase.html",
        {"form": form, "may_erase": may_erase, "open_complaints": open_complaints},
        status=status,
    )


@require_GET
def account_erased(request):
    return render(request, "privacy/account_erased.html")
