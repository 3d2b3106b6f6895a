"""What the API fuzzer found, pinned: input outside the schema is a 400 or a JSON 404, never
accepted, never a 500, never an HTML page."""

from __future__ import annotations

import pytest

from tests.factories import MerchantFactory

pytestmark = pytest.mark.django_db

BULK = "/api/v1/lookup/bulk/"


@pytest.mark.parametrize(
    "ids",
    [
        [False],
        [0],
        [12345],
        ["3f1c2b7e8a4d4d1e9b6a2f5c7d9e0a11"],
        ["{3f1c2b7e-8a4d-4d1e-9b6a-2f5c7d9e0a11}"],
    ],
    ids=["false", "zero", "number", "no-dashes", "braces"],
)
def test_bulk_lookup_takes_only_public_ids_as_documented(platform_api_client, ids):
    response = platform_api_client.post(BULK, {"merchants": ids}, format="json")

    assert response.status_code == 400
    assert "merchants.0" in response.json()["error"]["fields"]


def test_bulk_lookup_refuses_unknown_fields(platform_api_client):
    merchant = MerchantFactory()
    response = platform_api_client.post(
        BULK, {"merchants": [str(merchant.public_id)], "merchant": "typo"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"merchant": ["Unknown field."]}


@pytest.mark.parametrize("path", ["/api/v1/merchants/\n/credit/", "/api/v1/a\nb/"])
def test_an_address_with_a_newline_is_a_json_404(platform_api_client, path):
    response = platform_api_client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("page", ["²", "٣", "0", "-1", "last"])
@pytest.mark.parametrize(
    "url", ["/api/v1/merchants/", "/api/v1/shops/", "/api/v1/merchants/{id}/credit/history/"]
)
def test_a_page_number_is_an_ascii_number_from_one(platform_api_client, url, page):
    merchant = MerchantFactory()
    response = platform_api_client.get(url.format(id=merchant.public_id), {"page": page})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["page"]


def test_an_unverified_merchant_is_listed_with_null_verification_dates(platform_api_client):
    MerchantFactory()

    row = platform_api_client.get("/api/v1/merchants/").json()["results"][0]

    assert row["verification"] == {"state": "unverified", "verified_at": None, "expires_at": None}


def test_the_schema_documents_the_errors_of_every_operation(client):
    paths = client.get("/api/schema/?format=json").json()["paths"]

    for path, operations in paths.items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            if path == "/api/v1/health/":
                assert documented == {"200"}
                continue
            if path.startswith("/api/v1/dossiers/"):
                # Public (anyone holding a dossier may check it), throttled per address.
                assert documented == {"200", "400", "429"}, path
                continue
            if path.startswith("/api/v1/open-complaints/"):
                # Public (open data), throttled per address; pages and entries may be missing.
                assert documented == {"200", "400", "404", "429"}, path
                continue
            assert {"401", "403", "429"} <= documented, (method, path)
            if "{" in path:
                assert "404" in documented, (method, path)
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "page":
                    assert parameter["schema"]["minimum"] == 1
