"""The incremental path: a case outcome committed, a real Celery worker recomputes the merchants
it names, and the new snapshot is what the API answers. Measured from the commit to the first
API answer that differs."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

from django.db.models import Count
from django.utils import timezone

from complaints.models import Respondent
from odr import services
from odr.models import Case, CaseState, Settlement

from .results import Result, check

TRIALS = 5
POLL_SECONDS = 0.02
TIMEOUT_SECONDS = 30.0


def _get(url: str, *, secret: str, etag: str | None = None) -> tuple[int, str | None, dict]:
    headers = {"X-Api-Key": secret}
    if etag:
        headers["If-None-Match"] = etag
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status, response.headers["ETag"], json.loads(response.read())
    except urllib.error.HTTPError as error:
        if error.code == 304:
            return 304, etag, {}
        raise


def _cases(count: int) -> list[Case]:
    """Settled cases, due in the future, of merchants with a handful of complaints (the common
    case), one per merchant."""
    small = (
        Respondent.objects.filter(merchant__isnull=False)
        .values("merchant_id")
        .order_by()
        .annotate(n=Count("id"))
        .filter(n__lte=20)
        .values("merchant_id")
    )
    chosen, merchants = [], set()
    candidates = (
        Case.objects.filter(
            state=CaseState.SETTLED,
            # Not one of the overdue cases the sweep measurement moves later.
            deadline_at__gt=timezone.now(),
            settlement__payer=Settlement.Payer.MERCHANT,
            complaint__respondents__merchant_id__in=small,
        )
        .select_related("complaint__consumer")
        .order_by("pk")
    )
    for case in candidates.iterator():
        merchant_ids = set(
            Respondent.objects.filter(
                complaint_id=case.complaint_id, merchant__isnull=False
            ).values_list("merchant_id", flat=True)
        )
        if merchant_ids & merchants:
            continue
        merchants |= merchant_ids
        case.merchant = (
            Respondent.objects.filter(
                complaint_id=case.complaint_id, role=Respondent.Role.SELLER, merchant__isnull=False
            )
            .select_related("merchant")
            .first()
            or Respondent.objects.filter(complaint_id=case.complaint_id, merchant__isnull=False)
            .select_related("merchant")
            .first()
        )
        chosen.append(case)
        if len(chosen) == count:
            break
    return chosen


def measure(server, *, secret: str, log) -> Result:
    trials = []
    for case in _cases(TRIALS):
        url = f"{server.base_url}/api/v1/merchants/{case.merchant.merchant.public_id}/credit/"
        _status, etag, before = _get(url, secret=secret)
        services.settlement_confirm_paid(case_id=case.pk, consumer=case.complaint.consumer)
        committed = time.perf_counter()
        deadline = committed + TIMEOUT_SECONDS
        seen = None
        while time.perf_counter() < deadline:
            status, new_etag, body = _get(url, secret=secret, etag=etag)
            if status == 200 and new_etag != etag:
                seen = time.perf_counter() - committed
                break
            time.sleep(POLL_SECONDS)
        trials.append(
            {
                "case": case.complaint.reference,
                "seconds": round(seen, 3) if seen is not None else None,
                "score_before": before.get("score"),
                "score_after": body.get("score") if seen is not None else None,
            }
        )
        shown = "never (timed out)" if seen is None else f"{seen:.3f} s"
        log(f"  {case.complaint.reference}: visible after {shown}")
    times = [t["seconds"] for t in trials]
    worst = None if None in times or not times else max(times)
    return Result(
        "credit_incremental_visible_after_commit",
        worst,
        "s",
        "<= 2",
        check(worst, "<= 2"),
        {
            "trials": trials,
            "median_seconds": sorted(times)[len(times) // 2] if worst is not None else None,
            "poll_interval_seconds": POLL_SECONDS,
            "value_is": "the slowest of the trials",
        },
    )
