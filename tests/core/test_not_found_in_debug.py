"""Under the development settings (DEBUG on, `make run`) a 404 is the site's own page, never
Django's debug page with its list of every URL pattern; a 500 keeps the debug traceback."""

from __future__ import annotations

import uuid

import pytest

from tests.config.test_settings import _manage

pytestmark = pytest.mark.django_db

OUR_PAGE = "There is nothing at this address"
DEBUG_PAGE = "URLconf"  # Django's debug 404: "Using the URLconf defined in config.urls, ..."


@pytest.fixture
def local_debug(settings):
    """What config.settings.local adds to the test settings that matters here."""
    settings.DEBUG = True
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "core.middleware.NotFoundPageMiddleware"]


def test_an_unknown_address_shows_our_404_page_not_the_url_list(client, local_debug):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert OUR_PAGE in html
    assert DEBUG_PAGE not in html
    assert "admin/" not in html.split("<main", 1)[-1]  # no URL pattern listed


def test_a_view_that_raises_not_found_shows_our_page_in_the_visitors_language(client, local_debug):
    response = client.get(f"/zh-hans/merchants/{uuid.uuid4()}/")

    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert DEBUG_PAGE not in html
    assert "Traceback" not in html


def test_the_apis_own_json_404_is_left_as_it_is(client, local_debug):
    response = client.get("/api/v1/no-such-endpoint/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_a_missing_slash_is_still_redirected(client, local_debug):
    response = client.get("/merchants")

    assert response.status_code == 301
    assert response.url == "/merchants/"


def test_without_the_middleware_debug_shows_djangos_page(client, settings):
    # What the middleware is for: the test fails here if Django stops listing the patterns.
    settings.DEBUG = True

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert DEBUG_PAGE in response.content.decode()


PROBE = """
from django.test import Client
from django.conf import settings
response = Client(SERVER_NAME="127.0.0.1").get("/no-such-page/", HTTP_HOST="127.0.0.1")
html = response.content.decode()
print(settings.DEBUG, response.status_code, "There is nothing at this address" in html,
      "URLconf" in html)
"""


def test_the_local_settings_of_make_run_show_our_404_page(tmp_path):
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "REDRESS_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }

    result = _manage("shell", "-c", PROBE, env=env, unset=("REDIS_URL", "CELERY_BROKER_URL"))

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True 404 True False"
