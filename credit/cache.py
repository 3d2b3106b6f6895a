"""The current credit of each merchant in the Django cache (Redis when REDIS_URL is set)."""

# Entries are plain dicts built from the current snapshot; recomputation deletes the entries of
# the merchants it changed, after commit. A cache outage slows reads down, it never fails them.

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache

from core.cache import kept

from .models import CreditSnapshot

logger = logging.getLogger(__name__)


def _key(merchant_id: int) -> str:
    return f"credit:current:{merchant_id}"


def payload_for(snapshot: CreditSnapshot | None) -> dict:
    """What the API needs of a current snapshot; ``snapshot_id`` None when never computed."""
    if snapshot is None:
        return {"snapshot_id": None}
    return {
        "snapshot_id": snapshot.pk,
        "score": snapshot.score,
        "grade": snapshot.grade,
        "factors": snapshot.factors,
        "case_count": snapshot.case_count,
        "effective_sample": snapshot.effective_sample,
        "method_version": snapshot.method_version,
        "computed_at": snapshot.computed_at,
    }


def current_credits(merchant_ids: Iterable[int]) -> dict[int, dict]:
    """Current credit payloads of these merchants: from this process's memory, then the cache,
    the rest in one query."""
    from . import selectors

    ids = list(dict.fromkeys(merchant_ids))
    result = _current.get(ids)
    wanted = [pk for pk in ids if pk not in result]
    if wanted:
        try:
            found = cache.get_many([_key(pk) for pk in wanted])
        except Exception:  # any cache failure falls back to the database
            logger.warning("Credit cache unavailable; reading snapshots", exc_info=True)
            found = {}
        from_cache = {pk: found[_key(pk)] for pk in wanted if _key(pk) in found}
        result.update(from_cache)
        _current.remember(from_cache)
    missing = [pk for pk in ids if pk not in result]
    if missing:
        snapshots = selectors.current_snapshots(missing)
        fresh = {pk: payload_for(snapshots.get(pk)) for pk in missing}
        result.update(fresh)
        try:
            cache.set_many(
                {_key(pk): value for pk, value in fresh.items()},
                timeout=settings.CREDIT_CACHE_TIMEOUT,
            )
        except Exception:
            logger.warning("Credit cache unavailable; not stored", exc_info=True)
        _current.remember(fresh)
    return result


def current_credit(merchant_id: int) -> dict:
    return current_credits([merchant_id])[merchant_id]


def invalidate(merchant_ids: Iterable[int]) -> None:
    """After a recomputation: the merchants' entries go from the cache, and every process drops
    what it remembered (this one at once, the others at their next check of the generation)."""
    ids = list(merchant_ids)
    try:
        cache.delete_many([_key(pk) for pk in ids])
        cache.set(_GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        logger.warning("Credit cache unavailable; entries expire on their own", exc_info=True)
    # After the shared cache: what this process reads next is the new generation's.
    _current.clear()


class _RememberedCredits:
    """Each web process's copy of current credits it read from the cache, so that a lookup of a
    merchant asked for again needs no round trip to Redis.

    Whether it is still current is one small read of a generation token in the cache, at most
    every CREDIT_MEMORY_CHECK_SECONDS per process: ``invalidate`` replaces the token, and a
    process that sees a new one (or cannot read any: Redis down or flushed) forgets everything.
    So a new snapshot is answered by every process within that time of its commit, and no entry
    is kept longer than CREDIT_MEMORY_SECONDS whatever happens to Redis.
    """

    def __init__(self, *, size: int):
        self.size = size
        self._entries: dict[int, tuple[float, dict]] = {}
        self._generation: str | None = None
        self._checked_at = float("-inf")

    def get(self, merchant_ids: list[int]) -> dict[int, dict]:
        now = time.monotonic()
        if now - self._checked_at >= settings.CREDIT_MEMORY_CHECK_SECONDS:
            self._checked_at = now
            generation = self._read_generation()
            if generation is None or generation != self._generation:
                self._entries = {}
            self._generation = generation
        found = {}
        for pk in merchant_ids:
            entry = self._entries.get(pk)
            if entry is not None and entry[0] > now:
                found[pk] = entry[1]
        return found

    @staticmethod
    def _read_generation() -> str | None:
        try:
            generation = cache.get(_GENERATION_KEY)
            if generation is None:  # the first process to ask, or Redis was flushed
                cache.add(_GENERATION_KEY, uuid.uuid4().hex, timeout=None)
                generation = cache.get(_GENERATION_KEY)
        except Exception:
            return None
        return generation

    def remember(self, payloads: dict[int, dict]) -> None:
        if self._generation is None:  # nothing tells this process when they change
            return
        expires = time.monotonic() + settings.CREDIT_MEMORY_SECONDS
        for pk, payload in payloads.items():
            if len(self._entries) >= self.size:
                self._entries.pop(next(iter(self._entries)), None)
            self._entries[pk] = (expires, payload)

    def clear(self) -> None:
        self._entries = {}
        self._checked_at = float("-inf")


_GENERATION_KEY = "credit:generation"


# --- A merchant page's complaint figures ----------------------------------------------------
# They aggregate every counted case of the merchant: thousands of rows for a busy one, read on
# every visit of its public page. The cache keeps them by the merchant's public id (random, so
# never another merchant's after a database is reset) and its current snapshot: a recomputation
# that writes a new snapshot shows new figures at once; otherwise they expire after
# CREDIT_STATISTICS_CACHE_SECONDS.


def complaint_statistics(public_id, snapshot_id: int | None, load) -> dict:
    """The merchant's figures from the cache, or ``load()`` kept there (a cache failure only
    costs the query)."""
    return kept(
        f"credit:statistics:{public_id}:{snapshot_id or 0}",
        load,
        seconds=settings.CREDIT_STATISTICS_CACHE_SECONDS,
    )


_current = _RememberedCredits(size=100_000)


# --- This process's memory ------------------------------------------------------------------
# A credit lookup needs the API key and the merchant's id on every request; reading them from
# PostgreSQL each time costs more than the rest of the request. Each web process keeps them:
# a merchant's public id never changes owner (merchants are never deleted: their disclosure
# versions protect them), and an API key is read again after CREDIT_API_KEY_CACHE_SECONDS, so
# revoking a key, disabling its account or changing its role takes effect in every process
# within that time (at once in the process that revoked it).


class _Memory:
    """A bounded dict with an optional lifetime per entry (the oldest entries go first)."""

    def __init__(self, *, size: int):
        self.size = size
        self._entries: dict = {}

    def get(self, key, load, *, seconds: float | None = None):
        entry = self._entries.get(key)
        now = time.monotonic()
        if entry is not None and (entry[0] is None or entry[0] > now):
            return entry[1]
        value = load()
        if value is not None:  # unknown keys and ids are not remembered: anyone can send them
            if len(self._entries) >= self.size:
                del self._entries[next(iter(self._entries))]
            self._entries[key] = (None if seconds is None else now + seconds, value)
        return value

    def forget(self, key) -> None:
        self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()


_api_keys = _Memory(size=10_000)
_merchant_ids = _Memory(size=200_000)
# A snapshot never changes once written, so what the API makes of it (its factors explained in
# one language) can be kept by snapshot id as long as the process lives; the most recently
# added few thousand are (a few kilobytes each).
_presented = _Memory(size=5_000)


def api_key(hashed_key: str, load):
    """The ApiKey (with its client) of this hash, from memory for a few seconds."""
    return _api_keys.get(hashed_key, load, seconds=settings.CREDIT_API_KEY_CACHE_SECONDS)


def forget_api_key(hashed_key: str) -> None:
    _api_keys.forget(hashed_key)


def merchant_id(public_id, load) -> int | None:
    """The primary key of the merchant with this public id (None when there is none)."""
    return _merchant_ids.get(str(public_id), load)


def presented(key: tuple, render) -> dict:
    """What the API answers for a snapshot, ``key`` naming everything that answer depends on
    (snapshot id, language, method version, minimum sample)."""
    return _presented.get(key, render)


def clear_memory() -> None:
    """Forget what this process remembered (tests start each from nothing)."""
    _api_keys.clear()
    _merchant_ids.clear()
    _presented.clear()
    _current.clear()
