"""The home page and the error pages."""

from __future__ import annotations

from django.shortcuts import render
from django.views.generic import TemplateView


class HomeView(TemplateView):
    template_name = "core/home.html"


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return render(request, "errors/500.html", status=500)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def rate_limited(request, exception=None):
    """Answer of every rate-limited form (django-ratelimit's RATELIMIT_VIEW)."""
    response = render(request, "errors/429.html", status=429)
    response["Retry-After"] = "3600"
    return response
