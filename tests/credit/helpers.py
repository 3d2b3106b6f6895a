"""Building cases as the ODR services leave them, at exact ages, for hand-computed tests."""

from __future__ import annotations

import datetime as dt

from credit import services
from credit.method import METHOD_VERSION
from credit.models import CreditSnapshot
from tests.factories import CaseFactory, SettlementFactory

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
RESPONSE_DAYS = 10


def decided_case(
    merchant, outcome, *, age_days=0, answered=True, closed_after_days=20, now=NOW, **complaint
):
    """A closed case accepted ``age_days`` before ``now``; answered on time unless told not."""
    accepted = now - age_days * DAY
    state = {
        "resolved_by_merchant": "resolved",
        "settled_in_mediation": "resolved",
        "compensated_in_advance": "resolved",
        "merchant_unresponsive": "referred",
        "referred_unresolved": "referred",
        "rejected_unfounded": "rejected",
        "withdrawn": "withdrawn",
    }[outcome]
    return CaseFactory(
        merchant=merchant,
        state=state,
        outcome=outcome,
        accepted_at=accepted,
        merchant_response_due_at=accepted + RESPONSE_DAYS * DAY,
        merchant_responded_at=accepted + 2 * DAY if answered else None,
        closed_at=accepted + closed_after_days * DAY,
        **{f"complaint__{k}": v for k, v in complaint.items()},
    )


def open_case(merchant, *, age_days, responded_after_days=None, now=NOW):
    accepted = now - age_days * DAY
    return CaseFactory(
        merchant=merchant,
        state="awaiting_merchant",
        accepted_at=accepted,
        merchant_response_due_at=accepted + RESPONSE_DAYS * DAY,
        merchant_responded_at=(
            None if responded_after_days is None else accepted + responded_after_days * DAY
        ),
    )


def settled_case(merchant, *, age_days, due_after_days, paid_after_days=None, now=NOW):
    case = decided_case(merchant, "settled_in_mediation", age_days=age_days, now=now)
    accepted = case.accepted_at
    SettlementFactory(
        case=case,
        due_at=accepted + due_after_days * DAY,
        paid_confirmed_at=None if paid_after_days is None else accepted + paid_after_days * DAY,
    )
    return case


def snapshot(merchant, *, at=NOW, score, grade, current=False) -> CreditSnapshot:
    """A snapshot written directly (no cases behind it), for tests of what reads them."""
    return CreditSnapshot.objects.create(
        merchant=merchant,
        score=score,
        grade=grade,
        factors={},
        case_count=3,
        effective_sample=3.0,
        method_version=METHOD_VERSION,
        computed_at=at,
        is_current=current,
    )


def rate(merchant, *, now=NOW) -> CreditSnapshot:
    services.credit_recompute(merchant_ids=[merchant.pk], now=now)
    return CreditSnapshot.objects.get(merchant=merchant, is_current=True)


def decay(age_days: float, half_life: float = 365) -> float:
    return 0.5 ** (age_days / half_life)


def current_snapshot(merchant_id: int) -> CreditSnapshot | None:
    """The merchant's current snapshot, read straight from the table."""
    return CreditSnapshot.objects.filter(merchant_id=merchant_id, is_current=True).first()
