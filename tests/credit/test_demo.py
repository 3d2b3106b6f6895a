"""Demo data: a known API key for the demo platform client, and a full recomputation."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from credit import demo
from credit.models import ApiKey, CreditSnapshot
from tests.factories import MerchantFactory, PlatformClientFactory

pytestmark = pytest.mark.django_db


def test_seed_twice_gives_one_demo_key_that_works_and_prints_it():
    PlatformClientFactory(email=demo.DEMO_CLIENT_EMAIL)  # as accounts.demo creates it
    merchant = MerchantFactory()

    first = demo.seed()
    second = demo.seed()

    assert ApiKey.objects.count() == 1
    assert CreditSnapshot.objects.filter(merchant=merchant).count() == 1
    assert any(demo.DEMO_API_KEY in note for note in first["notes"])
    assert first["notes"] == second["notes"]
    response = APIClient().get(
        f"/api/v1/merchants/{merchant.public_id}/credit/", HTTP_X_API_KEY=demo.DEMO_API_KEY
    )
    assert response.status_code == 200
