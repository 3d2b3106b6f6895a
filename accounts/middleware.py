"""Staff reach no page before their second factor, when REDRESS_STAFF_OTP_REQUIRED is on."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from . import otp

# What an unverified staff member may still open: the pages that verify them or set up their
# app, signing out, and the language switch (so those pages can be read in either language).
OPEN_VIEWS = frozenset(
    {"login_verify", "two_factor_setup", "logout", "admin:logout", "set_language"}
)


class StaffOTPMiddleware:
    """A middleware rather than django-otp's OTPAdminSite, because staff pages are not only the
    admin: mediators read case files and evidence on the site's own pages too. Every view is
    closed to staff whose session has not passed a second factor; they are sent to set up an
    authenticator app if they have none, or to enter a code. The API is left out: it
    authenticates with API keys, never with the session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not otp.staff_must_verify(user) or user.is_verified():
            return None
        if request.resolver_match.view_name in OPEN_VIEWS or request.path_info.startswith("/api/"):
            return None
        target = "login_verify" if otp.two_factor_enabled(user) else "two_factor_setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
