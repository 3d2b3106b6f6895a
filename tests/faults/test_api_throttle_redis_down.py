"""Redis stopped under a running API: the per-key rate is still held, in each web process on
its own (a warning says so once), instead of every request being served."""

from __future__ import annotations

import logging

import pytest

from tests.factories import MerchantFactory

pytestmark = [pytest.mark.faults, pytest.mark.django_db]

RATE = 600  # a minute


@pytest.fixture
def limits_on_private_redis(settings, private_redis):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "limits": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": private_redis.url,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        },
    }
    settings.CREDIT_API_RATE = f"{RATE}/minute"
    return private_redis


def test_with_redis_stopped_the_api_rate_is_held_per_process(
    limits_on_private_redis, platform_api_client, caplog
):
    url = f"/api/v1/merchants/{MerchantFactory().public_id}/credit/"
    # 102 requests: 17 whole leases of 6 (1 % of the rate) taken from Redis.
    up = [platform_api_client.get(url).status_code for _ in range(102)]
    assert up == [200] * 102

    limits_on_private_redis.kill()
    with caplog.at_level(logging.WARNING, logger="redress.cache"):
        down = [platform_api_client.get(url).status_code for _ in range(700)]

    # This process alone now counts a fresh window of the rate: 600 served, then 429.
    assert down == [200] * 600 + [429] * 100
    response = platform_api_client.get(url)
    assert response.json()["error"]["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60
    outage = [r.getMessage() for r in caplog.records if r.name == "redress.cache"]
    assert outage == [
        "Cache unavailable: limits are counted in this process alone until it is back"
    ]
