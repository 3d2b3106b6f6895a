"""A small dataset built by hand for the statistics tests, and the default language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import translation

from tests.factories import CaseFactory, MerchantFactory, RespondentFactory

NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _default_language():
    """A /zh-hans/ request leaves Chinese active in the test thread (tests/odr/conftest.py)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


def complaint_case(
    *,
    submitted,
    category="non_delivery",
    consumer_country="FR",
    seller=None,
    platform=None,
    state="awaiting_merchant",
    outcome="",
    accepted=True,
    responded_after_days=None,
    closed_after_days=None,
    **complaint,
):
    """A submitted complaint and its case: accepted a day after ``submitted`` (unless not), its
    merchant's answer due 10 days after that, answered ``responded_after_days`` after
    acceptance, closed ``closed_after_days`` after acceptance. ``seller``: the merchant named
    as seller; without one the seller is only named."""
    accepted_at = submitted + DAY if accepted else None
    case = CaseFactory(
        complaint__submitted_at=submitted,
        complaint__category=category,
        complaint__consumer_country=consumer_country,
        complaint__platform_merchant=platform,
        **{f"complaint__{k}": v for k, v in complaint.items()},
        state=state,
        outcome=outcome,
        accepted_at=accepted_at,
        merchant_response_due_at=accepted_at + 10 * DAY if accepted else None,
        merchant_responded_at=(
            None if responded_after_days is None else accepted_at + responded_after_days * DAY
        ),
        closed_at=None if closed_after_days is None else accepted_at + closed_after_days * DAY,
    )
    RespondentFactory(complaint=case.complaint, merchant=seller)
    return case


@pytest.fixture
def merchants(db):
    from merchants.models import MerchantRoleAssignment

    found = {
        "de": MerchantFactory(legal_name="Hamburg Versand GmbH", country="DE"),
        "cn": MerchantFactory(
            legal_name="深圳优品贸易有限公司", country="CN", roles=["agent_spot"]
        ),
        "p1": MerchantFactory(legal_name="Alpha Marketplace Inc", country="US", roles=["platform"]),
        "p2": MerchantFactory(legal_name="Beta Bazaar Ltd", country="GB", roles=["platform"]),
    }
    assert MerchantRoleAssignment.objects.filter(role="platform").count() == 2
    return found


@pytest.fixture
def dataset(merchants):
    """Five complaints that count (two in May 2026, three in June) and six that do not; days
    are counted from acceptance (a day after submission), the answer is due on day 10.

    | # | month | category | pair | platform | case | answer | closed |
    | 1 | May | non_delivery | FR → DE | p1 | resolved by the merchant | day 2 (in time) | day 4 |
    | 2 | May | non_delivery | FR → DE | p1 | settled in mediation | day 12 (late) | day 16 |
    | 3 | Jun | fraud | CN → DE | — | merchant unresponsive | none, deadline passed | day 11 |
    | 4 | Jun | fraud | FR → CN | p2 | awaiting the merchant | none, not yet due | — |
    | 5 | Jun | non_delivery | FR → (named) | — | negotiation, held then accepted | day 3 | — |
    """
    m = merchants
    may, june = dt.datetime(2026, 5, 3, tzinfo=dt.UTC), dt.datetime(2026, 6, 2, tzinfo=dt.UTC)
    counted = [
        complaint_case(
            submitted=may,
            seller=m["de"],
            platform=m["p1"],
            state="resolved",
            outcome="resolved_by_merchant",
            responded_after_days=2,
            closed_after_days=4,
        ),
        complaint_case(
            submitted=may + DAY,
            seller=m["de"],
            platform=m["p1"],
            state="resolved",
            outcome="settled_in_mediation",
            responded_after_days=12,
            closed_after_days=16,
        ),
        complaint_case(
            submitted=june,
            category="fraud",
            consumer_country="CN",
            seller=m["de"],
            state="referred",
            outcome="merchant_unresponsive",
            closed_after_days=11,
        ),
        complaint_case(
            submitted=NOW - 2 * DAY,
            category="fraud",
            seller=m["cn"],
            platform=m["p2"],
        ),
        complaint_case(
            submitted=june + DAY,
            state="negotiation",
            responded_after_days=3,
            held_at=june + DAY,
            held_reason="repeated",
            hold_decision="accepted",
        ),
    ]
    not_counted = [
        # Held for screening, no decision yet.
        complaint_case(submitted=june, seller=m["de"], held_at=june, held_reason="repeated"),
        # Rejected at screening: never accepted.
        complaint_case(
            submitted=june,
            seller=m["de"],
            state="rejected",
            outcome="rejected_unfounded",
            accepted=False,
            closed_after_days=None,
        ),
        # Rejected as unfounded after acceptance, and withdrawn by the consumer.
        complaint_case(
            submitted=june,
            seller=m["de"],
            state="rejected",
            outcome="rejected_unfounded",
            closed_after_days=5,
        ),
        complaint_case(
            submitted=june,
            seller=m["de"],
            state="withdrawn",
            outcome="withdrawn",
            responded_after_days=1,
            closed_after_days=2,
        ),
        # Not screened yet.
        complaint_case(submitted=june, seller=m["de"], state="submitted", accepted=False),
        # Submitted before the last 12 months (May 2025), resolved in 20 days.
        complaint_case(
            submitted=dt.datetime(2025, 5, 20, tzinfo=dt.UTC),
            category="defective",
            seller=m["cn"],
            state="resolved",
            outcome="resolved_by_merchant",
            responded_after_days=1,
            closed_after_days=20,
        ),
    ]
    return {"counted": counted, "not_counted": not_counted, **merchants}
