"""Current credit of one merchant and its history, over the platform API."""

from __future__ import annotations

import datetime as dt

import pytest

from credit import method, services
from credit.models import CreditSnapshot
from tests.factories import MerchantFactory

from .helpers import NOW, decided_case

pytestmark = pytest.mark.django_db


def test_credit_of_a_rated_merchant_has_score_grade_and_factors_in_words(platform_api_client):
    merchant = MerchantFactory(completeness=100, verification_state="verified")
    decided_case(merchant, "resolved_by_merchant", age_days=0)
    decided_case(merchant, "referred_unresolved", age_days=0)
    services.credit_recompute(merchant_ids=[merchant.pk], now=NOW)
    snapshot = CreditSnapshot.objects.get(merchant=merchant)

    response = platform_api_client.get(f"/api/v1/merchants/{merchant.public_id}/credit/")

    assert response.status_code == 200
    body = response.json()
    assert body["merchant"] == str(merchant.public_id)
    assert body["rated"] is True
    assert (body["score"], body["grade"]) == (snapshot.score, snapshot.grade)
    assert body["method_version"] == "1"
    assert body["computed_at"].startswith("2026-06-01T12:00:00")
    assert body["sample"] == {"cases": 2, "effective": snapshot.effective_sample, "minimum": 2.0}
    factors = {f["key"]: f for f in body["factors"]}
    assert list(factors) == [
        "responsiveness",
        "resolution",
        "fulfilment",
        "complaint_rate",
        "disclosure",
    ]
    assert factors["resolution"]["explanation"] == (
        "Resolved or settled 1 of 2 decided complaints."
    )
    assert factors["responsiveness"]["explanation"] == (
        "Answered 2 of 2 complaints before the deadline."
    )
    assert factors["complaint_rate"]["value"] is None
    assert "not counted" in factors["complaint_rate"]["explanation"]
    assert factors["disclosure"]["explanation"] == (
        "Identity disclosure 100% complete; verification: verified."
    )
    assert factors["resolution"]["weight"] == snapshot.factors["resolution"]["weight"]


def test_factor_explanations_follow_the_accept_language(platform_api_client):
    merchant = MerchantFactory()
    decided_case(merchant, "resolved_by_merchant")
    services.credit_recompute(merchant_ids=[merchant.pk], now=NOW)

    response = platform_api_client.get(
        f"/api/v1/merchants/{merchant.public_id}/credit/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    factors = {f["key"]: f for f in response.json()["factors"]}
    assert factors["resolution"]["name"] == "解决情况"


def test_a_merchant_never_computed_is_not_rated(platform_api_client):
    merchant = MerchantFactory()

    body = platform_api_client.get(f"/api/v1/merchants/{merchant.public_id}/credit/").json()

    assert body["rated"] is False
    assert (body["score"], body["grade"], body["computed_at"]) == (None, "NR", None)


def test_an_unknown_merchant_is_a_404_in_the_error_shape(platform_api_client):
    response = platform_api_client.get(
        "/api/v1/merchants/3f1c2b7e-8a4d-4d1e-9b6a-2f5c7d9e0a11/credit/"
    )

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_malformed_merchant_id_is_a_404_not_a_500(platform_api_client):
    response = platform_api_client.get("/api/v1/merchants/not-a-uuid/credit/")

    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404


def test_an_unknown_parameter_is_a_400_naming_it(platform_api_client):
    merchant = MerchantFactory()

    response = platform_api_client.get(f"/api/v1/merchants/{merchant.public_id}/credit/?grade=A")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"grade": ["Unknown parameter."]}


def _history(merchant, count: int):
    CreditSnapshot.objects.bulk_create(
        CreditSnapshot(
            merchant=merchant,
            score=500 + i,
            grade="D",
            factors={},
            case_count=i,
            effective_sample=float(i),
            method_version=method.METHOD_VERSION,
            computed_at=NOW + dt.timedelta(days=i),
            is_current=i == count - 1,
        )
        for i in range(count)
    )


def test_history_is_newest_first_and_paginated(platform_api_client):
    merchant = MerchantFactory()
    _history(merchant, 30)
    url = f"/api/v1/merchants/{merchant.public_id}/credit/history/"

    first = platform_api_client.get(url).json()
    second = platform_api_client.get(url + "?page=2").json()

    assert first["count"] == 30
    assert len(first["results"]) == 25
    assert first["results"][0]["score"] == 529
    assert first["results"][0]["current"] is True
    assert first["next"].endswith("?page=2")
    assert [r["score"] for r in second["results"]] == [504, 503, 502, 501, 500]
    assert set(first["results"][0]["factors"]) == {
        "responsiveness",
        "resolution",
        "fulfilment",
        "complaint_rate",
        "disclosure",
    }


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "٣"])
def test_a_malformed_page_is_a_400_naming_it(platform_api_client, page):
    merchant = MerchantFactory()

    response = platform_api_client.get(
        f"/api/v1/merchants/{merchant.public_id}/credit/history/", {"page": page}
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["page"]


def test_a_page_past_the_end_is_a_404(platform_api_client):
    merchant = MerchantFactory()
    _history(merchant, 3)

    response = platform_api_client.get(
        f"/api/v1/merchants/{merchant.public_id}/credit/history/?page=9"
    )

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
