"""The current credit of each merchant in the Django cache (Redis when REDIS_URL is set)."""

# Entries are plain dicts built from the current snapshot; recomputation deletes the entries of
# the merchants it changed, after commit. A cache outage slows reads down, it never fails them.

from __future__ import annotations

import logging
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
