"""Per-key throttling: over the rate, 429 with Retry-After; other keys are not affected."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from credit.services import api_key_create
from tests.factories import MerchantFactory

pytestmark = pytest.mark.django_db


def test_a_key_over_its_rate_gets_429_with_retry_after(settings, platform_api_client):
    settings.CREDIT_API_RATE = "3/minute"
    url = f"/api/v1/merchants/{MerchantFactory().public_id}/credit/"

    statuses = [platform_api_client.get(url).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    response = platform_api_client.get(url)
    assert 0 < int(response["Retry-After"]) <= 60
    error = response.json()["error"]
    assert (error["status"], error["code"]) == (429, "throttled")


def test_the_rate_is_counted_per_key(settings, platform_api_client, platform_client):
    settings.CREDIT_API_RATE = "2/minute"
    url = f"/api/v1/merchants/{MerchantFactory().public_id}/credit/"
    for _ in range(3):
        platform_api_client.get(url)
    _, other_secret = api_key_create(client=platform_client, name="second", created_by=None)

    response = APIClient().get(url, HTTP_X_API_KEY=other_secret)

    assert platform_api_client.get(url).status_code == 429
    assert response.status_code == 200


def test_public_endpoints_are_not_throttled_per_key(settings):
    settings.CREDIT_API_RATE = "1/minute"

    statuses = {APIClient().get("/api/v1/health/").status_code for _ in range(3)}

    assert statuses == {200}
