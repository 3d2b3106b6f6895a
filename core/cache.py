"""Counting events in a time window in the cache (the API's per-key rate), in one round trip."""

from __future__ import annotations

import logging
import time

from django.core.cache import cache

logger = logging.getLogger("redress.cache")


def count_in_window(key: str, seconds: int, amount: int = 1) -> tuple[int, float]:
    """Count ``amount`` more events under ``key`` in a window of ``seconds`` that starts with
    the first event; returns (events in the window so far, seconds until it ends).

    On Redis (django-redis) it is one round trip: SET NX starts the window, INCR counts, PTTL
    says how long it has left. If Redis cannot be reached the event is not counted (as the
    cache's IGNORE_EXCEPTIONS does for every other cache call): a throttle must not turn an
    outage of the cache into an outage of the API. The local-memory cache of the embedded
    default counts the same way, with a second entry for the window's start.
    """
    client = getattr(cache, "client", None)
    if client is not None and hasattr(client, "get_client"):
        name = cache.make_key(key)
        try:
            pipe = client.get_client(write=True).pipeline(transaction=False)
            pipe.set(name, 0, ex=seconds, nx=True)
            pipe.incr(name, amount)
            pipe.pttl(name)
            _started, count, left_ms = pipe.execute()
        except Exception:
            logger.error("Cache unavailable: %s not counted", key, exc_info=True)
            return amount, float(seconds)
        return count, max(left_ms, 0) / 1000
    now = time.time()
    if cache.add(f"{key}:start", now, seconds):
        cache.set(key, 0, seconds)
    try:
        count = cache.incr(key, amount)
    except ValueError:  # the window ended between the two calls: this event starts a new one
        cache.set(f"{key}:start", now, seconds)
        cache.set(key, amount, seconds)
        count = amount
    started = cache.get(f"{key}:start", now)
    return count, max(started + seconds - now, 0.0)
