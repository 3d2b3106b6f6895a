"""The home page and the error pages."""

from __future__ import annotations

import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from .api import error_body, payload_too_large_message

# How long a client is asked to wait when the database cannot be reached: a restart or a
# fail-over takes seconds; asking for more would only keep people away longer than needed.
DATABASE_RETRY_AFTER_SECONDS = 30


class HomeView(TemplateView):
    """The home page. At ``/`` (no language in the address) it is served in the visitor's
    language: the one the switcher chose (its cookie), else the browser's (Accept-Language),
    by a redirect to that language's address, so the address always says the language."""

    template_name = "core/home.html"

    def get(self, request, *args, **kwargs):
        if translation.get_language_from_path(request.path_info) is None:
            preferred = translation.get_language_from_request(request, check_path=False)
            if preferred != settings.LANGUAGE_CODE:
                with translation.override(preferred):
                    response = redirect(reverse("home"))
                patch_vary_headers(response, ("Accept-Language", "Cookie"))
                return response
        response = super().get(request, *args, **kwargs)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    """Django's 500 handler. The exception that brought us here is still the one being handled
    (Django calls this inside its ``except``), so a database that cannot be reached — refused,
    restarting, a connection cut mid-request — is told apart and answered with 503.

    Both pages are rendered without the request: context processors (the signed-in user, the
    unread count) read the database, which may be what just failed.
    """
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable(request)
    return HttpResponse(render_to_string("errors/500.html"), status=500)


def database_unavailable(request):
    """503 with Retry-After: the API's JSON error shape under /api/, a page everywhere else."""
    if request.path.startswith("/api/"):
        response = JsonResponse(
            error_body(
                status=503,
                code="service_unavailable",
                message=_("The service is briefly unavailable. Please try again shortly."),
            ),
            status=503,
        )
    else:
        response = HttpResponse(render_to_string("errors/503.html"), status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    return response


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def bad_request(request, exception=None):
    """Django's 400 handler (every SuspiciousOperation). A body over DATA_UPLOAD_MAX_MEMORY_SIZE
    is told apart: 413, which says what is wrong. Under /api/, the API's JSON error shape."""
    too_big = isinstance(exception, RequestDataTooBig)
    status = 413 if too_big else 400
    if request.path.startswith("/api/"):
        if too_big:
            code, message = "payload_too_large", payload_too_large_message()
        else:
            code, message = "bad_request", _("The request could not be understood.")
        return JsonResponse(error_body(status=status, code=code, message=message), status=status)
    return render(request, f"errors/{status}.html", status=status)


def rate_limited(request, exception=None):
    """Answer of every rate-limited form (django-ratelimit's RATELIMIT_VIEW)."""
    response = render(request, "errors/429.html", status=429)
    response["Retry-After"] = "3600"
    return response
