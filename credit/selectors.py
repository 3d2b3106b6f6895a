"""Reads of the credit app: the engine's aggregated inputs, snapshots, keys and merchant lookups."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Power

from complaints.models import Respondent
from merchants.models import Merchant
from merchants.normalize import normalize_registration_number, normalize_shop_url
from odr.models import Outcome
from odr.selectors import credit_case_rows, merchant_case_ratings

from . import cache, counting, method
from .counting import DaysBetween
from .models import ApiKey, CreditSnapshot, Grade


def _float_case(*whens: When, default: float) -> Case:
    return Case(*whens, default=Value(default), output_field=FloatField())


def _severity():
    return _float_case(
        *(When(category=category, then=Value(w)) for category, w in method.SEVERITY.items()),
        default=method.DEFAULT_SEVERITY,
    )


def _amount_weight():
    # The band thresholds converted into each currency, so the comparison stays in SQL: one
    # branch per currency, then its bands (not every currency x band pair tried in turn).
    whens = [
        When(
            currency=currency,
            then=_float_case(
                *(
                    When(amount__gte=Value(Decimal(str(round(euros / rate, 2)))), then=Value(w))
                    for euros, w in method.AMOUNT_BANDS
                ),
                default=method.DEFAULT_AMOUNT_WEIGHT,
            ),
        )
        for currency, rate in method.EUR_PER_UNIT.items()
    ]
    return _float_case(*whens, default=method.DEFAULT_AMOUNT_WEIGHT)


def counted_case_rows(merchant_ids: Iterable[int] | None) -> QuerySet:
    """The cases that count for these merchants (every merchant with None), one row per
    (merchant, case): accepted at screening, neither rejected as unfounded nor withdrawn
    (docs/credit.md, "What counts")."""
    rows = credit_case_rows()
    if merchant_ids is not None:
        rows = rows.filter(merchant_id__in=list(merchant_ids))
    return (
        rows.filter(counting.counted())
        # A merchant named twice on one complaint (as agent and as seller) counts the case once:
        # the row of its first naming. (Respondent rows only: the other naming is on the same
        # complaint, so it has the same case; joining the case here made every batch of the
        # recomputation read all of them.)
        .filter(
            ~Exists(
                Respondent.objects.filter(
                    merchant_id=OuterRef("merchant_id"),
                    complaint_id=OuterRef("complaint_id"),
                    pk__lt=OuterRef("pk"),
                )
            )
        )
    )


def credit_inputs(
    merchant_ids: Iterable[int], *, now: datetime, half_life_days: float
) -> dict[int, method.MerchantInputs]:
    """The method's inputs of these merchants, in two queries whatever their number.

    One aggregate query over ``odr.selectors.credit_case_rows()`` grouped by merchant computes
    every decayed sum and count (see _sum_per_merchant); one more reads the merchants' own
    fields. A merchant without cases gets empty sums.
    """
    return dict(_credit_inputs(list(merchant_ids), now=now, half_life_days=half_life_days))


def all_credit_inputs(
    *, now: datetime, half_life_days: float
) -> Iterator[tuple[int, method.MerchantInputs]]:
    """Every merchant's inputs, in merchant id order: one pass over all the cases (the nightly
    recomputation), read as it goes, so the whole directory is never in memory at once."""
    return _credit_inputs(None, now=now, half_life_days=half_life_days)


def _credit_inputs(
    merchant_ids: list[int] | None, *, now: datetime, half_life_days: float
) -> Iterator[tuple[int, method.MerchantInputs]]:
    now_value = Value(now, output_field=DateTimeField())
    age_days = Greatest(DaysBetween(now_value, F("accepted_at")), Value(0.0))
    decay = Power(Value(0.5), age_days / Value(float(half_life_days)))
    mass = decay * _severity() * _amount_weight()

    # An open case counts for responsiveness once the answer is known: the merchant answered,
    # or the deadline passed without an answer.
    responsiveness = counting.answer_known(now=now)
    on_time = counting.answered_in_time(now=now)
    decided = counting.decided()
    resolved = counting.resolved(closed=False)
    # A settlement counts once it is paid or overdue; compensation in advance means the merchant
    # did not pay.
    advance = Q(outcome=Outcome.COMPENSATED_IN_ADVANCE)
    fulfilment = advance | (
        Q(settlement_due_at__isnull=False)
        & (Q(settlement_paid_at__isnull=False) | Q(settlement_due_at__lt=now))
    )
    fulfilled = (
        fulfilment
        & ~advance
        & Q(settlement_paid_at__isnull=False, settlement_paid_at__lte=F("settlement_due_at"))
    )
    counted = responsiveness | decided | fulfilment

    # One row per case that counts, with its weights and what it counts for, each computed
    # once; the sums below add them up per merchant.
    per_case = {
        "decay": decay,
        "mass": mass,
        "counted": counted,
        "sampled": responsiveness | decided,
        "responsiveness": responsiveness,
        "on_time": on_time,
        "decided": decided,
        "resolved": resolved,
        "fulfilment": fulfilment,
        "fulfilled": fulfilled,
    }
    merchants = Merchant.objects.order_by("pk")
    if merchant_ids is not None:
        merchants = merchants.filter(pk__in=merchant_ids)
    rows = (
        counted_case_rows(merchant_ids)
        .annotate(
            **{
                f"case_{name}": value
                if name in ("decay", "mass")
                else ExpressionWrapper(value, output_field=BooleanField())
                for name, value in per_case.items()
            }
        )
        .values("merchant_id", *(f"case_{name}" for name in per_case))
        .order_by()
    )
    merchants = merchants.values_list(
        "pk", "completeness", "verification_state", "annual_order_volume"
    )
    if merchant_ids is None:
        sums = _sum_per_merchant(rows, ordered=True)
        merchants = merchants.iterator(chunk_size=5000)
    else:
        sums = iter(sorted(_sum_per_merchant(rows).items()))
    pending = next(sums, None)
    for pk, completeness, verification_state, volume in merchants:
        # Both are in merchant id order; a merchant without a counted case has no sums row.
        row = {}
        while pending is not None and pending[0] < pk:
            pending = next(sums, None)
        if pending is not None and pending[0] == pk:
            row = {k: (v or 0) for k, v in pending[1].items()}
            pending = next(sums, None)
        yield (
            pk,
            method.MerchantInputs(
                completeness=completeness,
                verification_state=verification_state,
                annual_order_volume=volume,
                **row,
            ),
        )


# What credit_inputs adds up per merchant: (name, aggregate, weight column, condition column).
_SUMS = (
    ("case_count", "COUNT", None, "counted"),
    ("sample_weight", "SUM", "decay", "sampled"),
    ("responsiveness_cases", "COUNT", None, "responsiveness"),
    ("responsiveness_on_time_cases", "COUNT", None, "on_time"),
    ("responsiveness_weight", "SUM", "decay", "responsiveness"),
    ("responsiveness_on_time_weight", "SUM", "decay", "on_time"),
    ("decided_cases", "COUNT", None, "decided"),
    ("resolved_cases", "COUNT", None, "resolved"),
    ("decided_weight", "SUM", "decay", "decided"),
    ("decided_mass", "SUM", "mass", "decided"),
    ("resolved_mass", "SUM", "mass", "resolved"),
    ("fulfilment_cases", "COUNT", None, "fulfilment"),
    ("fulfilled_cases", "COUNT", None, "fulfilled"),
    ("fulfilment_weight", "SUM", "decay", "fulfilment"),
    ("fulfilled_weight", "SUM", "decay", "fulfilled"),
)


def _sum_per_merchant(rows: QuerySet, *, ordered: bool = False):
    """The conditional sums of _SUMS over ``rows`` (one row per case, from credit_inputs),
    grouped by merchant, in one query: {merchant id: sums}, or with ``ordered`` an iterator of
    (merchant id, sums) in merchant id order, fetched in chunks from a server-side cursor.

    The ORM would repeat each weight's expression (the decay's power, the amount bands) in every
    aggregate that uses it, for every row; summing the columns of a subquery computes each once
    per case, which makes the nightly recomputation several times cheaper.
    """
    inner, params = rows.query.sql_with_params()
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        # Keeps PostgreSQL from folding the subquery back in (and its expressions with it).
        inner += " OFFSET 0"
    columns = ", ".join(
        f"{function}({'*' if weight is None else 'r.' + quote('case_' + weight)}) "
        f"FILTER (WHERE r.{quote('case_' + condition)}) AS {quote(name)}"
        for name, function, weight, condition in _SUMS
    )
    sql = f"SELECT r.merchant_id, {columns} FROM ({inner}) r GROUP BY r.merchant_id"  # noqa: S608
    names = [s[0] for s in _SUMS]
    if not ordered:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {row[0]: dict(zip(names, row[1:], strict=True)) for row in cursor}
    return _stream(sql + " ORDER BY r.merchant_id", params, names)


def _stream(sql: str, params, names: list[str]) -> Iterator[tuple[int, dict]]:
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(5000):
            for row in rows:
                yield row[0], dict(zip(names, row[1:], strict=True))


# --- Snapshots ------------------------------------------------------------------------------


def current_snapshots(merchant_ids: Iterable[int]) -> dict[int, CreditSnapshot]:
    return {
        s.merchant_id: s
        for s in CreditSnapshot.objects.filter(merchant_id__in=list(merchant_ids), is_current=True)
    }


def with_current_grade(merchants: QuerySet[Merchant]) -> QuerySet[Merchant]:
    """Annotate ``credit_grade`` (NR when never computed) and ``credit_score`` from each
    merchant's current snapshot, in the same query."""
    # order_by(): one current snapshot per merchant, and the model's ordering would join the
    # merchant again in each subquery.
    current = CreditSnapshot.objects.filter(merchant=OuterRef("pk"), is_current=True).order_by()
    return merchants.annotate(
        credit_grade=Coalesce(Subquery(current.values("grade")[:1]), Value(Grade.NOT_RATED.value)),
        credit_score=Subquery(current.values("score")[:1]),
    )


def merchants_with_grade(merchants: QuerySet[Merchant], grade: str) -> QuerySet[Merchant]:
    """Merchants whose current grade is ``grade``; NR also matches merchants never computed."""
    current = CreditSnapshot.objects.filter(merchant=OuterRef("pk"), is_current=True)
    if grade == Grade.NOT_RATED:
        return merchants.exclude(Exists(current.exclude(grade=Grade.NOT_RATED)))
    return merchants.filter(Exists(current.filter(grade=grade)))


def snapshot_history(merchant_id: int) -> QuerySet[CreditSnapshot]:
    """Every snapshot of a merchant, newest first (the score over time)."""
    return CreditSnapshot.objects.filter(merchant_id=merchant_id).order_by("-computed_at", "-pk")


# --- The merchant page -----------------------------------------------------------------------


def complaint_statistics(merchant_id: int) -> dict:
    """The complaints that count for a merchant's credit (the same cases as its score, without
    decay), in figures: counts by category, how many were decided and resolved, the median days
    from acceptance to resolution, and consumers' ratings of how cases were handled.

    Three queries whatever the number of cases (two when nothing was resolved)."""
    rows = counted_case_rows([merchant_id])
    decided = counting.decided()
    resolved = counting.resolved()
    by_category = list(
        rows.values("category")
        .order_by()
        .annotate(
            count=Count("pk"),
            decided=Count("pk", filter=decided),
            resolved=Count("pk", filter=resolved),
        )
        .order_by("-count", "category")
    )
    total = sum(row["count"] for row in by_category)
    decided_count = sum(row["decided"] for row in by_category)
    resolved_count = sum(row["resolved"] for row in by_category)
    median_days = counting.median_days(
        rows.filter(resolved), resolved_count, later="closed_at", earlier="accepted_at"
    )
    return {
        "total": total,
        "by_category": [{"category": r["category"], "count": r["count"]} for r in by_category],
        "decided": decided_count,
        "resolved": resolved_count,
        "resolution_rate": resolved_count / decided_count if decided_count else None,
        "median_days_to_resolve": median_days,
        "ratings": merchant_case_ratings([merchant_id]).get(merchant_id),
    }


# --- API keys -------------------------------------------------------------------------------


def hash_api_key(secret: str) -> str:
    # The secret is 256 random bits, so a fast hash is enough: nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


def api_key_for_secret(secret: str) -> ApiKey | None:
    """The key (with its client) whose secret this is; kept in this process's memory for
    CREDIT_API_KEY_CACHE_SECONDS (credit.cache)."""
    hashed = hash_api_key(secret)
    return cache.api_key(
        hashed, lambda: ApiKey.objects.select_related("client").filter(hashed_key=hashed).first()
    )


def merchant_id_for_public_id(public_id) -> int | None:
    return cache.merchant_id(
        public_id,
        lambda: Merchant.objects.filter(public_id=public_id).values_list("pk", flat=True).first(),
    )


# --- Merchant lookups for the API -----------------------------------------------------------


# What the lookups answer with (credit.api.serializers.merchant_summary and its key).
_SUMMARY_FIELDS = (
    "public_id",
    "legal_name",
    "legal_name_latin",
    "trade_names",
    "country",
    "registration_number",
    "website",
    "verification_state",
    "completeness",
    "disclosure_version",
    "updated_at",
)


def merchants_for_api() -> QuerySet[Merchant]:
    return Merchant.objects.only(*_SUMMARY_FIELDS).prefetch_related("roles")


def merchant_by_url(raw_url: str) -> Merchant | None:
    """The merchant behind a shop or product link (raises InvalidURL for a malformed one)."""
    normalized = normalize_shop_url(raw_url)
    return merchants_for_api().filter(shops__url_normalized=normalized).order_by("pk").first()


def merchant_by_registration(country: str, registration_number: str) -> Merchant | None:
    """Raises InvalidRegistrationNumber for a number no registry uses."""
    normalized = normalize_registration_number(registration_number)
    return (
        merchants_for_api()
        .filter(country=country, registration_number_normalized=normalized)
        .order_by("pk")
        .first()
    )


def merchants_by_public_ids(public_ids: Iterable) -> dict[str, Merchant]:
    return {str(m.public_id): m for m in merchants_for_api().filter(public_id__in=list(public_ids))}
