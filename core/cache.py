"""Counting events in a time window in the limits cache (the API's per-key rate), in one round
trip; counted in this process alone while Redis cannot be reached. ``kept``: a computed value
kept in the default cache for some seconds."""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.core.cache import caches

logger = logging.getLogger("redress.cache")

# While Redis cannot be reached: {key: [window end (time.monotonic()), events]} of this process.
_local: dict[str, list] = {}
_local_lock = threading.Lock()
# Past this many keys, windows that have ended are dropped (one entry per API key and window).
_LOCAL_PRUNE_AT = 10_000
_outage = False


def kept_cache():
    """The cache ``kept`` stores in (the default one: Redis, or files or memory)."""
    return caches["default"]


def kept(key: str, compute, *, seconds: int):
    """``compute()``, kept in the cache under ``key`` for ``seconds`` (0: computed every time).
    A cache that cannot be reached only costs the computation; None is never kept."""
    if not seconds:
        return compute()
    cache = kept_cache()
    try:
        found = cache.get(key)
    except Exception:  # any cache failure: computed, as if nothing were kept
        logger.warning("Cache unavailable; computing %s", key, exc_info=True)
        found = None
    if found is not None:
        return found
    value = compute()
    try:
        cache.set(key, value, timeout=seconds)
    except Exception:
        logger.warning("Cache unavailable; %s not kept", key, exc_info=True)
    return value


def limits_cache():
    """The cache every limit counts in (settings.RATELIMIT_USE_CACHE: Redis, or memory)."""
    return caches[settings.RATELIMIT_USE_CACHE]


def count_in_window(key: str, seconds: int, amount: int = 1, *, cache=None) -> tuple[int, float]:
    """Count ``amount`` more events under ``key`` in a window of ``seconds`` that starts with
    the first event; returns (events in the window so far, seconds until it ends).

    On Redis (django-redis) it is one round trip: SET NX starts the window, INCR counts, PTTL
    says how long it has left. If Redis cannot be reached the events are counted in this
    process's memory instead (a warning is logged once per outage): each process then holds
    the limit on its own, so with P web processes a key may be served up to P times its rate,
    but never without limit. The local-memory cache of the embedded default counts the same
    way, with a second entry for the window's start.
    """
    cache = limits_cache() if cache is None else cache
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
            return _count_locally(key, seconds, amount)
        _outage_over()
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


def _count_locally(key: str, seconds: int, amount: int) -> tuple[int, float]:
    global _outage
    if not _outage:
        _outage = True
        logger.warning(
            "Cache unavailable: limits are counted in this process alone until it is back",
            exc_info=True,
        )
    now = time.monotonic()
    with _local_lock:
        window = _local.get(key)
        if window is None or window[0] <= now:
            if len(_local) >= _LOCAL_PRUNE_AT:
                for ended in [k for k, (end, _) in _local.items() if end <= now]:
                    del _local[ended]
            window = _local[key] = [now + seconds, 0]
        window[1] += amount
        return window[1], window[0] - now


def _outage_over() -> None:
    global _outage
    if _outage:
        _outage = False
        with _local_lock:
            _local.clear()
        logger.warning("Cache reachable again: limits are counted in it again")


def forget_local_counts() -> None:
    """Drop this process's fallback counts and outage state (tests start from nothing)."""
    global _outage
    _outage = False
    with _local_lock:
        _local.clear()
