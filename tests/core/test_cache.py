"""The cache helpers: one Redis client kept per pool, and counting events in a time window."""

from __future__ import annotations

import os
import uuid

import pytest
from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache

from core import cache as core_cache
from core.cache import RedisCache

IN_CI = bool(os.environ.get("CI"))


def _redis() -> RedisCache:
    if not settings.REDIS_URL:
        if IN_CI:
            pytest.fail("CI must set REDIS_URL")
        pytest.skip("REDIS_URL is not set")
    return RedisCache(settings.REDIS_URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})


def test_the_redis_cache_keeps_its_client():
    backend = _redis()

    backend.set("key", {"a": 1})

    assert backend.get("key") == {"a": 1}
    assert backend._cache.get_client(write=True) is backend._cache.get_client(write=True)


def test_redis_counts_events_in_a_window_that_starts_with_the_first():
    backend = _redis()

    counts = [backend.count_in_window("k", 60)[0] for _ in range(3)]
    _count, left = backend.count_in_window("k", 60)

    assert counts == [1, 2, 3]
    assert 59 < left <= 60
    assert backend.count_in_window("other", 60)[0] == 1


def test_the_local_memory_cache_counts_the_same_way(monkeypatch):
    local = LocMemCache(f"test-{uuid.uuid4().hex}", {})
    monkeypatch.setattr(core_cache, "cache", local)

    counts = [core_cache.count_in_window("k", 60)[0] for _ in range(3)]
    _count, left = core_cache.count_in_window("k", 60)

    assert counts == [1, 2, 3]
    assert 59 < left <= 60
