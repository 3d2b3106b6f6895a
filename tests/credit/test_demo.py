"""Demo data: a known API key for the demo platform client, past cases that spread the demo
merchants across the grades, and a full recomputation."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from rest_framework.test import APIClient

from credit import demo
from credit.models import ApiKey, CreditSnapshot
from merchants.models import Merchant
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


def test_the_demo_merchants_spread_across_the_grades_with_a_history_to_chart(capsys):
    call_command("seed_demo", "--force", verbosity=0)
    out = capsys.readouterr().out

    current = CreditSnapshot.objects.filter(is_current=True)
    assert set(current.values_list("grade", flat=True)) == {"A+", "A", "B", "C", "D", "F", "NR"}
    # Each merchant with past cases was also computed at earlier checkpoints.
    for merchant in Merchant.objects.filter(credit_snapshots__grade__in=["A+", "F"]).distinct():
        assert CreditSnapshot.objects.filter(merchant=merchant).count() >= 3
    # The curl line seed_demo prints works as printed.
    (line,) = [line for line in out.splitlines() if "try: curl" in line]
    url = re.search(r"'(http[^']+)'$", line).group(1).replace(settings.SITE_URL, "")
    response = APIClient().get(url, HTTP_X_API_KEY=demo.DEMO_API_KEY)
    assert response.status_code == 200
    assert response.json()["credit"]["grade"] == "A"
