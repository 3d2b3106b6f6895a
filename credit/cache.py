"""The current credit of each merchant in the Django cache (Redis when REDIS_URL is set)."""

# Entries are plain dicts built from the current snapshot; recomputation deletes the entries of
# the merchants it changed, after commit. A cache outage slows reads down, it never fails them.

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache

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
    """Current credit payloads of these merchants: from the cache, the rest in one query."""
    from . import selectors

    ids = list(dict.fromkeys(merchant_ids))
    try:
        found = cache.get_many([_key(pk) for pk in ids])
    except Exception:  # any cache failure falls back to the database
        logger.warning("Credit cache unavailable; reading snapshots", exc_info=True)
        found = {}
    result = {pk: found[_key(pk)] for pk in ids if _key(pk) in found}
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
    return result


def current_credit(merchant_id: int) -> dict:
    return current_credits([merchant_id])[merchant_id]


def invalidate(merchant_ids: Iterable[int]) -> None:
    try:
        cache.delete_many([_key(pk) for pk in merchant_ids])
    except Exception:
        logger.warning("Credit cache unavailable; entries expire on their own", exc_info=True)


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
