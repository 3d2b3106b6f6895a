"""No API response contains a consumer's personal data."""

from __future__ import annotations

import pytest

from credit import services
from merchants.models import Shop
from merchants.normalize import normalize_shop_url
from tests.factories import MerchantFactory, SettlementFactory, UserFactory

from .helpers import NOW, decided_case

pytestmark = pytest.mark.django_db

CONSUMERS = [
    ("Li Xiaoming", "li.xiaoming@example.test"),
    ("王芳", "wangfang.consumer@example.test"),
    ("Sam Shopper", "sam.shopper@example.test"),
]


def test_no_response_contains_a_consumers_name_or_email(settings, platform_api_client):
    settings.CREDIT_MIN_SAMPLE = 1
    merchant = MerchantFactory(country="CN", registration_number="91310000MA1FL1234X")
    Shop.objects.create(
        merchant=merchant,
        name="Shop",
        url="https://shop.example.com",
        url_normalized=normalize_shop_url("https://shop.example.com"),
    )
    for name, email in CONSUMERS:
        consumer = UserFactory(full_name=name, email=email)
        case = decided_case(
            merchant,
            "settled_in_mediation",
            consumer=consumer,
            description=f"{name} ({email}) never got the parcel.",
            order_number=f"ORDER-{email}",
        )
        SettlementFactory(case=case, due_at=NOW, paid_confirmed_at=NOW)
    services.credit_recompute(now=NOW)
    base = f"/api/v1/merchants/{merchant.public_id}"

    responses = [
        platform_api_client.get(f"{base}/credit/"),
        platform_api_client.get(f"{base}/credit/history/"),
        platform_api_client.get(f"{base}/credit/", HTTP_ACCEPT_LANGUAGE="zh-hans"),
        platform_api_client.get("/api/v1/lookup/", {"shop_url": "shop.example.com"}),
        platform_api_client.get(
            "/api/v1/lookup/", {"country": "CN", "registration_number": "91310000MA1FL1234X"}
        ),
        platform_api_client.post(
            "/api/v1/lookup/bulk/", {"merchants": [str(merchant.public_id)]}, format="json"
        ),
    ]

    assert {r.status_code for r in responses} == {200}
    assert responses[0].json()["grade"] != "NR"  # the cases were counted
    for response in responses:
        text = response.content.decode()
        for name, email in CONSUMERS:
            assert name not in text
            assert email not in text
            assert email.split("@")[0] not in text
