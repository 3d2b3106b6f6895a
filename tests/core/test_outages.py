"""What a visitor gets when a service behind the site is down, in process (tests/faults runs the
same against real servers): the database unreachable is a clean 503, the cache unreachable is
no error at all, an e-mail the broker cannot take is sent by the process itself."""

from __future__ import annotations

import logging
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import override_settings
from kombu.exceptions import OperationalError as BrokerUnreachable

from core.api import HealthView
from core.queue import enqueue_on_commit
from core.tasks import send_email
from core.views import HomeView

pytestmark = pytest.mark.django_db

# Nothing listens on port 9 (discard) here: every connection is refused at once.
DEAD_REDIS = "redis://127.0.0.1:9/0"


@pytest.fixture
def broken_client(client):
    """A client that gets the handler's page rather than the exception."""
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_page_whose_database_is_unreachable_is_a_503_page(broken_client, error):
    with mock.patch.object(HomeView, "get", side_effect=error("connection refused")):
        response = broken_client.get("/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "Redress is briefly unavailable" in html
    assert "connection refused" not in html
    assert "Traceback" not in html


def test_the_503_page_is_in_the_visitors_language(broken_client):
    with mock.patch.object(HomeView, "get", side_effect=OperationalError("down")):
        response = broken_client.get("/zh-hans/")

    assert response.status_code == 503
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "Redress 暂时无法访问" in html


def test_the_api_answers_503_in_its_error_shape(broken_client):
    with mock.patch.object(HealthView, "get", side_effect=OperationalError("down")):
        response = broken_client.get("/api/v1/health/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "error": {
            "status": 503,
            "code": "service_unavailable",
            "message": "The service is briefly unavailable. Please try again shortly.",
            "fields": {},
        }
    }


def test_a_signed_in_page_with_every_query_failing_is_still_a_clean_503(broken_client, consumer):
    broken_client.force_login(consumer)

    # The session, the user and the header's unread count all need the database.
    with mock.patch.object(CursorWrapper, "execute", side_effect=OperationalError("down")):
        response = broken_client.get("/complaints/")

    assert response.status_code == 503
    assert "Redress is briefly unavailable" in response.content.decode()


def test_any_other_error_is_still_the_500_page(broken_client):
    with mock.patch.object(HomeView, "get", side_effect=ValueError("a bug")):
        response = broken_client.get("/")

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert "Retry-After" not in response


@pytest.fixture
def cache_down(settings):
    """The cache as configured with REDIS_URL (base settings), its Redis unreachable."""
    settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    settings.DJANGO_REDIS_LOGGER = "redress.cache"
    dead = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": DEAD_REDIS,
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1},
    }
    settings.CACHES = {"default": dead, "limits": dead}


def test_the_credit_api_answers_from_the_database_while_the_cache_is_down(
    cache_down, platform_api_client, caplog
):
    from tests.factories import MerchantFactory

    merchant = MerchantFactory()

    with caplog.at_level(logging.ERROR, logger="redress.cache"):
        response = platform_api_client.get(f"/api/v1/merchants/{merchant.public_id}/credit/")

    assert response.status_code == 200
    assert response.json()["merchant"] == str(merchant.public_id)
    assert "Exception ignored" in caplog.text  # the outage is logged


@override_settings(RATELIMIT_ENABLE=True)
def test_rate_limited_forms_stay_open_while_the_cache_is_down(cache_down, client):
    response = client.get("/accounts/register/")

    assert response.status_code == 200


def test_an_email_the_broker_cannot_take_is_sent_by_the_process_itself(
    mailoutbox, caplog, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(send_email, "apply_async", side_effect=BrokerUnreachable("down")),
        caplog.at_level(logging.WARNING, logger="core.queue"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        enqueue_on_commit(send_email, subject="s", body="b", to=["a@example.test"])
        assert mailoutbox == []

    assert [m.to for m in mailoutbox] == [["a@example.test"]]
    assert "broker unreachable" in caplog.text
    assert "done in process instead" in caplog.text


def test_other_work_is_left_to_its_sweep_when_the_broker_is_down(
    django_capture_on_commit_callbacks,
):
    from importlib import import_module

    from celery import current_app

    import_module("odr.tasks")
    task = current_app.tasks["odr.tasks.open_case"]
    with (
        mock.patch.object(task, "apply_async", side_effect=BrokerUnreachable("down")),
        mock.patch.object(task, "run") as run,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        enqueue_on_commit("odr.tasks.open_case", 1)

    assert len(callbacks) == 1  # it was tried
    run.assert_not_called()
