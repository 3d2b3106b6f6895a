"""The credit method (factors, decay, shrinkage, score, grade): its numbers and its rules."""

# docs/credit.md explains the same rules in words; change both together and bump METHOD_VERSION
# whenever a number or a rule below changes, so every snapshot says which rules produced it.
#
# This module is pure: it turns one merchant's aggregated inputs (MerchantInputs, filled by
# credit.selectors.credit_inputs in one set-based query) into a Rating. The tables it holds
# (outcomes that count, severity, amount bands) are also what that query is built from.

from __future__ import annotations

import math
from dataclasses import dataclass

from complaints.models import Category
from merchants.models import VerificationState
from odr.models import CaseState, Outcome

from .models import Grade

METHOD_VERSION = "1"

# The numbers below belong to the method version, like every table in this module: they are not
# settings and are read from no environment, so two deployments (or two nights) on the same
# version rate the same cases the same way.

# Decay: a case's weight is 0.5 ** (age in days / HALF_LIFE_DAYS), so a case this many days old
# counts half as much as a new one.
HALF_LIFE_DAYS = 365
# Below this effective sample (the decayed number of cases) a merchant is "not rated" (NR)
# rather than graded.
MIN_SAMPLE = 2

FACTORS = ("responsiveness", "resolution", "fulfilment", "complaint_rate", "disclosure")

# Share of the score each factor carries. A factor that does not apply (complaint rate when the
# merchant declared no order volume) gives its weight to the others in proportion.
WEIGHTS = {
    "responsiveness": 0.25,
    "resolution": 0.30,
    "fulfilment": 0.20,
    "complaint_rate": 0.15,
    "disclosure": 0.10,
}

# Bayesian shrinkage: each share factor starts as if the merchant already had PRIOR_STRENGTH
# cases at the prior mean (roughly what merchants achieve on complaint platforms), so a handful
# of cases moves it only part of the way. One unanswered, unresolved complaint cannot make an F.
PRIOR_STRENGTH = 3.0
PRIORS = {"responsiveness": 0.75, "resolution": 0.65, "fulfilment": 0.85}

# Score -> grade: the first row whose minimum the score reaches.
GRADE_TABLE = (
    (900, Grade.A_PLUS),
    (800, Grade.A),
    (700, Grade.B),
    (600, Grade.C),
    (450, Grade.D),
    (0, Grade.F),
)

# Outcomes that say nothing about the merchant: the complaint was unfounded or withdrawn.
IGNORED_OUTCOMES = (Outcome.REJECTED_UNFOUNDED, Outcome.WITHDRAWN)
# States of cases that never reached the merchant or were dropped by the consumer.
IGNORED_STATES = (CaseState.REJECTED, CaseState.WITHDRAWN)
# Decided outcomes that count for resolution and complaint rate, and those that count in the
# merchant's favour. Compensation in advance means the platform paid because the merchant did
# not: it counts as decided, not resolved, and as a settlement not honoured.
DECIDED_OUTCOMES = (
    Outcome.RESOLVED_BY_MERCHANT,
    Outcome.SETTLED_IN_MEDIATION,
    Outcome.COMPENSATED_IN_ADVANCE,
    Outcome.MERCHANT_UNRESPONSIVE,
    Outcome.REFERRED_UNRESOLVED,
)
RESOLVED_OUTCOMES = (Outcome.RESOLVED_BY_MERCHANT, Outcome.SETTLED_IN_MEDIATION)

# Resolution weighs each decided case by severity x amount (each 1-2): failing a fraud or a
# large purchase costs more than failing a late parcel of a few euros.
SEVERITY = {
    Category.FRAUD: 2.0,
    Category.DEFECTIVE: 1.5,
    Category.PAYMENT_SECURITY: 1.5,
    Category.PERSONAL_DATA: 1.5,
}
DEFAULT_SEVERITY = 1.0
# Amount bands in euros (the purchase amount converted at the indicative rates below); an amount
# without a listed currency, or none at all, counts as the lowest band.
AMOUNT_BANDS = ((500, 2.0), (50, 1.5))
DEFAULT_AMOUNT_WEIGHT = 1.0
# Indicative euros per unit, fixed for this method version: bands only need the order of
# magnitude, and a rate that changed daily would change scores without any new case.
EUR_PER_UNIT = {
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

# Complaint rate: decided complaints a year per 1,000 declared orders. At this rate the factor
# is 0.5; at zero it is 1; it falls towards 0 as the rate grows (value = 1 / (1 + rate / scale)).
COMPLAINT_RATE_SCALE = 1.0

# Disclosure: half completeness, half verification.
VERIFICATION_VALUE = {VerificationState.VERIFIED: 1.0, VerificationState.PENDING: 0.5}


@dataclass(frozen=True)
class MerchantInputs:
    """One merchant's inputs. ``*_weight`` sums are over distinct cases of the decay weight
    0.5 ** (age in days / half-life); ``*_cases`` count the same cases without decay."""

    completeness: int = 0
    verification_state: str = VerificationState.UNVERIFIED
    annual_order_volume: int | None = None
    case_count: int = 0
    sample_weight: float = 0.0
    responsiveness_cases: int = 0
    responsiveness_on_time_cases: int = 0
    responsiveness_weight: float = 0.0
    responsiveness_on_time_weight: float = 0.0
    decided_cases: int = 0
    resolved_cases: int = 0
    decided_weight: float = 0.0
    # The decay weight times severity times amount band, over decided and over resolved cases.
    decided_mass: float = 0.0
    resolved_mass: float = 0.0
    fulfilment_cases: int = 0
    fulfilled_cases: int = 0
    fulfilment_weight: float = 0.0
    fulfilled_weight: float = 0.0


@dataclass(frozen=True)
class Rating:
    score: int | None
    grade: str
    factors: dict
    case_count: int
    effective_sample: float


def shrink(*, prior: float, favourable_weight: float, weight: float) -> float:
    """Posterior mean of a share with PRIOR_STRENGTH pseudo-cases at ``prior``."""
    return (PRIOR_STRENGTH * prior + favourable_weight) / (PRIOR_STRENGTH + weight)


def grade_for(score: int | None) -> str:
    if score is None:
        return Grade.NOT_RATED
    for minimum, grade in GRADE_TABLE:
        if score >= minimum:
            return grade
    # Scores run from 0 to 1000 and the table's last row starts at 0: below it is a bug.
    raise ValueError(f"a credit score below 0: {score}")


def _share_factor(name: str, *, cases: int, favourable_cases: int, weight: float, good: float):
    observed = good / weight if weight > 0 else None
    return {
        "value": shrink(prior=PRIORS[name], favourable_weight=good, weight=weight),
        "observed": observed,
        "prior": PRIORS[name],
        "cases": cases,
        "favourable": favourable_cases,
        "effective_sample": weight,
    }


def rate(inputs: MerchantInputs, *, half_life_days: float, min_sample: float) -> Rating:
    """The factors, score and grade of one merchant (score None and grade NR when the effective
    sample is below ``min_sample``)."""
    factors: dict[str, dict] = {}
    factors["responsiveness"] = _share_factor(
        "responsiveness",
        cases=inputs.responsiveness_cases,
        favourable_cases=inputs.responsiveness_on_time_cases,
        weight=inputs.responsiveness_weight,
        good=inputs.responsiveness_on_time_weight,
    )
    # Resolution: the observed share is weighted by severity and amount, but the evidence it
    # carries (for shrinkage) is the decayed number of cases, so a large case is not "more data".
    resolution_observed = (
        inputs.resolved_mass / inputs.decided_mass if inputs.decided_mass > 0 else None
    )
    factors["resolution"] = {
        "value": shrink(
            prior=PRIORS["resolution"],
            favourable_weight=(resolution_observed or 0.0) * inputs.decided_weight,
            weight=inputs.decided_weight,
        ),
        "observed": resolution_observed,
        "prior": PRIORS["resolution"],
        "cases": inputs.decided_cases,
        "favourable": inputs.resolved_cases,
        "effective_sample": inputs.decided_weight,
    }
    factors["fulfilment"] = _share_factor(
        "fulfilment",
        cases=inputs.fulfilment_cases,
        favourable_cases=inputs.fulfilled_cases,
        weight=inputs.fulfilment_weight,
        good=inputs.fulfilled_weight,
    )
    volume = inputs.annual_order_volume
    if volume:  # not declared (None) or declared as none (0): no rate
        # A steady flow of c cases a year sums to c * half-life / ln 2 in decay weight.
        per_year = inputs.decided_weight * math.log(2) * 365.0 / half_life_days
        per_1000 = per_year / volume * 1000.0
        factors["complaint_rate"] = {
            "value": 1.0 / (1.0 + per_1000 / COMPLAINT_RATE_SCALE),
            "per_1000_orders": per_1000,
            "annual_order_volume": volume,
            "cases": inputs.decided_cases,
        }
    else:
        factors["complaint_rate"] = {"value": None, "annual_order_volume": None, "cases": 0}
    verification = VERIFICATION_VALUE.get(inputs.verification_state, 0.0)
    factors["disclosure"] = {
        "value": 0.5 * inputs.completeness / 100.0 + 0.5 * verification,
        "completeness": inputs.completeness,
        "verification_state": inputs.verification_state,
    }

    applicable = {name: WEIGHTS[name] for name in FACTORS if factors[name]["value"] is not None}
    total = sum(applicable.values())
    for name in FACTORS:
        factor = factors[name]
        factor["weight"] = _round(applicable.get(name, 0.0) / total)
        for key in ("value", "observed", "per_1000_orders", "effective_sample"):
            if factor.get(key) is not None:
                factor[key] = _round(factor[key])

    effective_sample = _round(inputs.sample_weight)
    score = None
    if effective_sample >= min_sample:
        # From the rounded values that are stored and published, so anyone can redo the sum.
        weighted = sum(applicable[name] * factors[name]["value"] for name in applicable)
        score = min(1000, math.floor(1000 * weighted / total + 0.5))
    return Rating(
        score=score,
        grade=grade_for(score),
        factors=factors,
        case_count=inputs.case_count,
        effective_sample=effective_sample,
    )


def _round(value: float) -> float:
    # Four decimals: enough to explain a score of 0-1000, and stable across databases whose
    # floating-point sums may differ in the last bits.
    return round(float(value), 4)
