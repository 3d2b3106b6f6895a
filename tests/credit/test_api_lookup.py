"""Lookups by shop URL, by country and registration number, and in bulk (up to 100)."""

from __future__ import annotations

import uuid

import pytest

from credit import services
from merchants.models import Shop
from merchants.normalize import normalize_shop_url
from tests.factories import MerchantFactory

from .helpers import NOW, decided_case

pytestmark = pytest.mark.django_db


def _shop(merchant, url: str) -> Shop:
    return Shop.objects.create(
        merchant=merchant, name="Shop", url=url, url_normalized=normalize_shop_url(url)
    )


@pytest.fixture
def merchant():
    merchant = MerchantFactory(
        legal_name="上海优品贸易有限公司",
        legal_name_latin="Shanghai Youpin Trading Co., Ltd.",
        country="CN",
        registration_number="91310000MA1FL1234X",
        completeness=100,
        verification_state="verified",
    )
    _shop(merchant, "https://youpin.example.com/store")
    decided_case(merchant, "resolved_by_merchant")
    services.credit_recompute(merchant_ids=[merchant.pk], now=NOW)
    return merchant


def test_lookup_by_shop_url_ignores_tracking_and_www(platform_api_client, merchant):
    response = platform_api_client.get(
        "/api/v1/lookup/",
        {"shop_url": "http://www.youpin.example.com/store/?utm_source=x&spm=1"},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["merchant"]["public_id"] == str(merchant.public_id)
    assert body["merchant"]["legal_name_latin"] == "Shanghai Youpin Trading Co., Ltd."
    assert body["merchant"]["roles"] == ["supplier"]
    assert body["merchant"]["country"] == "CN"
    credit_path = f"/api/v1/merchants/{merchant.public_id}/credit/"
    assert body["merchant"]["credit_url"].endswith(credit_path)
    assert body["credit"]["grade"] == "NR"
    assert body["credit"]["sample"]["cases"] == 1


def test_lookup_by_registration_ignores_spaces_dashes_and_case(platform_api_client, merchant):
    response = platform_api_client.get(
        "/api/v1/lookup/", {"country": "cn", "registration_number": "91310000-ma1fl 1234x"}
    )

    assert response.status_code == 200
    assert response.json()["merchant"]["public_id"] == str(merchant.public_id)


def test_lookup_of_an_unknown_shop_is_a_404(platform_api_client, merchant):
    response = platform_api_client.get("/api/v1/lookup/", {"shop_url": "https://other.example"})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "shop_url"),
        ({"shop_url": "not a url"}, "shop_url"),
        ({"shop_url": "ftp://example.com"}, "shop_url"),
        ({"shop_url": "https://x.example", "country": "CN"}, "shop_url"),
        ({"country": "CN"}, "registration_number"),
        ({"registration_number": "123"}, "country"),
        ({"country": "XX", "registration_number": "123"}, "country"),
        ({"country": "CHN", "registration_number": "123"}, "country"),
        ({"country": "CN", "registration_number": "12#3"}, "registration_number"),
        ({"shop_url": "https://x.example", "registration": "1"}, "registration"),
    ],
)
def test_malformed_lookups_are_400_naming_the_field(platform_api_client, params, field):
    response = platform_api_client.get("/api/v1/lookup/", params)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"]


def test_bulk_lookup_answers_found_and_not_found(platform_api_client, merchant):
    other = MerchantFactory()
    unknown = str(uuid.uuid4())

    response = platform_api_client.post(
        "/api/v1/lookup/bulk/",
        {"merchants": [str(merchant.public_id), unknown, str(other.public_id)]},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert [r["merchant"]["public_id"] for r in body["results"]] == [
        str(merchant.public_id),
        str(other.public_id),
    ]
    assert body["results"][1]["credit"]["grade"] == "NR"
    assert body["not_found"] == [unknown]


def test_bulk_lookup_of_100_merchants_takes_a_fixed_number_of_queries(
    platform_api_client, django_assert_max_num_queries
):
    merchants = [MerchantFactory() for _ in range(100)]
    services.credit_recompute(now=NOW)

    with django_assert_max_num_queries(8):
        response = platform_api_client.post(
            "/api/v1/lookup/bulk/",
            {"merchants": [str(m.public_id) for m in merchants]},
            format="json",
        )

    assert response.status_code == 200
    assert len(response.json()["results"]) == 100


def test_more_than_100_merchants_is_a_400(platform_api_client):
    response = platform_api_client.post(
        "/api/v1/lookup/bulk/",
        {"merchants": [str(uuid.uuid4()) for _ in range(101)]},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["merchants"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"merchants": []}, "merchants"),
        ({"merchants": ["not-a-uuid"]}, "merchants.0"),
        ({"merchants": "3f1c2b7e-8a4d-4d1e-9b6a-2f5c7d9e0a11"}, "merchants"),
        ({}, "merchants"),
        ([1, 2], "merchants"),
        ({"merchants": [str(uuid.uuid4())], "grade": "A"}, "grade"),
    ],
)
def test_malformed_bulk_lookups_are_400_naming_the_field(platform_api_client, body, field):
    response = platform_api_client.post("/api/v1/lookup/bulk/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_a_body_that_is_not_json_is_a_400(platform_api_client):
    response = platform_api_client.post(
        "/api/v1/lookup/bulk/", "{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_bulk_lookup_by_get_is_a_405_in_the_error_shape(platform_api_client):
    response = platform_api_client.get("/api/v1/lookup/bulk/")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_an_unknown_api_address_is_a_404_in_the_error_shape(platform_api_client):
    for method in ("get", "post", "delete"):
        response = getattr(platform_api_client, method)("/api/v1/nothing/here/")

        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
