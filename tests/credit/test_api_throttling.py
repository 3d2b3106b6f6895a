"""Per-key throttling: over the rate, 429 with Retry-After; other keys are not affected; with
Redis unreachable, each process still holds the rate (tests/faults: Redis stopped mid-way)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from credit.api import throttling
from credit.services import api_key_create
from tests.factories import MerchantFactory

pytestmark = pytest.mark.django_db


def test_a_key_over_its_rate_gets_429_with_retry_after(settings, platform_api_client):
    settings.CREDIT_API_RATE = "3/minute"
    url = f"/api/v1/merchants/{MerchantFactory().public_id}/credit/"

    statuses = [platform_api_client.get(url).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    response = platform_api_client.get(url)
    assert 0 < int(response["Retry-After"]) <= 60
    error = response.json()["error"]
    assert (error["status"], error["code"]) == (429, "throttled")


def test_the_rate_is_counted_per_key(settings, platform_api_client, platform_client):
    settings.CREDIT_API_RATE = "2/minute"
    url = f"/api/v1/merchants/{MerchantFactory().public_id}/credit/"
    for _ in range(3):
        platform_api_client.get(url)
    _, other_secret = api_key_create(client=platform_client, name="second", created_by=None)

    response = APIClient().get(url, HTTP_X_API_KEY=other_secret)

    assert platform_api_client.get(url).status_code == 429
    assert response.status_code == 200


def test_public_endpoints_are_not_throttled_per_key(settings):
    settings.CREDIT_API_RATE = "1/minute"

    statuses = {APIClient().get("/api/v1/health/").status_code for _ in range(3)}

    assert statuses == {200}


def test_a_leased_rate_serves_exactly_the_rate(settings, platform_api_client):
    # 250 a minute: this process leases 2 requests at a time from the shared counter.
    settings.CREDIT_API_RATE = "250/minute"
    assert throttling.lease_size(250) == 2
    url = f"/api/v1/merchants/{MerchantFactory().public_id}/credit/"

    statuses = [platform_api_client.get(url).status_code for _ in range(252)]

    assert statuses.count(200) == 250
    assert statuses[250:] == [429, 429]


def test_one_round_trip_to_the_counter_per_lease(settings, platform_api_client, monkeypatch):
    settings.CREDIT_API_RATE = "1000/minute"
    calls = []
    counted = throttling.count_in_window

    def spy(key, seconds, amount=1):
        calls.append(amount)
        return counted(key, seconds, amount)

    monkeypatch.setattr(throttling, "count_in_window", spy)
    url = f"/api/v1/merchants/{MerchantFactory().public_id}/credit/"

    for _ in range(25):
        assert platform_api_client.get(url).status_code == 200

    assert calls == [10, 10, 10]


def test_processes_sharing_a_key_never_exceed_its_rate(settings, platform_api_client, monkeypatch):
    """Two web processes (two lease tables) take turns: together they are served no more than
    the rate, and at most one lease less."""
    settings.CREDIT_API_RATE = "300/minute"
    size = throttling.lease_size(300)
    url = f"/api/v1/merchants/{MerchantFactory().public_id}/credit/"
    tables = [{}, {}]

    served = 0
    for i in range(400):
        monkeypatch.setattr(throttling, "_leases", tables[(i // 2) % 2])
        served += platform_api_client.get(url).status_code == 200

    assert 300 - size <= served <= 300


def test_with_redis_unreachable_from_the_start_no_key_gets_more_than_its_rate(
    settings, platform_api_client
):
    dead = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing listens there
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1},
    }
    settings.CACHES = {"default": dead, "limits": dead}
    settings.CREDIT_API_RATE = "600/minute"
    url = f"/api/v1/merchants/{MerchantFactory().public_id}/credit/"

    statuses = [platform_api_client.get(url).status_code for _ in range(700)]

    assert statuses.count(200) == 600
    assert statuses[600:] == [429] * 100
