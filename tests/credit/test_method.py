"""The credit method on small cases computed by hand (docs/credit.md, credit/method.py).

Priors: responsiveness 0.75, resolution 0.65, fulfilment 0.85, each worth 3 cases. Weights:
responsiveness .25, resolution .30, fulfilment .20, complaint rate .15, disclosure .10.
"""

from __future__ import annotations

import math

import pytest

from credit import method
from tests.factories import MerchantFactory, RespondentFactory

from .helpers import DAY, NOW, decay, decided_case, open_case, rate, settled_case

pytestmark = pytest.mark.django_db

approx = pytest.approx


def test_one_failed_case_is_shrunk_toward_the_prior_not_to_zero():
    merchant = MerchantFactory()
    # A year old (weight 0.5), never answered, referred unresolved.
    decided_case(merchant, "merchant_unresponsive", age_days=365, answered=False)

    factors = rate(merchant).factors

    assert factors["responsiveness"]["observed"] == 0.0
    assert factors["responsiveness"]["value"] == approx((3 * 0.75 + 0) / (3 + 0.5), abs=1e-4)
    assert factors["resolution"]["observed"] == 0.0
    assert factors["resolution"]["value"] == approx((3 * 0.65 + 0) / (3 + 0.5), abs=1e-4)
    # No settlement fell due: the prior alone.
    assert factors["fulfilment"]["value"] == 0.85


def test_one_complaint_cannot_make_an_f(monkeypatch):
    monkeypatch.setattr(method, "MIN_SAMPLE", 0)  # rate even a single case, to see where it lands
    merchant = MerchantFactory(completeness=0, verification_state="unverified")
    # The worst single case: a fresh fraud over 1,000 euros, never answered, unresolved.
    decided_case(
        merchant,
        "merchant_unresponsive",
        age_days=30,
        answered=False,
        category="fraud",
        amount=1000,
        currency="EUR",
    )

    snapshot = rate(merchant)

    d = decay(30)
    responsiveness = 3 * 0.75 / (3 + d)
    resolution = 3 * 0.65 / (3 + d)
    # Complaint rate does not apply (no declared volume): its weight goes to the others.
    expected = 1000 * (0.25 * responsiveness + 0.30 * resolution + 0.20 * 0.85 + 0.10 * 0) / 0.85
    assert snapshot.score == approx(expected, abs=1)
    assert snapshot.grade == "D"


def test_many_failed_cases_do_make_an_f():
    merchant = MerchantFactory()
    for _ in range(12):
        decided_case(merchant, "merchant_unresponsive", age_days=30, answered=False)

    assert rate(merchant).grade == "F"


def test_a_case_one_half_life_old_weighs_half():
    merchant = MerchantFactory()
    decided_case(merchant, "resolved_by_merchant", age_days=0)
    decided_case(merchant, "referred_unresolved", age_days=365)

    resolution = rate(merchant).factors["resolution"]

    # Resolved weight 1 out of 1 + 0.5.
    assert resolution["observed"] == approx(1 / 1.5, abs=1e-4)
    assert resolution["effective_sample"] == approx(1.5, abs=1e-4)
    assert resolution["value"] == approx((3 * 0.65 + 1) / (3 + 1.5), abs=1e-4)


def test_the_half_life_sets_how_fast_old_cases_decay(monkeypatch):
    monkeypatch.setattr(method, "HALF_LIFE_DAYS", 730)
    merchant = MerchantFactory()
    decided_case(merchant, "resolved_by_merchant", age_days=0)
    decided_case(merchant, "referred_unresolved", age_days=365)

    resolution = rate(merchant).factors["resolution"]

    assert resolution["observed"] == approx(1 / (1 + 0.5**0.5), abs=1e-4)


def test_unfounded_and_withdrawn_complaints_do_not_count():
    plain = MerchantFactory()
    decided_case(plain, "resolved_by_merchant", age_days=10)
    complained_about = MerchantFactory()
    decided_case(complained_about, "resolved_by_merchant", age_days=10)
    # Both unanswered past their deadline: even responsiveness ignores them.
    decided_case(complained_about, "rejected_unfounded", age_days=40, answered=False)
    decided_case(complained_about, "withdrawn", age_days=40, answered=False)

    assert rate(complained_about).factors == rate(plain).factors
    assert rate(complained_about).case_count == 1


def test_below_the_minimum_sample_a_merchant_is_not_rated():
    merchant = MerchantFactory()
    decided_case(merchant, "resolved_by_merchant", age_days=0)

    first = rate(merchant)
    decided_case(merchant, "resolved_by_merchant", age_days=0)
    second = rate(merchant)

    assert (first.grade, first.score) == ("NR", None)
    assert first.effective_sample == approx(1.0)
    assert second.grade != "NR"
    assert second.score is not None


def test_old_cases_alone_leave_a_merchant_not_rated():
    merchant = MerchantFactory()
    for _ in range(3):
        decided_case(merchant, "resolved_by_merchant", age_days=730)  # 3 x 0.25 = 0.75

    snapshot = rate(merchant)

    assert snapshot.effective_sample == approx(0.75, abs=1e-4)
    assert snapshot.grade == "NR"


def test_a_merchant_without_cases_is_not_rated():
    snapshot = rate(MerchantFactory(completeness=100, verification_state="verified"))

    assert (snapshot.grade, snapshot.score, snapshot.case_count) == ("NR", None, 0)


def test_an_open_case_counts_for_responsiveness_only_once_its_deadline_passed():
    merchant = MerchantFactory()
    case = open_case(merchant, age_days=5)  # the answer is due in 5 days

    before = rate(merchant).factors["responsiveness"]
    after = rate(merchant, now=NOW + 6 * DAY).factors["responsiveness"]

    assert before["cases"] == 0
    assert before["value"] == 0.75
    assert after["cases"] == 1
    assert after["favourable"] == 0
    d = decay(11)
    assert after["value"] == approx(3 * 0.75 / (3 + d), abs=1e-4)
    assert case.outcome == ""


def test_an_answer_after_the_deadline_is_not_on_time():
    merchant = MerchantFactory()
    open_case(merchant, age_days=0, responded_after_days=12)
    open_case(merchant, age_days=0, responded_after_days=3)

    responsiveness = rate(merchant).factors["responsiveness"]

    assert (responsiveness["cases"], responsiveness["favourable"]) == (2, 1)
    assert responsiveness["observed"] == 0.5


def test_resolution_weighs_amount_and_severity():
    merchant = MerchantFactory()
    # Resolved: a 20-euro late parcel (1 x 1). Not resolved: a 1,000-euro fraud (2 x 2).
    decided_case(merchant, "resolved_by_merchant", category="non_delivery", amount=20)
    decided_case(merchant, "referred_unresolved", category="fraud", amount=1000)

    resolution = rate(merchant).factors["resolution"]

    assert resolution["observed"] == approx(1 / (1 + 4), abs=1e-4)
    # The evidence is still two cases, whatever their size.
    assert resolution["effective_sample"] == approx(2.0)
    assert resolution["value"] == approx((3 * 0.65 + 0.2 * 2) / (3 + 2), abs=1e-4)


def test_amounts_in_other_currencies_use_the_indicative_rate():
    merchant = MerchantFactory()
    # 4,000 yuan is about 520 euros: the top band (2); 100 yuan is the lowest (1).
    decided_case(merchant, "resolved_by_merchant", amount=4000, currency="CNY")
    decided_case(merchant, "referred_unresolved", amount=100, currency="CNY")

    assert rate(merchant).factors["resolution"]["observed"] == approx(2 / 3, abs=1e-4)


def test_fulfilment_counts_settlements_paid_on_time():
    merchant = MerchantFactory()
    settled_case(merchant, age_days=0, due_after_days=-1, paid_after_days=-2)  # on time
    settled_case(merchant, age_days=0, due_after_days=-5, paid_after_days=-1)  # late
    settled_case(merchant, age_days=0, due_after_days=-1)  # overdue, unpaid
    settled_case(merchant, age_days=0, due_after_days=10)  # not due yet: not counted
    decided_case(merchant, "compensated_in_advance", age_days=0)  # the platform paid

    fulfilment = rate(merchant).factors["fulfilment"]

    assert (fulfilment["cases"], fulfilment["favourable"]) == (4, 1)
    assert fulfilment["value"] == approx((3 * 0.85 + 1) / (3 + 4), abs=1e-4)


def test_complaint_rate_is_per_declared_order_volume():
    merchant = MerchantFactory(annual_order_volume=1000)
    decided_case(merchant, "resolved_by_merchant", age_days=0)

    complaint_rate = rate(merchant).factors["complaint_rate"]

    # One fresh case is ln 2 complaints a year at a 365-day half-life; per 1,000 of 1,000 orders.
    per_1000 = math.log(2)
    assert complaint_rate["per_1000_orders"] == approx(per_1000, abs=1e-4)
    assert complaint_rate["value"] == approx(1 / (1 + per_1000), abs=1e-4)
    assert complaint_rate["weight"] == 0.15


def test_without_declared_volume_complaint_rate_gives_its_weight_to_the_others():
    merchant = MerchantFactory(annual_order_volume=None)

    factors = rate(merchant).factors

    assert factors["complaint_rate"]["value"] is None
    assert factors["complaint_rate"]["weight"] == 0
    assert factors["responsiveness"]["weight"] == approx(0.25 / 0.85, abs=1e-4)
    assert sum(f["weight"] for f in factors.values()) == approx(1, abs=1e-3)


@pytest.mark.parametrize(
    ("completeness", "state", "expected"),
    [(80, "verified", 0.9), (100, "pending", 0.75), (100, "expired", 0.5), (0, "rejected", 0)],
)
def test_disclosure_is_half_completeness_half_verification(completeness, state, expected):
    merchant = MerchantFactory(completeness=completeness, verification_state=state)

    assert rate(merchant).factors["disclosure"]["value"] == approx(expected)


def test_a_merchant_named_twice_on_one_complaint_counts_the_case_once():
    merchant = MerchantFactory()
    case = decided_case(merchant, "resolved_by_merchant")
    RespondentFactory(complaint=case.complaint, merchant=merchant, role="purchasing_agent")

    snapshot = rate(merchant)

    assert snapshot.case_count == 1
    assert snapshot.factors["resolution"]["cases"] == 1


def test_score_is_the_weighted_mean_of_the_stored_factors(monkeypatch):
    monkeypatch.setattr(method, "MIN_SAMPLE", 1)
    merchant = MerchantFactory(completeness=100, verification_state="verified")
    for _ in range(4):
        decided_case(merchant, "resolved_by_merchant", age_days=0)

    snapshot = rate(merchant)

    f = snapshot.factors
    # Everything answered and resolved: (2.25 + 4) / 7 and (1.95 + 4) / 7; fulfilment prior.
    assert f["responsiveness"]["value"] == approx(6.25 / 7, abs=1e-4)
    assert f["resolution"]["value"] == approx(5.95 / 7, abs=1e-4)
    # The weights of docs/credit.md, written here rather than read from credit.method.
    weights = {
        "responsiveness": 0.25,
        "resolution": 0.30,
        "fulfilment": 0.20,
        "complaint_rate": 0.15,
        "disclosure": 0.10,
    }
    weighted = sum(weights[k] * f[k]["value"] for k in f if f[k]["value"] is not None)
    assert snapshot.score == math.floor(1000 * weighted / 0.85 + 0.5)
    # Grade bands of docs/credit.md: A+ >= 900, A >= 800, B >= 700, C >= 600, D >= 450, F.
    bands = ((900, "A+"), (800, "A"), (700, "B"), (600, "C"), (450, "D"), (0, "F"))
    assert snapshot.grade == next(grade for floor, grade in bands if snapshot.score >= floor)
    assert snapshot.method_version == "1"


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (1000, "A+"),
        (900, "A+"),
        (899, "A"),
        (800, "A"),
        (799, "B"),
        (700, "B"),
        (699, "C"),
        (600, "C"),
        (599, "D"),
        (450, "D"),
        (449, "F"),
        (0, "F"),
        (None, "NR"),
    ],
)
def test_grade_table(score, grade):
    assert method.grade_for(score) == grade


def test_the_half_life_and_minimum_sample_are_those_of_method_version_1(settings):
    # docs/credit.md: version 1 halves a case's weight every 365 days and rates a merchant from
    # an effective sample of 2. They belong to the version, not to a deployment's settings.
    assert method.METHOD_VERSION == "1"
    assert (method.HALF_LIFE_DAYS, method.MIN_SAMPLE) == (365, 2)
    assert not hasattr(settings, "CREDIT_HALF_LIFE_DAYS")
    assert not hasattr(settings, "CREDIT_MIN_SAMPLE")


def test_the_environment_cannot_change_the_method():
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import django; django.setup(); from credit import method; "
        "print(method.HALF_LIFE_DAYS, method.MIN_SAMPLE)"
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "CREDIT_HALF_LIFE_DAYS": "30",
            "CREDIT_MIN_SAMPLE": "9",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.stdout.split() == ["365", "2"], result.stderr
