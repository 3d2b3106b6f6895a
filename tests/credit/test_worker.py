"""Incremental recomputation through the real broker (Redis in CI) and a real worker: an
outcome committed by the ODR services reaches the API within seconds, past the cache."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from odr import services as odr
from odr.models import Outcome
from tests.conftest import wait_for
from tests.credit.helpers import current_snapshot
from tests.factories import CaseFactory, MerchantRepresentativeFactory, UserFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_an_outcome_reaches_the_api_through_the_worker(platform_api_client, real_worker):
    consumer = UserFactory(role="consumer")
    representation = MerchantRepresentativeFactory()
    merchant = representation.merchant
    now = timezone.now()
    case = CaseFactory(
        merchant=merchant,
        complaint__consumer=consumer,
        accepted_at=now - timedelta(days=1),
        merchant_response_due_at=now + timedelta(days=9),
    )
    url = f"/api/v1/merchants/{merchant.public_id}/credit/"
    before = platform_api_client.get(url).json()  # cached: never computed
    assert before["computed_at"] is None

    # Each service call commits on its own (autocommit); closing enqueues the recomputation.
    odr.merchant_accept_claim(case_id=case.pk, representative=representation.user)
    odr.settlement_confirm_paid(case_id=case.pk, consumer=consumer)

    assert wait_for(lambda: current_snapshot(merchant.pk) is not None, timeout=30), (
        "the worker never recomputed the merchant"
    )
    case.refresh_from_db()
    assert case.outcome == Outcome.RESOLVED_BY_MERCHANT
    after = platform_api_client.get(url).json()
    assert after["computed_at"] is not None, "the API still answers from the stale cache entry"
    assert after["sample"]["cases"] == 1
