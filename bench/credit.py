"""Credit figures: the full recomputation against a plain SQL aggregate of the same inputs."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from credit.services import credit_recompute

from .results import Result, check

# The baseline: one aggregate over the rows the credit engine reads (respondent, complaint,
# case, settlement), grouped by merchant, one number per merchant written to a table. It reads
# every input column the method reads (dates, outcome, state, settlement, amount, currency,
# category) and weighs each case by its age, as the method does, but computes one sum instead of
# the method's factors.
BASELINE_SQL = """
INSERT INTO bench_baseline (merchant_id, value)
SELECT m.id, coalesce(agg.value, 0)
FROM merchants_merchant m
LEFT JOIN (
    SELECT r.merchant_id,
           sum(power(0.5::float8,
                     greatest(extract(epoch FROM (%(now)s - k.accepted_at))::float8 / 86400.0, 0)
                     / 365.0)
               * (CASE WHEN k.merchant_responded_at <= k.merchant_response_due_at THEN 1 ELSE 0 END
                  + CASE WHEN k.outcome IN ('resolved_by_merchant', 'settled_in_mediation')
                         THEN 1 ELSE 0 END
                  + CASE WHEN s.paid_confirmed_at <= s.due_at THEN 1 ELSE 0 END
                  + CASE WHEN k.state = 'referred' OR k.closed_at IS NULL THEN 0 ELSE 1 END
                  + CASE WHEN c.category = 'fraud' OR (c.currency = 'EUR' AND c.amount > 500)
                         THEN 1 ELSE 0 END)) AS value
    FROM complaints_respondent r
    JOIN complaints_complaint c ON c.id = r.complaint_id
    JOIN odr_case k ON k.complaint_id = c.id
    LEFT JOIN odr_settlement s ON s.case_id = k.id
    WHERE r.merchant_id IS NOT NULL AND k.accepted_at IS NOT NULL
    GROUP BY r.merchant_id
) AS agg ON agg.merchant_id = m.id
"""


def baseline_seconds() -> float:
    """Seconds of the plain aggregate, writing its numbers in one transaction (as the
    recomputation writes its snapshots)."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_baseline")
        cursor.execute(
            "CREATE TABLE bench_baseline (merchant_id bigint PRIMARY KEY, value double precision)"
        )
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(BASELINE_SQL, {"now": timezone.now()})
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_baseline")
    return elapsed


def full_recomputation(log) -> Result:
    # The recomputation ends by dropping cached credit: connect to the cache first, as a
    # running worker is.
    cache.get("bench:warm-up")
    # The baseline runs twice and the faster run counts, so that the recomputation is not
    # compared with a cold cache that it then warms for itself.
    baselines = [baseline_seconds() for _ in range(2)]
    baseline = min(baselines)
    log(f"  plain SQL aggregate: {baselines[0]:.2f} s, {baselines[1]:.2f} s")
    started = time.perf_counter()
    outcome = credit_recompute()
    seconds = time.perf_counter() - started
    log(f"  full recomputation: {seconds:.2f} s ({outcome.snapshots_written:,} snapshots)")
    parts = _parts(log) if connection.vendor == "postgresql" else {}
    ratio = seconds / baseline
    target = "<= 2"
    return Result(
        name="credit_full_recompute_vs_sql_aggregate",
        value=round(ratio, 2),
        unit="ratio",
        target=target,
        passed=check(ratio, target),
        detail={
            "recompute_seconds": round(seconds, 2),
            "sql_aggregate_seconds": round(baseline, 2),
            "sql_aggregate_runs": [round(b, 2) for b in baselines],
            "merchants": outcome.merchants,
            "snapshots_written": outcome.snapshots_written,
            "grades": {str(k): v for k, v in sorted(outcome.grades.items())},
            **parts,
        },
    )


def _parts(log) -> dict:
    """Where a full recomputation's time goes: reading every merchant's inputs (the one pass
    over the cases that the baseline also makes) and rating them (the method, in Python); the
    rest of its time is writing the snapshots."""
    from credit import method, selectors

    now = timezone.now()
    started = time.perf_counter()
    inputs = list(selectors.all_credit_inputs(now=now, half_life_days=method.HALF_LIFE_DAYS))
    read = time.perf_counter() - started
    started = time.perf_counter()
    for _merchant_id, merchant_inputs in inputs:
        method.rate(
            merchant_inputs,
            half_life_days=method.HALF_LIFE_DAYS,
            min_sample=method.MIN_SAMPLE,
        )
    rate = time.perf_counter() - started
    log(f"  of which reading the inputs about {read:.2f} s, rating them {rate:.2f} s")
    return {"read_inputs_seconds": round(read, 2), "rate_seconds": round(rate, 2)}
