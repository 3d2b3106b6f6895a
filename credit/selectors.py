"""Reads of the credit app: the engine's aggregated inputs, snapshots, keys and merchant lookups."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Power

from merchants.models import Merchant
from merchants.normalize import normalize_registration_number, normalize_shop_url
from odr.models import Outcome
from odr.selectors import credit_case_rows, merchant_case_ratings

from . import method
from .models import ApiKey, CreditSnapshot, Grade


class DaysBetween(Func):
    """``later - earlier`` in (fractional) days, on SQLite and PostgreSQL."""

    output_field = FloatField()
    arity = 2

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
            **extra_context,
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="(CAST(EXTRACT(EPOCH FROM (%(expressions)s)) AS double precision) / 86400.0)",
            arg_joiner=" - ",
            **extra_context,
        )


def _float_case(*whens: When, default: float) -> Case:
    return Case(*whens, default=Value(default), output_field=FloatField())


def _severity():
    return _float_case(
        *(When(category=category, then=Value(w)) for category, w in method.SEVERITY.items()),
        default=method.DEFAULT_SEVERITY,
    )


def _amount_weight():
    # The band thresholds converted into each currency, so the comparison stays in SQL.
    whens = [
        When(
            currency=currency,
            amount__gte=Value(Decimal(str(round(euros / rate, 2)))),
            then=Value(weight),
        )
        for currency, rate in method.EUR_PER_UNIT.items()
        for euros, weight in method.AMOUNT_BANDS
    ]
    return _float_case(*whens, default=method.DEFAULT_AMOUNT_WEIGHT)


def _weighted(condition: Q, weight) -> Sum:
    return Sum(_float_case(When(condition, then=weight), default=0.0))


def counted_case_rows(merchant_ids: Iterable[int]) -> QuerySet:
    """The cases that count for these merchants, one row per (merchant, case): accepted at
    screening, neither rejected as unfounded nor withdrawn (docs/credit.md, "What counts")."""
    return (
        credit_case_rows()
        .filter(merchant_id__in=list(merchant_ids), accepted_at__isnull=False)
        .exclude(outcome__in=method.IGNORED_OUTCOMES)
        .exclude(state__in=method.IGNORED_STATES)
        # A merchant named twice on one complaint (as agent and as seller) counts the case once.
        .filter(
            ~Exists(
                credit_case_rows().filter(
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
    every decayed sum and count with conditional aggregates; one more reads the merchants' own
    fields. A merchant without cases gets empty sums.
    """
    merchant_ids = list(merchant_ids)
    now_value = Value(now, output_field=DateTimeField())
    age_days = Greatest(DaysBetween(now_value, F("accepted_at")), Value(0.0))
    decay = Power(Value(0.5), age_days / Value(float(half_life_days)))
    mass = decay * _severity() * _amount_weight()

    # An open case counts for responsiveness once the answer is known: the merchant answered,
    # or the deadline passed without an answer.
    responsiveness = Q(merchant_response_due_at__isnull=False) & (
        Q(merchant_responded_at__isnull=False) | Q(merchant_response_due_at__lt=now)
    )
    on_time = responsiveness & Q(
        merchant_responded_at__isnull=False,
        merchant_responded_at__lte=F("merchant_response_due_at"),
    )
    decided = Q(outcome__in=method.DECIDED_OUTCOMES)
    resolved = Q(outcome__in=method.RESOLVED_OUTCOMES)
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

    rows = (
        counted_case_rows(merchant_ids)
        .values("merchant_id")
        .order_by()
        .annotate(
            case_count=Count("pk", filter=counted),
            sample_weight=_weighted(responsiveness | decided, decay),
            responsiveness_cases=Count("pk", filter=responsiveness),
            responsiveness_on_time_cases=Count("pk", filter=on_time),
            responsiveness_weight=_weighted(responsiveness, decay),
            responsiveness_on_time_weight=_weighted(on_time, decay),
            decided_cases=Count("pk", filter=decided),
            resolved_cases=Count("pk", filter=resolved),
            decided_weight=_weighted(decided, decay),
            decided_mass=_weighted(decided, mass),
            resolved_mass=_weighted(resolved, mass),
            fulfilment_cases=Count("pk", filter=fulfilment),
            fulfilled_cases=Count("pk", filter=fulfilled),
            fulfilment_weight=_weighted(fulfilment, decay),
            fulfilled_weight=_weighted(fulfilled, decay),
        )
    )
    sums = {row.pop("merchant_id"): row for row in rows}
    merchants = Merchant.objects.filter(pk__in=merchant_ids).values_list(
        "pk", "completeness", "verification_state", "annual_order_volume"
    )
    inputs = {}
    for pk, completeness, verification_state, volume in merchants:
        row = {k: (v or 0) for k, v in sums.get(pk, {}).items()}
        inputs[pk] = method.MerchantInputs(
            completeness=completeness,
            verification_state=verification_state,
            annual_order_volume=volume,
            **row,
        )
    return inputs


# --- Snapshots ------------------------------------------------------------------------------


def current_snapshots(merchant_ids: Iterable[int]) -> dict[int, CreditSnapshot]:
    return {
        s.merchant_id: s
        for s in CreditSnapshot.objects.filter(merchant_id__in=list(merchant_ids), is_current=True)
    }


def current_snapshot(merchant_id: int) -> CreditSnapshot | None:
    return CreditSnapshot.objects.filter(merchant_id=merchant_id, is_current=True).first()


def with_current_grade(merchants: QuerySet[Merchant]) -> QuerySet[Merchant]:
    """Annotate ``credit_grade`` (NR when never computed) and ``credit_score`` from each
    merchant's current snapshot, in the same query."""
    current = CreditSnapshot.objects.filter(merchant=OuterRef("pk"), is_current=True)
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
    decided = Q(outcome__in=method.DECIDED_OUTCOMES)
    resolved = Q(outcome__in=method.RESOLVED_OUTCOMES, closed_at__isnull=False)
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
    median_days = None
    if resolved_count:
        # The middle one or two durations, sorted in the database: no percentile function
        # exists on both SQLite and PostgreSQL, and this reads at most two rows.
        durations = (
            rows.filter(resolved)
            .annotate(days=DaysBetween(F("closed_at"), F("accepted_at")))
            .order_by("days")
            .values_list("days", flat=True)
        )
        middle = list(durations[(resolved_count - 1) // 2 : resolved_count // 2 + 1])
        median_days = sum(middle) / len(middle)
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
    return ApiKey.objects.select_related("client").filter(hashed_key=hash_api_key(secret)).first()


# --- Merchant lookups for the API -----------------------------------------------------------


def merchants_for_api() -> QuerySet[Merchant]:
    return Merchant.objects.prefetch_related("roles")


def merchant_by_public_id(public_id) -> Merchant | None:
    return merchants_for_api().filter(public_id=public_id).first()


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
