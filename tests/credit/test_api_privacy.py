"""No API response contains a consumer's personal data."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.models import User
from credit import demo, services
from merchants.models import Merchant, Shop
from merchants.normalize import normalize_shop_url
from odr.models import Case
from referrals.models import SignedDossier
from tests.factories import MerchantFactory, SettlementFactory, UserFactory
from transparency.models import OpenComplaint

from .helpers import NOW, decided_case

pytestmark = pytest.mark.django_db

CONSUMERS = [
    ("Li Xiaoming", "li.xiaoming@example.test"),
    ("王芳", "wangfang.consumer@example.test"),
    ("Sam Shopper", "sam.shopper@example.test"),
]


def test_no_response_contains_a_consumers_name_or_email(platform_api_client, monkeypatch):
    monkeypatch.setattr("credit.method.MIN_SAMPLE", 1)
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


def _strings(value):
    """Every string value in a JSON answer, however deep."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _schema_paths(client) -> set[str]:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    return set(schema["paths"])


def test_no_endpoint_answers_with_a_seeded_consumers_name_or_email(client):
    call_command("seed_demo", "--force", verbosity=0)
    consumers = list(User.objects.filter(role=User.Role.CONSUMER).values_list("full_name", "email"))
    assert len(consumers) >= 4
    assert Case.objects.filter(
        outcome__in=["resolved_by_merchant", "merchant_unresponsive"]
    ).exists()
    api = APIClient()
    api.credentials(HTTP_X_API_KEY=demo.DEMO_API_KEY)
    merchants = list(Merchant.objects.all())
    shops = list(Shop.objects.all())
    dossiers = list(SignedDossier.objects.all())
    assert dossiers
    open_entries = list(OpenComplaint.objects.all())
    assert any(entry.narrative for entry in open_entries)
    requests: dict[str, list] = {
        "/api/v1/health/": [("get", "/api/v1/health/", {})],
        "/api/v1/merchants/": [("get", "/api/v1/merchants/", {})]
        + [("get", "/api/v1/merchants/", {"grade": g}) for g in ("A+", "A", "B", "C", "D", "F")]
        + [("get", "/api/v1/merchants/", {"q": m.legal_name}) for m in merchants],
        "/api/v1/merchants/{public_id}/": [
            ("get", f"/api/v1/merchants/{m.public_id}/", {}) for m in merchants
        ],
        "/api/v1/merchants/{public_id}/credit/": [
            ("get", f"/api/v1/merchants/{m.public_id}/credit/", {}) for m in merchants
        ],
        "/api/v1/merchants/{public_id}/credit/history/": [
            ("get", f"/api/v1/merchants/{m.public_id}/credit/history/", {}) for m in merchants
        ],
        "/api/v1/lookup/": [("get", "/api/v1/lookup/", {"shop_url": s.url}) for s in shops]
        + [
            (
                "get",
                "/api/v1/lookup/",
                {"country": str(m.country), "registration_number": m.registration_number},
            )
            for m in merchants
        ],
        "/api/v1/lookup/bulk/": [
            ("post", "/api/v1/lookup/bulk/", {"merchants": [str(m.public_id) for m in merchants]})
        ],
        "/api/v1/shops/": [("get", "/api/v1/shops/", {})],
        "/api/v1/shops/{id}/": [("get", f"/api/v1/shops/{s.pk}/", {}) for s in shops],
        # the demo's signed dossier: its check says which case, never who
        "/api/v1/dossiers/verify/": [
            ("post", "/api/v1/dossiers/verify/", {"number": str(d.uid), "sha256": d.sha256})
            for d in dossiers
        ],
        "/api/v1/dossiers/verify-file/": [
            ("post", "/api/v1/dossiers/verify-file/", {"pdf_sha256": d.pdf_sha256})
            for d in dossiers
        ],
        # the open complaint data, a published narrative among them
        "/api/v1/open-complaints/": [
            ("get", "/api/v1/open-complaints/", {}),
            ("get", "/api/v1/open-complaints/", {"with_narrative": "true"}),
        ],
        "/api/v1/open-complaints/{public_id}/": [
            ("get", f"/api/v1/open-complaints/{e.public_id}/", {}) for e in open_entries
        ],
    }
    # Every documented endpoint is requested: a new one must be added here.
    assert set(requests) == _schema_paths(client)

    for method, url, params in (r for group in requests.values() for r in group):
        for language in ("en", "zh-hans"):
            if method == "post":
                response = api.post(url, params, format="json", HTTP_ACCEPT_LANGUAGE=language)
            else:
                response = api.get(url, params, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200, (url, params, response.content[:300])
            text = response.content.decode()
            # The local part of an address may be a plain word ("consumer@…"), so it is looked
            # for in the answer's values, not in its field names ("consumer_country").
            values = " ".join(_strings(response.json()))
            for name, email in consumers:
                assert name not in text, (url, name)
                assert email not in text, (url, email)
                assert email.split("@")[0] not in values, (url, email)
