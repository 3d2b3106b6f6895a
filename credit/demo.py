"""Demo data: a year of decided cases behind the demo merchants (so that they spread across the
grades, with a score history to chart), a known API key for the demo platform client, and
every merchant's credit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from complaints.models import Complaint, Respondent
from complaints.services import reference_for
from merchants import services as merchant_services
from merchants.models import Merchant
from merchants.normalize import normalize_registration_number
from odr import services as odr
from odr.models import Case

from . import selectors, services

DEMO_CLIENT_EMAIL = "platform@redress.test"
# Known on purpose so the README's curl example works after `make run`; demo data only
# (seed_demo refuses to run without DEBUG).
DEMO_API_KEY = "rdk_demo0000.redress-demo-platform-key-do-not-use-in-production"

# Consumers of the past cases (no password: nobody signs in as them). Their names and e-mails
# must never appear in an API answer: tests/credit/test_api_privacy.py checks every endpoint.
HISTORY_CONSUMERS = [
    ("Li Wei", "li.wei@redress.test"),
    ("Anna Berg", "anna.berg@redress.test"),
    ("山田美咲", "misaki.yamada@redress.test"),
    ("María López", "maria.lopez@redress.test"),
]
ORDER_PREFIX = "CREDIT-DEMO-"
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Past:
    """One past case: started ``days_ago``, played through the ODR services as ``kind``."""

    days_ago: int
    kind: str
    category: str = "non_delivery"
    amount: str = "80.00"
    currency: str = "EUR"
    rating: int | None = None


def _good(days_ago, category="non_delivery", amount="80.00", currency="EUR", rating=5):
    return Past(days_ago, "resolved", category, amount, currency, rating)


# By (country, registration number) as merchants/demo.py creates them; the target grade is what
# these cases give with the merchant's disclosure (tests/credit/test_demo.py checks the spread).
HISTORIES: dict[tuple[str, str], list[Past]] = {
    # Harbourline, a verified platform with a declared volume: answers and pays everything. A+
    ("GB", "09876543"): [
        *(_good(d) for d in (350, 300, 250, 200, 160, 120, 90, 60, 40, 25)),
        _good(75, "defective", "620.00", rating=4),
        _good(30, "return_refused", "45.00"),
    ],
    # Xinghe Bazaar, a verified platform: good, with one late answer. A
    ("CN", "91330106MA2H7K3Q5X"): [
        *(_good(d, "not_as_described", "899.00", "CNY") for d in (330, 240, 180, 110, 70, 35)),
        Past(150, "answered_late", "non_delivery", "300.00", "CNY", rating=3),
        Past(50, "paid_late", "after_sales_refused", "1200.00", "CNY", rating=3),
        _good(28, "customs", "150.00", "CNY"),
    ],
    # Sakura Zakka, verification expired: resolves much, but late and not always. C
    ("JP", "0100-01-123456"): [
        _good(320, "non_delivery", "9000", "JPY", rating=4),
        Past(280, "paid_late", "defective", "24000", "JPY", rating=2),
        Past(220, "refused", "non_delivery", "18000", "JPY", rating=2),
        Past(190, "answered_late", "not_as_described", "15000", "JPY"),
        Past(130, "paid_late", "non_delivery", "9000", "JPY", rating=3),
        Past(100, "refused", "return_refused", "32000", "JPY", rating=2),
        Past(60, "ignored", "non_delivery", "7000", "JPY", rating=1),
        Past(30, "paid_late", "after_sales_refused", "12000", "JPY"),
    ],
    # Pacific Errand Buyers, verification pending: mostly refuses. D
    ("US", "DE-7712043"): [
        Past(300, "answered_late", "non_delivery", "120.00", "USD", rating=3),
        Past(260, "refused", "not_as_described", "640.00", "USD", rating=1),
        Past(200, "ignored", "fraud", "75.00", "USD", rating=1),
        Past(140, "refused", "false_advertising", "230.00", "USD", rating=2),
        Past(90, "answered_late", "return_refused", "60.00", "USD", rating=3),
        Past(45, "refused", "unfair_terms", "310.00", "USD", rating=1),
        Past(20, "ignored", "non_delivery", "55.00", "USD"),
    ],
    # Nordlicht, verification rejected: answers nothing. F
    ("DE", "HRB123456"): [
        Past(d, "ignored", category, amount, rating=1)
        for d, category, amount in (
            (310, "defective", "95.00"),
            (250, "not_as_described", "140.00"),
            (190, "defective", "60.00"),
            (150, "fraud", "520.00"),
            (110, "non_delivery", "35.00"),
            (80, "defective", "210.00"),
            (70, "return_refused", "89.00"),
            (20, "after_sales_refused", "49.00"),
        )
    ],
    # Xunda, a carrier with one case: not rated (NR).
    ("HK", "71234567"): [_good(100, "non_delivery", "480.00", "HKD", rating=4)],
}
# Besides now, the credit is recomputed as it would have been on these days, so each merchant
# has a score history to chart.
CHECKPOINTS_DAYS_AGO = (240, 180, 120, 60)
# Days from a case's start to its last step, per kind (see _play; mediation lasts 45 days).
DURATION_DAYS = {"resolved": 9, "paid_late": 25, "answered_late": 21, "refused": 30, "ignored": 57}


def seed() -> dict:
    client = User.objects.get(email=DEMO_CLIENT_EMAIL)
    if selectors.api_key_for_secret(DEMO_API_KEY) is None:
        services.api_key_create(
            client=client, name="Demo platform key", created_by=None, secret=DEMO_API_KEY
        )
    now = timezone.now()
    if not Complaint.objects.filter(order_number__startswith=ORDER_PREFIX).exists():
        _play_histories(now)
    result = services.credit_recompute(now=now)
    grades = ", ".join(f"{grade} {count}" for grade, count in sorted(result.grades.items()))
    example = Merchant.objects.filter(
        country="CN", registration_number_normalized="91330106MA2H7K3Q5X"
    ).first()
    lookup = (
        f"lookup/?country=CN&registration_number={example.registration_number_normalized}"
        if example
        else "merchants/?grade=A"
    )
    return {
        "notes": [
            f"Platform API key ({DEMO_CLIENT_EMAIL}): {DEMO_API_KEY}",
            f"  try: curl -H 'X-Api-Key: {DEMO_API_KEY}' '{settings.SITE_URL}/api/v1/{lookup}'",
            f"  API documentation: {settings.SITE_URL}/api/docs/",
            f"Credit recomputed for {result.merchants} merchants ({grades or 'no merchants yet'}).",
        ]
    }


def _play_histories(now: datetime) -> None:
    staff = User.objects.filter(email="mediator@redress.test").first()
    if staff is None:
        return  # the accounts demo did not run
    consumers = [_user(email, name, User.Role.CONSUMER) for name, email in HISTORY_CONSUMERS]
    plays = []
    for (country, number), history in HISTORIES.items():
        merchant = Merchant.objects.filter(
            country=country, registration_number_normalized=normalize_registration_number(number)
        ).first()
        if merchant is None:
            continue  # the merchants demo did not create it
        desk = _user(f"desk.{merchant.pk}@redress.test", "Complaints desk", User.Role.MERCHANT_REP)
        merchant_services.representative_link(merchant_id=merchant.pk, user=desk, actor=staff)
        for index, past in enumerate(history):
            plays.append((past, merchant, desk, consumers[index % len(consumers)]))
    # In the order the cases ended, recomputing at each checkpoint before the first case that
    # ended after it: a checkpoint never sees a later step (cases still open then are left out).
    plays.sort(key=lambda play: DURATION_DAYS[play[0].kind] - play[0].days_ago)
    checkpoints = sorted(CHECKPOINTS_DAYS_AGO, reverse=True)
    merchant_ids = sorted({play[1].pk for play in plays})
    for number, (past, merchant, desk, consumer) in enumerate(plays, start=1):
        ended_days_ago = past.days_ago - DURATION_DAYS[past.kind]
        while checkpoints and ended_days_ago < checkpoints[0]:
            services.credit_recompute(merchant_ids=merchant_ids, now=now - checkpoints.pop(0) * DAY)
        _play(past, merchant=merchant, desk=desk, consumer=consumer, staff=staff, now=now, n=number)


def _user(email: str, name: str, role: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, full_name=name, role=role)
    return user


def _play(past: Past, *, merchant, desk, consumer, staff, now: datetime, n: int) -> None:
    """One case from complaint to outcome, each step through the ODR services at its time."""
    start = now - past.days_ago * DAY
    complaint = Complaint.objects.create(
        consumer=consumer,
        status=Complaint.Status.SUBMITTED,
        draft_step="review",
        language="en",
        purchase_mode="direct",
        shop_name=merchant.display_name,
        order_number=f"{ORDER_PREFIX}{n:03d}",
        item_description="Order from the demo history",
        amount=Decimal(past.amount),
        currency=past.currency,
        payment_method="card",
        category=past.category,
        right_at_stake="information",
        description="A past complaint of the demo data.",
        remedy="refund",
        remedy_amount=Decimal(past.amount),
        consent_at=start,
        submitted_at=start,
    )
    complaint.reference = reference_for(complaint.pk, start)
    complaint.save(update_fields=["reference"])
    Respondent.objects.create(
        complaint=complaint,
        role=Respondent.Role.SELLER,
        merchant=merchant,
        reason=Respondent.Reason.DIRECT_SELLER,
    )
    case = odr.case_open(complaint_id=complaint.pk, now=start)
    c = case.pk
    odr.case_accept(case_id=c, mediator=staff, now=start + DAY)
    due = start + (1 + settings.REDRESS_DEADLINES["merchant_response"].days) * DAY
    if past.kind in ("resolved", "paid_late"):
        odr.merchant_accept_claim(case_id=c, representative=desk, now=start + 3 * DAY)
        if past.kind == "resolved":
            odr.settlement_confirm_paid(case_id=c, consumer=consumer, now=start + 9 * DAY)
        else:
            _expire(c)  # the fulfilment deadline passes: escalated
            odr.settlement_confirm_paid(case_id=c, consumer=consumer, now=start + 25 * DAY)
    elif past.kind == "answered_late":
        _expire(c)  # no answer in time: mediation
        odr.merchant_accept_claim(case_id=c, representative=desk, now=due + 4 * DAY)
        odr.settlement_confirm_paid(case_id=c, consumer=consumer, now=due + 10 * DAY)
    elif past.kind == "refused":
        odr.merchant_dispute(
            case_id=c, representative=desk, reasons="We do not accept this.", now=start + 4 * DAY
        )
        odr.case_request_mediation(case_id=c, user=consumer, now=start + 6 * DAY)
        odr.case_refer(
            case_id=c,
            mediator=staff,
            summary="The merchant refused every proposal.",
            now=start + 30 * DAY,
        )
    elif past.kind == "ignored":
        _expire(c)  # no answer: mediation
        _expire(c)  # mediation time runs out: referred, merchant unresponsive
    else:
        raise ValueError(past.kind)
    if past.rating:
        odr.case_rate(case_id=c, consumer=consumer, score=past.rating)


def _expire(case_id: int) -> None:
    deadline = Case.objects.values_list("deadline_at", flat=True).get(pk=case_id)
    odr.case_expire_deadline(case_id=case_id, now=deadline + timedelta(minutes=1))
