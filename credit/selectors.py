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
from odr.selectors import credit_case_rows

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
        credit_case_rows()
        .filter(merchant_id__in=merchant_ids, accepted_at__isnull=False)
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
