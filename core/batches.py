"""Sweeps over many rows, for the periodic Celery tasks: a batch of rows locked, handled and
committed at a time, and a batch handler that isolates each row's failure."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction
from django.db.models import QuerySet

logger = logging.getLogger(__name__)


def in_batches(
    queryset: QuerySet,
    handle_batch: Callable[[list[int]], int],
    *,
    batch_size: int,
    max_batches: int,
) -> int:
    """Lock up to ``batch_size`` rows that no other sweep holds, handle them, commit; repeat,
    at most ``max_batches`` times. Returns what the handler counted.

    ``skip_locked`` lets two sweeps (a slow run overlapping the next, or two beat processes by
    mistake) share the work instead of doing it twice or waiting for each other.
    """
    done: set[int] = set()
    acted = 0
    for _ in range(max_batches):
        with transaction.atomic():
            ids = list(
                queryset.exclude(pk__in=done)
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[:batch_size]
            )
            if ids:
                acted += handle_batch(ids)
            done.update(ids)
        if len(ids) < batch_size:
            break
    return acted


def one_by_one(label: str, handle: Callable[[int], object]) -> Callable[[list[int]], int]:
    """A batch handler that handles each row on its own: each service runs in its own
    savepoint, so one failing row is logged and rolled back alone and the others commit.
    ``label`` names the rows in the log."""

    def run(ids: list[int]) -> int:
        acted = 0
        for pk in ids:
            try:
                if handle(pk):
                    acted += 1
            except Exception:
                logger.exception("Sweep failed on %s %s", label, pk)
        return acted

    return run
