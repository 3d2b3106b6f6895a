"""Every write of the credit app: recomputation, API keys, webhook deliveries."""

from __future__ import annotations

import json
import logging
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.queue import enqueue_on_commit
from merchants.models import Merchant

from . import cache, method, selectors, webhooks
from .models import ApiKey, CreditSnapshot, Grade, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

# Merchants recomputed per transaction: a few aggregate queries and one bulk insert each, short
# enough that a nightly run never holds locks for long, large enough that the number of
# queries stays small (a million merchants take a thousand batches, not a million queries).
RECOMPUTE_BATCH_SIZE = 1000


@dataclass
class RecomputeResult:
    merchants: int = 0
    snapshots_written: int = 0
    grade_changes: int = 0
    grades: Counter = field(default_factory=Counter)


def credit_recompute(
    *, merchant_ids: list[int] | None = None, now: datetime | None = None
) -> RecomputeResult:
    """Recompute the credit of these merchants, or of every merchant when ``merchant_ids`` is
    None. The incremental task and the nightly full run both come here, so they agree.

    Merchants are taken in ascending id order, in batches, each batch in its own transaction
    (see ``_recompute_batch``); on PostgreSQL every merchant at once is one pass over all the
    cases (``_recompute_everyone``). A merchant whose result did not change keeps its snapshot.
    """
    now = now or timezone.now()
    result = RecomputeResult()
    if merchant_ids is None and connection.vendor == "postgresql":
        _recompute_everyone(now=now, result=result)
    elif merchant_ids is None:
        ids = Merchant.objects.order_by("pk").values_list("pk", flat=True)
        batch: list[int] = []
        for pk in ids.iterator(chunk_size=RECOMPUTE_BATCH_SIZE):
            batch.append(pk)
            if len(batch) == RECOMPUTE_BATCH_SIZE:
                _recompute_batch(batch, now=now, result=result)
                batch = []
        if batch:
            _recompute_batch(batch, now=now, result=result)
    else:
        # Sorted: concurrent runs lock snapshot rows in the same order and cannot deadlock.
        ordered = sorted({int(pk) for pk in merchant_ids})
        for start in range(0, len(ordered), RECOMPUTE_BATCH_SIZE):
            _recompute_batch(ordered[start : start + RECOMPUTE_BATCH_SIZE], now=now, result=result)
    return result


def _same_result(current: dict, rating: method.Rating) -> bool:
    return (
        current["method_version"] == method.METHOD_VERSION
        and current["score"] == rating.score
        and current["grade"] == rating.grade
        and current["case_count"] == rating.case_count
        and current["effective_sample"] == rating.effective_sample
        and current["factors"] == json.loads(json.dumps(rating.factors))
    )


@dataclass(frozen=True)
class _NewSnapshot:
    """A snapshot to insert (plain values: a nightly run makes one per merchant, and a model
    instance each would cost more than computing the rating)."""

    merchant_id: int
    score: int | None
    grade: str
    factors: dict
    case_count: int
    effective_sample: float
    method_version: str
    computed_at: datetime
    is_current: bool = True


def _rate(merchant_inputs: method.MerchantInputs) -> method.Rating:
    return method.rate(
        merchant_inputs,
        half_life_days=method.HALF_LIFE_DAYS,
        min_sample=method.MIN_SAMPLE,
    )


@transaction.atomic
def _recompute_batch(merchant_ids: list[int], *, now: datetime, result: RecomputeResult) -> None:
    if connection.vendor == "postgresql":
        # Waits while a run over every merchant holds the table (_recompute_everyone).
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {_TABLE} IN ROW EXCLUSIVE MODE")
    # Lock the current snapshots first and read the cases after: a concurrent run for the same
    # merchant waits here, then reads what the other committed, so an older result never
    # replaces a newer one.
    current = {
        row["merchant_id"]: row
        for row in CreditSnapshot.objects.select_for_update()
        .filter(merchant_id__in=merchant_ids, is_current=True)
        .order_by("merchant_id")
        .values(
            "merchant_id",
            "score",
            "grade",
            "factors",
            "case_count",
            "effective_sample",
            "method_version",
        )
    }
    inputs = selectors.credit_inputs(merchant_ids, now=now, half_life_days=method.HALF_LIFE_DAYS)
    new: list[_NewSnapshot] = []
    grade_changes: list[tuple[int, str, _NewSnapshot]] = []
    for merchant_id, merchant_inputs in inputs.items():
        rating = _rate(merchant_inputs)
        result.merchants += 1
        result.grades[rating.grade] += 1
        previous = current.get(merchant_id)
        if previous is not None and _same_result(previous, rating):
            continue
        snapshot = _new_snapshot(merchant_id, rating, now)
        new.append(snapshot)
        previous_grade = previous["grade"] if previous else Grade.NOT_RATED
        if previous_grade != rating.grade:
            grade_changes.append((merchant_id, previous_grade, snapshot))
    if not new:
        return
    changed = [s.merchant_id for s in new]
    # One UPDATE retires the old current rows before the insert, so the one-current-snapshot
    # constraint holds at every statement.
    CreditSnapshot.objects.filter(merchant_id__in=changed, is_current=True).update(is_current=False)
    _insert_snapshots(new)
    result.snapshots_written += len(new)
    result.grade_changes += len(grade_changes)
    if grade_changes:
        _queue_grade_change_webhooks(grade_changes)
    transaction.on_commit(lambda: cache.invalidate(changed))


_SNAPSHOT_COLUMNS = (
    "merchant_id",
    "score",
    "grade",
    "factors",
    "case_count",
    "effective_sample",
    "method_version",
    "computed_at",
    "is_current",
)


_TABLE = CreditSnapshot._meta.db_table
# Ratings written to the staging table per COPY in a run over every merchant.
_STAGING_CHUNK = 5000


@transaction.atomic
def _recompute_everyone(*, now: datetime, result: RecomputeResult) -> None:
    """Every merchant in one pass (PostgreSQL): one aggregate over all the cases, read in
    merchant order as the ratings are made; the ratings go to a temporary table with COPY, and
    a few set-based statements retire and insert the snapshots whose result changed.

    Batches of merchants would each read the case tables again (a thousand merchants' cases are
    scattered over all of them); one pass reads them once, as the plain aggregate of
    bench/README.md does. For its duration the snapshot table is locked against other
    recomputations, which wait to read the cases until it has committed.
    """
    staging = "credit_recompute_staging"
    columns = ", ".join(_SNAPSHOT_COLUMNS[:-1])
    with connection.cursor() as cursor:
        # The run can be repeated at any time: a crash in the moment after its commit loses
        # nothing the next run does not redo, so its commit need not wait for the disk.
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute(f"LOCK TABLE {_TABLE} IN SHARE ROW EXCLUSIVE MODE")
        # Left by an earlier run in the same, still open, transaction (tests nest them).
        cursor.execute(f"DROP TABLE IF EXISTS {staging}, credit_recompute_changed")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {staging} (merchant_id bigint PRIMARY KEY, "
            "score smallint, grade varchar(2), factors jsonb, case_count integer, "
            "effective_sample double precision, method_version varchar(20), "
            "computed_at timestamptz) ON COMMIT DROP"
        )
    chunk: list[_NewSnapshot] = []
    inputs = selectors.all_credit_inputs(now=now, half_life_days=method.HALF_LIFE_DAYS)
    for merchant_id, merchant_inputs in inputs:
        rating = _rate(merchant_inputs)
        result.merchants += 1
        result.grades[rating.grade] += 1
        chunk.append(_new_snapshot(merchant_id, rating, now))
        if len(chunk) == _STAGING_CHUNK:
            _copy(staging, chunk, columns=_SNAPSHOT_COLUMNS[:-1])
            chunk = []
    if chunk:
        _copy(staging, chunk, columns=_SNAPSHOT_COLUMNS[:-1])
    with connection.cursor() as cursor:
        # What changed: the same comparison as _same_result, in SQL.
        cursor.execute(
            f"CREATE TEMPORARY TABLE credit_recompute_changed ON COMMIT DROP AS "  # noqa: S608
            f"SELECT s.*, c.grade AS previous_grade FROM {staging} s "
            f"LEFT JOIN {_TABLE} c ON c.merchant_id = s.merchant_id AND c.is_current "
            "WHERE c.id IS NULL OR (c.score, c.grade, c.case_count, c.effective_sample, "
            "c.method_version, c.factors) IS DISTINCT FROM (s.score, s.grade, s.case_count, "
            "s.effective_sample, s.method_version, s.factors)"
        )
        cursor.execute(
            f"UPDATE {_TABLE} c SET is_current = false FROM credit_recompute_changed x "  # noqa: S608
            "WHERE c.merchant_id = x.merchant_id AND c.is_current"
        )
        cursor.execute(
            f"INSERT INTO {_TABLE} ({columns}, is_current) "  # noqa: S608
            f"SELECT {columns}, true FROM credit_recompute_changed"
        )
        result.snapshots_written += cursor.rowcount
        cursor.execute(
            "SELECT merchant_id, coalesce(previous_grade, %s), grade, score, method_version, "
            "computed_at FROM credit_recompute_changed WHERE previous_grade IS DISTINCT FROM "
            "grade AND NOT (previous_grade IS NULL AND grade = %s)",
            [Grade.NOT_RATED, Grade.NOT_RATED],
        )
        grade_changes = [
            (
                merchant_id,
                previous,
                _NewSnapshot(merchant_id, score, grade, {}, 0, 0.0, version, computed_at),
            )
            for merchant_id, previous, grade, score, version, computed_at in cursor.fetchall()
        ]
        cursor.execute("SELECT merchant_id FROM credit_recompute_changed")
        changed = [row[0] for row in cursor.fetchall()]
    result.grade_changes += len(grade_changes)
    if grade_changes:
        _queue_grade_change_webhooks(grade_changes)
    transaction.on_commit(lambda: cache.invalidate(changed))


def _new_snapshot(merchant_id: int, rating: method.Rating, now: datetime) -> _NewSnapshot:
    return _NewSnapshot(
        merchant_id=merchant_id,
        score=rating.score,
        grade=rating.grade,
        factors=rating.factors,
        case_count=rating.case_count,
        effective_sample=rating.effective_sample,
        method_version=method.METHOD_VERSION,
        computed_at=now,
    )


def _copy(table: str, snapshots: list[_NewSnapshot], *, columns=_SNAPSHOT_COLUMNS) -> None:
    """COPY the snapshots' ``columns`` into ``table`` (PostgreSQL)."""
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    # wrap_database_errors: a clash on the one-current-snapshot constraint is Django's
    # IntegrityError, which the tasks retry, as it is for bulk_create.
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.copy(statement) as copy,
    ):
        for s in snapshots:
            values = {name: getattr(s, name) for name in columns}
            values["factors"] = json.dumps(s.factors)
            copy.write_row(tuple(values[name] for name in columns))


def _insert_snapshots(snapshots: list[_NewSnapshot]) -> None:
    """Insert new snapshots: with COPY on PostgreSQL, bulk_create elsewhere.

    A nightly run writes a snapshot for nearly every merchant. bulk_create passes each column
    as an array, and quoting the factors' JSON inside an array literal (every double quote
    escaped, in Python) cost more than everything else the run does; COPY sends the rows as
    they are.
    """
    if connection.vendor != "postgresql":
        CreditSnapshot.objects.bulk_create(
            CreditSnapshot(**{name: getattr(s, name) for name in _SNAPSHOT_COLUMNS})
            for s in snapshots
        )
        return
    _copy(_TABLE, snapshots)


def _queue_grade_change_webhooks(changes: list[tuple[int, str, _NewSnapshot]]) -> None:
    endpoints = list(WebhookEndpoint.objects.filter(active=True).only("pk"))
    if not endpoints:
        return
    merchants = {
        m["pk"]: m
        for m in Merchant.objects.filter(pk__in=[c[0] for c in changes]).values(
            "pk", "public_id", "legal_name", "legal_name_latin", "country"
        )
    }
    deliveries = []
    for merchant_id, previous_grade, snapshot in changes:
        merchant = merchants[merchant_id]
        public_id = str(merchant["public_id"])
        payload = {
            "event": WebhookDelivery.Event.GRADE_CHANGED.value,
            "merchant": {
                "public_id": public_id,
                "legal_name": merchant["legal_name"],
                "legal_name_latin": merchant["legal_name_latin"],
                "country": str(merchant["country"]),
            },
            "previous_grade": str(previous_grade),
            "grade": str(snapshot.grade),
            "score": snapshot.score,
            "method_version": snapshot.method_version,
            "computed_at": snapshot.computed_at.isoformat(),
            "credit_url": settings.SITE_URL
            + reverse("api:merchant-credit", kwargs={"public_id": public_id}),
        }
        deliveries.extend(
            WebhookDelivery(
                endpoint_id=endpoint.pk,
                event=WebhookDelivery.Event.GRADE_CHANGED,
                payload=payload,
            )
            for endpoint in endpoints
        )
    for delivery in WebhookDelivery.objects.bulk_create(deliveries):
        enqueue_on_commit("credit.tasks.deliver_webhook", delivery.pk)


# --- API keys -------------------------------------------------------------------------------

API_KEY_PREFIX = "rdk_"
# Between two writes of last_used_at: a busy client would otherwise write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def generate_api_key() -> str:
    return f"{API_KEY_PREFIX}{secrets.token_hex(4)}.{secrets.token_urlsafe(32)}"


@transaction.atomic
def api_key_create(
    *, client: User, name: str, created_by: User | None, secret: str | None = None
) -> tuple[ApiKey, str]:
    """Issue a key for a platform client. Returns the key row and the secret, which is stored
    only as a hash: the caller shows it once. ``secret`` is for the demo data only."""
    if client.role != User.Role.PLATFORM_CLIENT:
        raise ValueError("API keys are issued to platform clients only.")
    secret = secret or generate_api_key()
    api_key = ApiKey.objects.create(
        client=client,
        name=name,
        prefix=secret.split(".", 1)[0],
        hashed_key=selectors.hash_api_key(secret),
        created_by=created_by,
    )
    return api_key, secret


@transaction.atomic
def api_key_revoke(*, api_key_id: int, now: datetime | None = None) -> ApiKey:
    api_key = ApiKey.objects.select_for_update().get(pk=api_key_id)
    if api_key.revoked_at is None:
        api_key.revoked_at = now or timezone.now()
        api_key.save(update_fields=["revoked_at"])
    # Now rather than on commit: forgetting early only means one more read.
    cache.forget_api_key(api_key.hashed_key)
    return api_key


def api_key_touch(*, api_key: ApiKey, now: datetime | None = None) -> None:
    """Record that the key was used, at most once per LAST_USED_RESOLUTION.

    No lock: the conditional UPDATE lets one of several simultaneous requests write and the
    others match nothing, which is all a last-used time needs.
    """
    now = now or timezone.now()
    if api_key.last_used_at and now - api_key.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiKey.objects.filter(pk=api_key.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ).update(last_used_at=now)
    api_key.last_used_at = now


# --- Webhooks -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryAttempt:
    delivered: bool
    retry: bool
    attempts: int


def webhook_backoff(attempts: int) -> int:
    """Seconds to wait after attempt number ``attempts`` (1, 2, ...) failed."""
    return min(
        settings.CREDIT_WEBHOOK_BACKOFF * 2 ** (attempts - 1), settings.CREDIT_WEBHOOK_BACKOFF_MAX
    )


def webhook_deliver(*, delivery_id: int) -> DeliveryAttempt:
    """Attempt one delivery: sign, POST, record the outcome. Idempotent once delivered.

    The row is locked only to claim the attempt and again to record it, never while the HTTP
    request runs: a slow receiver must not hold a database lock for seconds.
    """
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("endpoint")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.delivered_at is not None:
            return DeliveryAttempt(delivered=delivery is not None, retry=False, attempts=0)
        endpoint = delivery.endpoint
        if not endpoint.active:
            delivery.error = "The endpoint is inactive; nothing was sent."
            delivery.save(update_fields=["error"])
            return DeliveryAttempt(delivered=False, retry=False, attempts=delivery.attempts)
        delivery.attempts += 1
        delivery.last_attempt_at = timezone.now()
        delivery.save(update_fields=["attempts", "last_attempt_at"])
        attempts = delivery.attempts

    outcome = webhooks.post(
        url=endpoint.url,
        secret=endpoint.secret,
        message_id=delivery.webhook_id,
        payload=delivery.payload,
        timeout=settings.CREDIT_WEBHOOK_TIMEOUT,
    )
    retry = not outcome.ok and outcome.transient and attempts < settings.CREDIT_WEBHOOK_MAX_ATTEMPTS
    fields = {"last_status_code": outcome.status, "error": outcome.error}
    if outcome.ok:
        fields["delivered_at"] = timezone.now()
    WebhookDelivery.objects.filter(pk=delivery_id).update(**fields)
    if not outcome.ok:
        logger.warning(
            "Webhook delivery %s attempt %s failed: %s", delivery_id, attempts, outcome.error
        )
    return DeliveryAttempt(delivered=outcome.ok, retry=retry, attempts=attempts)


def webhook_redeliver(*, delivery_ids: list[int]) -> int:
    """Send undelivered deliveries again (staff, from the delivery log). Returns how many."""
    pending = list(
        WebhookDelivery.objects.filter(pk__in=delivery_ids, delivered_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    for pk in pending:
        enqueue_on_commit("credit.tasks.deliver_webhook", pk)
    return len(pending)
