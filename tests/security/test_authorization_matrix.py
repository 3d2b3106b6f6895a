"""Every URL of the site, as every role: the answer each must get (tests.security.matrix).

The URL configuration is walked, so a URL added without a row in the matrix fails the first
test; each row is then requested on real objects, by every role, GET and (for forms) POST, and
pages under the language prefix in both languages. Nothing may answer 500.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import transaction
from django.utils import translation

from .matrix import (
    ADMIN_MODEL_PAGES,
    ADMIN_MODELS,
    ADMIN_OTHER,
    SITE,
    Entry,
    admin_model_expectation,
    admin_model_routes,
    admin_model_url,
    url_patterns,
)
from .world import ROLES

pytestmark = pytest.mark.django_db

I18N_ROUTES = {p.route for p in url_patterns() if p.i18n}


def test_every_url_pattern_has_a_row_in_the_matrix():
    routes = {p.route for p in url_patterns()}
    rows = set(SITE) | set(ADMIN_OTHER) | set(admin_model_routes())

    assert sorted(routes - rows) == [], "URL patterns without a row in tests/security/matrix.py"
    assert sorted(rows - routes) == [], "rows of tests/security/matrix.py for no URL pattern"
    registered = {f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry}
    assert set(ADMIN_MODELS) == registered


def test_the_walk_sees_the_language_prefixed_pages_and_the_admin():
    routes = {p.route: p for p in url_patterns()}

    assert routes["complaints/<uuid:public_id>/"].i18n
    assert not routes["api/v1/lookup/"].i18n
    assert "admin/odr/case/<path:object_id>/change/" in routes


def _outcome(response) -> str:
    if response.status_code == 302:
        location = response["Location"]
        if "/admin/login/?next=" in location:
            return "admin-login"
        if "/accounts/login/?next=" in location:
            return "login"
    return str(response.status_code)


def _request(world, role, method, url, data=None, json=False):
    client = world.client_for(role, raise_request_exception=False)
    # Each request in a savepoint that is rolled back: a POST that works (removing evidence,
    # withdrawing an offer) must not change what the next role sees.
    with transaction.atomic():
        if method == "get":
            response = client.get(url)
        elif json:
            response = client.post(url, data, content_type="application/json")
        else:
            response = client.post(url, data or {})
        transaction.set_rollback(True)
    return _outcome(response)


def _check(world, label: str, url: str, expected: dict, method: str, data=None, json=False):
    wrong = []
    for role in ROLES:
        got = _request(world, role, method, url, data, json)
        if got != expected[role]:
            wrong.append(f"{method.upper()} {url} as {role}: got {got}, expected {expected[role]}")
    return wrong


def _urls(route: str, entry: Entry, world) -> list[str]:
    url = entry.url(world)
    if route not in I18N_ROUTES:
        return [url]
    with translation.override("zh-hans"):
        chinese = entry.url(world)
    assert chinese.startswith("/zh-hans/"), chinese
    return [url, chinese]


@pytest.mark.parametrize("route", sorted(SITE | ADMIN_OTHER))
def test_each_role_gets_the_expected_answer(world, route):
    entry = (SITE | ADMIN_OTHER)[route]
    wrong = []
    for url in _urls(route, entry, world):
        wrong += _check(world, route, url, entry.get, "get")
        if entry.post is not None:
            data = entry.post_data(world) if entry.post_data else {}
            wrong += _check(world, route, url, entry.post, "post", data, entry.json)

    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("model", sorted(ADMIN_MODELS))
def test_each_role_gets_the_expected_answer_from_the_admin_pages_of(world, model):
    wrong = []
    for page in ADMIN_MODEL_PAGES:
        url = admin_model_url(model, page, world)
        wrong += _check(world, model, url, admin_model_expectation(model, page), "get")

    assert not wrong, "\n".join(wrong)
