"""Every number and table of credit method version 1 (docs/credit.md), without the database:
the tables the aggregate query is built from, and ``method.rate`` on inputs computed by hand.

The expected values are written out from docs/credit.md, never read from credit.method; the
arithmetic in the comments is the page's formulas with these inputs. tests/credit/test_method.py
runs the same rules through real cases and the aggregate query.
"""

from __future__ import annotations

import math

import pytest

from credit import method
from credit.method import MerchantInputs

approx = pytest.approx


def test_the_method_version():
    # Any change to a number or table below is a new version (docs/credit.md).
    assert method.METHOD_VERSION == "1"


def test_decay_and_minimum_sample_of_version_1():
    assert method.HALF_LIFE_DAYS == 365
    assert method.MIN_SAMPLE == 2


def test_weights_and_priors():
    assert method.FACTORS == (
        "responsiveness", "resolution", "fulfilment", "complaint_rate", "disclosure",
    )  # fmt: skip
    assert method.WEIGHTS == {
        "responsiveness": 0.25,
        "resolution": 0.30,
        "fulfilment": 0.20,
        "complaint_rate": 0.15,
        "disclosure": 0.10,
    }
    assert method.PRIOR_STRENGTH == 3
    assert method.PRIORS == {"responsiveness": 0.75, "resolution": 0.65, "fulfilment": 0.85}
    assert method.COMPLAINT_RATE_SCALE == 1


# "What counts": rejected as unfounded and withdrawn complaints do not count at all; cases
# rejected at screening or withdrawn never reached the merchant.
def test_the_outcomes_and_states_that_do_not_count():
    assert set(method.IGNORED_OUTCOMES) == {"rejected_unfounded", "withdrawn"}
    assert set(method.IGNORED_STATES) == {"rejected", "withdrawn"}


def test_decided_and_resolved_outcomes():
    assert set(method.DECIDED_OUTCOMES) == {
        "resolved_by_merchant",
        "settled_in_mediation",
        "compensated_in_advance",
        "merchant_unresponsive",
        "referred_unresolved",
    }
    # Compensation in advance is decided but not resolved: the platform paid, not the merchant.
    assert set(method.RESOLVED_OUTCOMES) == {"resolved_by_merchant", "settled_in_mediation"}


# Severity per category (docs/credit.md): fraud 2; defective or unsafe, payment security,
# misuse of personal data 1.5; any other category 1.
SEVERITY = {
    "non_delivery": 1,
    "not_as_described": 1,
    "defective": 1.5,
    "false_advertising": 1,
    "fraud": 2,
    "return_refused": 1,
    "after_sales_refused": 1,
    "unfair_terms": 1,
    "payment_security": 1.5,
    "personal_data": 1.5,
    "customs": 1,
    "other": 1,
}


@pytest.mark.parametrize(("category", "factor"), SEVERITY.items())
def test_severity_of_each_category(category, factor):
    # The aggregate query uses SEVERITY per category and DEFAULT_SEVERITY for the rest.
    assert method.SEVERITY.get(category, method.DEFAULT_SEVERITY) == factor


def test_no_other_category_has_a_severity():
    assert set(method.SEVERITY) == {k for k, v in SEVERITY.items() if v != 1}


def test_amount_bands():
    # 500 EUR or more: 2; 50 EUR to 500 EUR: 1.5; under 50 EUR or unknown: 1. Highest first:
    # the query takes the first band whose threshold the amount reaches.
    assert method.AMOUNT_BANDS == ((500, 2.0), (50, 1.5))
    assert method.DEFAULT_AMOUNT_WEIGHT == 1


def test_the_indicative_rates_of_version_1():
    assert method.EUR_PER_UNIT == {
        "EUR": 1.0,
        "USD": 0.92,
        "GBP": 1.17,
        "CHF": 1.04,
        "CNY": 0.13,
        "HKD": 0.118,
        "TWD": 0.028,
        "JPY": 0.0062,
        "KRW": 0.00068,
        "SGD": 0.68,
        "AUD": 0.60,
        "CAD": 0.67,
        "NZD": 0.55,
        "RUB": 0.010,
        "INR": 0.011,
        "THB": 0.026,
        "MYR": 0.20,
        "VND": 0.000037,
        "IDR": 0.000058,
    }


# --- grades ---------------------------------------------------------------------------------

GRADES = [
    (1000, "A+"), (900, "A+"), (899, "A"), (800, "A"), (799, "B"), (700, "B"), (699, "C"),
    (600, "C"), (599, "D"), (450, "D"), (449, "F"), (1, "F"), (0, "F"), (None, "NR"),
]  # fmt: skip


@pytest.mark.parametrize(("score", "grade"), GRADES)
def test_grade_bands(score, grade):
    assert method.grade_for(score) == grade


# --- shrinkage ------------------------------------------------------------------------------


def test_shrink_is_the_posterior_mean_with_three_pseudo_cases():
    # (3 x prior + favourable) / (3 + cases)
    assert method.shrink(prior=0.75, favourable_weight=0, weight=0) == 0.75
    assert method.shrink(prior=0.75, favourable_weight=2, weight=5) == approx((2.25 + 2) / 8)
    assert method.shrink(prior=0.5, favourable_weight=10, weight=10) == approx(11.5 / 13)


# --- rate() on hand-computed inputs ---------------------------------------------------------


def _rate(inputs, *, half_life_days=365, min_sample=2):
    return method.rate(inputs, half_life_days=half_life_days, min_sample=min_sample)


# The worked example of docs/credit.md: one complaint a month old, never answered, referred
# unresolved, for an unverified merchant with nothing disclosed and no declared volume.
W = 0.5 ** (30 / 365)  # 0.9446
ONE_COMPLAINT = MerchantInputs(
    completeness=0,
    verification_state="unverified",
    annual_order_volume=None,
    case_count=1,
    sample_weight=W,
    responsiveness_cases=1,
    responsiveness_weight=W,
    decided_cases=1,
    decided_weight=W,
    decided_mass=W,
)


def test_the_worked_example_is_not_rated():
    rating = _rate(ONE_COMPLAINT)
    assert (rating.score, rating.grade) == (None, "NR")
    assert rating.case_count == 1
    assert rating.effective_sample == 0.9446
    factors = rating.factors
    assert factors["responsiveness"]["value"] == 0.5704  # (3 x 0.75 + 0) / (3 + 0.9446)
    assert factors["resolution"]["value"] == 0.4943  # (3 x 0.65 + 0) / (3 + 0.9446)
    assert factors["fulfilment"]["value"] == 0.85  # no settlement: the prior
    assert factors["disclosure"]["value"] == 0
    assert factors["complaint_rate"] == {
        "value": None,
        "annual_order_volume": None,
        "cases": 0,
        "weight": 0,
    }


def test_the_worked_example_scores_542_when_rated():
    rating = _rate(ONE_COMPLAINT, min_sample=0)
    # 1000 x (0.25 x 0.5704 + 0.30 x 0.4943 + 0.20 x 0.85 + 0.10 x 0) / 0.85 = 542.2
    assert (rating.score, rating.grade) == (542, "D")
    # Without declared volume the complaint rate's 0.15 goes to the others in proportion.
    weights = {name: f["weight"] for name, f in rating.factors.items()}
    assert weights == {
        "responsiveness": 0.2941,  # 0.25 / 0.85
        "resolution": 0.3529,  # 0.30 / 0.85
        "fulfilment": 0.2353,  # 0.20 / 0.85
        "complaint_rate": 0,
        "disclosure": 0.1176,  # 0.10 / 0.85
    }


# A merchant with every factor in play, each a different value so that a swapped weight or
# prior shows: 80 % disclosed and verified, 2,000 orders a year declared.
FULL = MerchantInputs(
    completeness=80,
    verification_state="verified",
    annual_order_volume=2000,
    case_count=6,
    sample_weight=5.0,
    responsiveness_cases=5,
    responsiveness_on_time_cases=4,
    responsiveness_weight=4.0,
    responsiveness_on_time_weight=3.0,
    decided_cases=4,
    resolved_cases=2,
    decided_weight=3.0,
    decided_mass=6.0,
    resolved_mass=2.0,
    fulfilment_cases=2,
    fulfilled_cases=1,
    fulfilment_weight=2.0,
    fulfilled_weight=1.0,
)


def test_every_factor_of_a_full_case():
    rating = _rate(FULL)
    f = rating.factors
    assert f["responsiveness"] == {
        "value": 0.75,  # (3 x 0.75 + 3) / (3 + 4)
        "observed": 0.75,  # 3 / 4
        "prior": 0.75,
        "cases": 5,
        "favourable": 4,
        "effective_sample": 4.0,
        "weight": 0.25,
    }
    assert f["resolution"] == {
        # mass-weighted share 2 / 6, times 3 effective cases = 1 favourable
        "value": 0.4917,  # (3 x 0.65 + 1) / (3 + 3)
        "observed": 0.3333,
        "prior": 0.65,
        "cases": 4,
        "favourable": 2,
        "effective_sample": 3.0,
        "weight": 0.3,
    }
    assert f["fulfilment"] == {
        "value": 0.71,  # (3 x 0.85 + 1) / (3 + 2)
        "observed": 0.5,
        "prior": 0.85,
        "cases": 2,
        "favourable": 1,
        "effective_sample": 2.0,
        "weight": 0.2,
    }
    # per year = 3 x ln 2 x 365 / 365 = 2.0794; per 1,000 orders = 2.0794 / 2000 x 1000
    per_1000 = 3 * math.log(2) / 2
    assert f["complaint_rate"] == {
        "value": round(1 / (1 + per_1000), 4),  # 0.4903
        "per_1000_orders": 1.0397,
        "annual_order_volume": 2000,
        "cases": 4,
        "weight": 0.15,
    }
    assert f["complaint_rate"]["value"] == 0.4903
    assert f["disclosure"] == {
        "value": 0.9,  # 0.5 x 0.80 + 0.5 x 1
        "completeness": 80,
        "verification_state": "verified",
        "weight": 0.1,
    }
    # 1000 x (0.25 x 0.75 + 0.30 x 0.4917 + 0.20 x 0.71 + 0.15 x 0.4903 + 0.10 x 0.9) = 640.6
    assert (rating.score, rating.grade) == (641, "C")
    assert (rating.case_count, rating.effective_sample) == (6, 5.0)


def test_the_half_life_scales_the_complaint_rate():
    # Twice the half-life: the same decayed weight is half as many complaints a year.
    rating = _rate(FULL, half_life_days=730)
    per_1000 = 3 * math.log(2) * 365 / 730 / 2000 * 1000  # 0.5199
    assert rating.factors["complaint_rate"]["per_1000_orders"] == 0.5199
    assert rating.factors["complaint_rate"]["value"] == round(1 / (1 + per_1000), 4)


@pytest.mark.parametrize("volume", [None, 0])
def test_without_a_declared_volume_there_is_no_complaint_rate(volume):
    rating = _rate(MerchantInputs(annual_order_volume=volume, decided_weight=2.0, decided_cases=2))
    assert rating.factors["complaint_rate"]["value"] is None
    assert rating.factors["complaint_rate"]["weight"] == 0


@pytest.mark.parametrize(
    ("state", "expected"),
    [("verified", 1.0), ("pending", 0.5), ("unverified", 0), ("rejected", 0), ("expired", 0)],
)
def test_disclosure_verification_values(state, expected):
    rating = _rate(MerchantInputs(completeness=40, verification_state=state))
    # half completeness (0.4) plus half verification
    assert rating.factors["disclosure"]["value"] == approx(0.5 * 0.4 + 0.5 * expected)


def test_no_case_at_all_gives_the_priors_and_is_not_rated():
    rating = _rate(MerchantInputs())
    f = rating.factors
    assert (f["responsiveness"]["value"], f["responsiveness"]["observed"]) == (0.75, None)
    assert (f["resolution"]["value"], f["resolution"]["observed"]) == (0.65, None)
    assert (f["fulfilment"]["value"], f["fulfilment"]["observed"]) == (0.85, None)
    assert (rating.score, rating.grade, rating.effective_sample) == (None, "NR", 0)


def test_the_minimum_sample_is_reached_at_exactly_two():
    at_two = _rate(MerchantInputs(sample_weight=2.0, responsiveness_weight=2.0))
    assert at_two.score is not None
    below = _rate(MerchantInputs(sample_weight=1.99994, responsiveness_weight=2.0))
    # rounded to four decimals first, as stored: 1.99994 -> 1.9999, below 2
    assert (below.effective_sample, below.score) == (1.9999, None)


def test_a_perfect_merchant_scores_1000():
    perfect = MerchantInputs(
        completeness=100,
        verification_state="verified",
        sample_weight=1e9,
        responsiveness_weight=1e9,
        responsiveness_on_time_weight=1e9,
        decided_weight=1e9,
        decided_mass=1e9,
        resolved_mass=1e9,
        fulfilment_weight=1e9,
        fulfilled_weight=1e9,
    )
    rating = _rate(perfect)
    assert (rating.score, rating.grade) == (1000, "A+")


def test_the_score_is_rounded_to_the_nearest_point():
    # The priors, and disclosure 0.5 x 0.57 = 0.285:
    # 1000 x (0.25 x 0.75 + 0.30 x 0.65 + 0.20 x 0.85 + 0.10 x 0.285) / 0.85 = 683.53 -> 684
    rating = _rate(MerchantInputs(completeness=57, sample_weight=2.0))
    assert rating.score == 684
    # ... and 0.5 x 0.53 = 0.265: 681.18 -> 681
    assert _rate(MerchantInputs(completeness=53, sample_weight=2.0)).score == 681


def test_a_score_below_zero_is_a_bug_not_a_grade():
    with pytest.raises(ValueError):
        method.grade_for(-1)


def test_a_merchant_without_cases_has_empty_inputs():
    # What credit_inputs gives a merchant no case names: nothing counted, nothing declared.
    assert vars(MerchantInputs()) == {
        "completeness": 0,
        "verification_state": "unverified",
        "annual_order_volume": None,
        "case_count": 0,
        "sample_weight": 0.0,
        "responsiveness_cases": 0,
        "responsiveness_on_time_cases": 0,
        "responsiveness_weight": 0.0,
        "responsiveness_on_time_weight": 0.0,
        "decided_cases": 0,
        "resolved_cases": 0,
        "decided_weight": 0.0,
        "decided_mass": 0.0,
        "resolved_mass": 0.0,
        "fulfilment_cases": 0,
        "fulfilled_cases": 0,
        "fulfilment_weight": 0.0,
        "fulfilled_weight": 0.0,
    }


def test_each_factors_effective_sample_is_rounded_to_four_decimals_as_stored():
    rating = _rate(
        MerchantInputs(
            responsiveness_cases=2,
            responsiveness_weight=1.234567,
            decided_cases=2,
            decided_weight=2.345678,
            fulfilment_cases=1,
            fulfilment_weight=0.987654,
        )
    )
    f = rating.factors
    assert f["responsiveness"]["effective_sample"] == 1.2346
    assert f["resolution"]["effective_sample"] == 2.3457
    assert f["fulfilment"]["effective_sample"] == 0.9877


def test_inputs_and_ratings_are_values():
    import dataclasses

    with pytest.raises(dataclasses.FrozenInstanceError):
        MerchantInputs().completeness = 100  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        _rate(MerchantInputs()).score = 1000  # type: ignore[misc]


def test_one_declared_order_a_year_is_a_volume():
    # 1 decided case of decay weight 1 with the default half-life: 1 x ln 2 x 365 / 365 cases
    # a year, per 1 order = 693.1 per 1,000 orders; value 1 / (1 + 693.1) = 0.0014.
    rating = _rate(MerchantInputs(annual_order_volume=1, decided_weight=1.0, decided_cases=1))
    assert rating.factors["complaint_rate"]["per_1000_orders"] == 693.1472
    assert rating.factors["complaint_rate"]["value"] == 0.0014
