"""Every URL that takes a browser form refuses a POST without a CSRF token.

The URL configuration is walked (tests.security.matrix), so a new view is covered as soon as it
has its row. Each is posted to without a token, as a role the matrix lets through, with Django's
test client enforcing CSRF checks as a browser's requests are: the answer must be the CSRF
failure. The API is the one exception, by design: it authenticates only by API key, never by a
cookie, so a forged cross-site request has nothing to ride on.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from credit.api.authentication import ApiKeyAuthentication

from .matrix import (
    ADMIN_OTHER,
    SITE,
    admin_model_routes,
    admin_model_url,
    url_patterns,
)
from .world import ROLES

pytestmark = pytest.mark.django_db

REFUSED = {"401", "403", "404", "405", "login", "admin-login"}
PATTERNS = url_patterns()
BROWSER_ROUTES = sorted(p.route for p in PATTERNS if not p.route.startswith("api/"))
API_ROUTES = sorted(p.route for p in PATTERNS if p.route.startswith("api/"))


def _url_and_role(route, world):
    """A concrete URL of the pattern and a role that may use it (for a form, the role whose
    POST the matrix lets through)."""
    admin_pages = admin_model_routes()
    if route in admin_pages:
        return admin_model_url(*admin_pages[route], world), "superuser"
    entry = (SITE | ADMIN_OTHER)[route]
    for table in (entry.post, entry.get):
        for role in ROLES if table else ():
            if table[role] not in REFUSED:
                return entry.url(world), role
    return entry.url(world), "superuser"


def _post(world, role, url, **kwargs):
    client = world.client_for(role, enforce_csrf_checks=True, raise_request_exception=False)
    with transaction.atomic():
        response = client.post(url, {"anything": "1"}, **kwargs)
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("route", BROWSER_ROUTES)
def test_a_post_without_a_csrf_token_is_refused(world, route):
    url, role = _url_and_role(route, world)

    response = _post(world, role, url)

    assert response.status_code == 403, (url, role, response.status_code)
    assert "CSRF verification failed" in response.content.decode()


def test_no_browser_view_is_exempt_from_csrf():
    exempt = [p.route for p in PATTERNS if getattr(p.callback, "csrf_exempt", False)]

    assert sorted(exempt) == API_ROUTES


@pytest.mark.parametrize("route", API_ROUTES)
def test_the_api_never_authenticates_by_cookie(route):
    [pattern] = [p for p in PATTERNS if p.route == route]
    view = pattern.callback.cls
    authenticators = view.authentication_classes

    assert all(issubclass(a, ApiKeyAuthentication) for a in authenticators), authenticators


def test_a_signed_in_browser_cannot_post_to_the_api_with_its_cookie(world):
    response = _post(
        world,
        "superuser",
        "/api/v1/lookup/bulk/",
        content_type="application/json",
    )

    assert response.status_code == 401


@pytest.mark.parametrize(
    "route",
    ["accounts/logout/", "notifications/read-all/", "i18n/setlang/", "accounts/password/reset/"],
)
def test_the_same_post_with_the_token_goes_through(world, route):
    """The control: what the tests above refuse is the missing token, nothing else."""
    url, role = _url_and_role(route, world)
    client = world.client_for(role, enforce_csrf_checks=True, raise_request_exception=False)
    client.get("/")  # the page's forms set the CSRF cookie
    token = client.cookies["csrftoken"].value
    with transaction.atomic():
        response = client.post(url, {"csrfmiddlewaretoken": token, "email": "a@example.test"})
        transaction.set_rollback(True)

    assert response.status_code in (200, 302), response.status_code
