"""The deadline sweep on the full dataset: seconds to move every overdue case, and the SQL
queries of each batch (one batch starts with the sweep's SELECT ... FOR UPDATE SKIP LOCKED)."""

from __future__ import annotations

import statistics
import time

from django.db import connection
from django.utils import timezone

from odr import selectors, tasks

from .results import Result, check


class BatchCounter:
    """Counts the queries between two batch-locking statements of the case sweep."""

    def __init__(self):
        self.batches: list[int] = []
        self._current: int | None = None

    def __call__(self, execute, sql, params, many, context):
        if "SKIP LOCKED" in sql:
            # Only the batches of the overdue-case phase are counted: the other phases
            # (opening missing cases, reminders) lock other rows with their own statement.
            if self._current is not None:
                self.batches.append(self._current)
            overdue = '"odr_case"."deadline_at" <=' in sql and '"deadline_at" >' not in sql
            self._current = 1 if overdue else None
        elif self._current is not None:
            self._current += 1
        return execute(sql, params, many, context)

    def close(self) -> None:
        if self._current is not None:
            self.batches.append(self._current)
            self._current = None


def _warm_up() -> None:
    """What a long-running worker has done once already: the URL resolver and each language's
    catalogue loaded (the first notice in a language pays for both)."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            reverse("odr:case_detail", kwargs={"reference": "RD-2026-000001"})
            reverse("admin:odr_case_change", args=[1])
            str(translation.gettext_lazy("Case %(reference)s is now in mediation."))


def measure(*, log) -> list[Result]:
    _warm_up()
    overdue = selectors.cases_overdue(timezone.now()).count()
    counter = BatchCounter()
    runs = []
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        while True:
            result = tasks.sweep_deadlines()
            runs.append(result)
            if result["expired"] == 0:
                break
    seconds = time.perf_counter() - started
    counter.close()
    left = selectors.cases_overdue(timezone.now()).count()
    # The last batch of each run is partial (and the final run finds nothing): only full
    # batches show whether the number of queries depends on what the cases hold.
    full = [n for n in counter.batches if n > 1][:-1] or counter.batches
    per_10k = seconds * 10_000 / overdue if overdue else None
    constant = len(set(full)) == 1
    log(
        f"  {overdue:,} overdue cases moved in {seconds:.2f} s ({len(runs)} sweeps, "
        f"{len(counter.batches)} batches; queries per batch {min(full)}-{max(full)})"
    )
    return [
        Result(
            "deadline_sweep_10000_overdue",
            round(per_10k, 2) if per_10k is not None else None,
            "s",
            "<= 10",
            check(per_10k, "<= 10") and left == 0,
            {
                "overdue_cases": overdue,
                "seconds": round(seconds, 2),
                "seconds_per_10000": round(per_10k, 2) if per_10k is not None else None,
                "left_overdue": left,
                "sweeps": len(runs),
                "expired": sum(r["expired"] for r in runs),
                "batch_size": tasks.SWEEP_BATCH_SIZE,
            },
        ),
        Result(
            "deadline_sweep_queries_per_batch",
            max(full),
            "queries",
            "constant",
            constant,
            {
                "batches": len(counter.batches),
                "min": min(full),
                "max": max(full),
                "median": statistics.median(full),
                "per_case": round(statistics.mean(full) / tasks.SWEEP_BATCH_SIZE, 1),
            },
        ),
    ]
