"""Counting events in a time window: one Redis round trip, or the local-memory cache."""

from __future__ import annotations

import logging
import os
import uuid

import pytest
from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache

from core import cache as core_cache

IN_CI = bool(os.environ.get("CI"))


def _counts(key: str) -> tuple[list[int], float]:
    counts = [core_cache.count_in_window(key, 60)[0] for _ in range(3)]
    _count, left = core_cache.count_in_window(key, 60)
    return counts, left


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


def test_the_local_memory_cache_counts_the_same_way(monkeypatch):
    monkeypatch.setattr(core_cache, "cache", LocMemCache(f"test-{uuid.uuid4().hex}", {}))

    counts, left = _counts("k")

    assert counts == [1, 2, 3]
    assert 59 < left <= 60


def test_an_unreachable_redis_counts_nothing_and_refuses_nothing(monkeypatch, caplog):
    from django_redis.cache import RedisCache

    dead = RedisCache("redis://127.0.0.1:9/0", {"OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1}})
    monkeypatch.setattr(core_cache, "cache", dead)

    with caplog.at_level(logging.ERROR, logger="redress.cache"):
        assert core_cache.count_in_window("k", 60) == (1, 60.0)
    assert "Cache unavailable" in caplog.text


def test_events_can_be_counted_several_at_a_time(monkeypatch):
    monkeypatch.setattr(core_cache, "cache", LocMemCache(f"test-{uuid.uuid4().hex}", {}))

    assert [core_cache.count_in_window("k", 60, amount=5)[0] for _ in range(2)] == [5, 10]
    if settings.REDIS_URL:
        monkeypatch.undo()
        key = f"test:{uuid.uuid4().hex}"
        assert [core_cache.count_in_window(key, 60, amount=5)[0] for _ in range(2)] == [5, 10]
