"""The services the suite is configured for are really there; in CI they must be the real ones."""

from __future__ import annotations

import os
import uuid

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection

IN_CI = bool(os.environ.get("CI"))


@pytest.mark.django_db
def test_database_is_the_configured_one():
    if IN_CI:
        assert connection.vendor == "postgresql", "CI must run on PostgreSQL (DATABASE_URL)"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_redis_cache_and_broker_are_used_when_redis_url_is_set():
    if IN_CI:
        assert settings.REDIS_URL, "CI must set REDIS_URL"
    if not settings.REDIS_URL:
        assert settings.CELERY_BROKER_URL.startswith("filesystem://")
        return
    assert settings.CELERY_BROKER_URL == settings.REDIS_URL
    # A real round trip, not a configuration check: this fails if Redis is unreachable.
    assert redis.Redis.from_url(settings.REDIS_URL).ping()
    key = f"test:{uuid.uuid4()}"
    cache.set(key, "value", 30)
    assert cache.get(key) == "value"
    assert "RedisCache" in settings.CACHES["default"]["BACKEND"]
