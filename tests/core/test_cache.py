"""Counting events in a time window: one Redis round trip, or the local-memory cache; while
Redis cannot be reached, in this process alone."""

from __future__ import annotations

import logging
import os
import uuid

import pytest
from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache

from core import cache as core_cache

IN_CI = bool(os.environ.get("CI"))
DEAD_REDIS = "redis://127.0.0.1:9/0"  # the discard port: nothing listens there


def _counts(key: str, cache=None) -> tuple[list[int], float]:
    counts = [core_cache.count_in_window(key, 60, cache=cache)[0] for _ in range(3)]
    _count, left = core_cache.count_in_window(key, 60, cache=cache)
    return counts, left


def _memory() -> LocMemCache:
    return LocMemCache(f"test-{uuid.uuid4().hex}", {})


def _dead_redis():
    from django_redis.cache import RedisCache

    return RedisCache(DEAD_REDIS, {"OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1}})


def test_redis_counts_events_in_a_window_that_starts_with_the_first():
    if not settings.REDIS_URL:
        if IN_CI:
            pytest.fail("CI must set REDIS_URL")
        pytest.skip("REDIS_URL is not set")
    key = f"test:{uuid.uuid4().hex}"

    counts, left = _counts(key)

    assert counts == [1, 2, 3]
    assert 59 < left <= 60
    assert core_cache.count_in_window(f"{key}:other", 60)[0] == 1


def test_the_limits_cache_is_the_one_django_ratelimit_counts_in():
    assert settings.RATELIMIT_USE_CACHE == "limits"
    backend = settings.CACHES["limits"]["BACKEND"]
    if settings.REDIS_URL:
        assert backend == "django_redis.cache.RedisCache"
    else:
        assert backend == "django.core.cache.backends.locmem.LocMemCache"


def test_the_local_memory_cache_counts_the_same_way():
    counts, left = _counts("k", _memory())

    assert counts == [1, 2, 3]
    assert 59 < left <= 60


def test_an_unreachable_redis_counts_in_this_process_and_says_so_once(caplog):
    dead = _dead_redis()

    with caplog.at_level(logging.WARNING, logger="redress.cache"):
        counts, left = _counts("k", dead)
        assert core_cache.count_in_window("other", 60, cache=dead)[0] == 1

    assert counts == [1, 2, 3]
    assert 59 < left <= 60
    warnings = [r for r in caplog.records if r.name == "redress.cache"]
    assert [r.getMessage() for r in warnings] == [
        "Cache unavailable: limits are counted in this process alone until it is back"
    ]


def test_the_local_count_starts_a_new_window_when_one_ends():
    import time
    from unittest import mock

    dead = _dead_redis()
    start = time.monotonic()
    with mock.patch.object(core_cache.time, "monotonic", return_value=start):
        assert core_cache.count_in_window("k", 60, amount=5, cache=dead)[0] == 5
        assert core_cache.count_in_window("k", 60, amount=5, cache=dead)[0] == 10
    with mock.patch.object(core_cache.time, "monotonic", return_value=start + 60):
        count, left = core_cache.count_in_window("k", 60, amount=5, cache=dead)

    assert (count, left) == (5, 60)


def test_events_can_be_counted_several_at_a_time():
    memory = _memory()

    assert [core_cache.count_in_window("k", 60, amount=5, cache=memory)[0] for _ in range(2)] == [
        5,
        10,
    ]
    if settings.REDIS_URL:
        key = f"test:{uuid.uuid4().hex}"
        assert [core_cache.count_in_window(key, 60, amount=5)[0] for _ in range(2)] == [5, 10]
