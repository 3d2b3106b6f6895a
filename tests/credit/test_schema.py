"""The OpenAPI schema documents every platform endpoint, its errors and the API-key scheme."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.factories import MerchantFactory

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "/api/v1/merchants/": "get",
    "/api/v1/merchants/{public_id}/": "get",
    "/api/v1/merchants/{public_id}/credit/": "get",
    "/api/v1/merchants/{public_id}/credit/history/": "get",
    "/api/v1/lookup/": "get",
    "/api/v1/lookup/bulk/": "post",
    "/api/v1/shops/": "get",
    "/api/v1/shops/{id}/": "get",
}
# Public: anyone holding a signed dossier may check it (no key).
PUBLIC_ENDPOINTS = {
    "/api/v1/dossiers/verify/": "post",
    "/api/v1/dossiers/verify-file/": "post",
    "/api/v1/open-complaints/": "get",
    "/api/v1/open-complaints/{public_id}/": "get",
}
# The answers each public endpoint documents besides 200: a bad parameter, too many requests,
# and for the open data a page or an entry that is not there.
PUBLIC_ERRORS = {
    "/api/v1/dossiers/verify/": {"400", "429"},
    "/api/v1/dossiers/verify-file/": {"400", "429"},
    "/api/v1/open-complaints/": {"400", "404", "429"},
    "/api/v1/open-complaints/{public_id}/": {"400", "404", "429"},
}


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_schema_lists_every_platform_endpoint(schema):
    documented = {(p, m) for p, m, _ in _operations(schema) if p != "/api/v1/health/"}

    assert documented == set(ENDPOINTS.items()) | set(PUBLIC_ENDPOINTS.items())


def test_the_public_endpoints_need_no_key_and_document_their_errors(schema):
    for path, method in PUBLIC_ENDPOINTS.items():
        operation = schema["paths"][path][method]
        assert operation["security"] == [{}], path
        assert set(operation["responses"]) == {"200"} | PUBLIC_ERRORS[path], path


def test_every_endpoint_is_documented_with_examples(schema):
    for path, method, operation in _operations(schema):
        assert operation.get("summary") or operation.get("description"), path
        body = operation["responses"]["200"]["content"]["application/json"]
        assert body["examples"], f"{method} {path}: no example of its answer"
        for example in body["examples"].values():
            assert example["value"], f"{method} {path}: an empty example"


def test_every_keyed_endpoint_documents_its_errors_with_examples(schema):
    for path, method in ENDPOINTS.items():
        operation = schema["paths"][path][method]
        assert {"ApiKeyHeader": []} in operation["security"]
        assert {"ApiKeyAuthorization": []} in operation["security"]
        statuses = ("400", "401", "403", "429") + (("404",) if "{" in path else ())
        for status in statuses:
            error = operation["responses"][status]["content"]["application/json"]
            assert error["schema"]["$ref"] == "#/components/schemas/Error", (path, status)
            example = next(iter(error["examples"].values()))
            assert example["value"]["error"]["status"] == int(status), (path, status)
    schemes = schema["components"]["securitySchemes"]
    assert schemes["ApiKeyHeader"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-Api-Key",
        "description": schemes["ApiKeyHeader"]["description"],
    }
    assert schemes["ApiKeyAuthorization"]["name"] == "Authorization"


def test_the_merchant_list_documents_its_filters(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/merchants/"]["get"]["parameters"]}

    assert {"q", "country", "role", "grade", "verification_state", "page"} <= set(parameters)
    assert set(parameters["grade"]["schema"]["enum"]) == {"A+", "A", "B", "C", "D", "F", "NR"}


def test_schema_is_valid_openapi_without_warnings(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )

    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")


def test_swagger_ui_is_served_from_our_own_static_files(client):
    page = client.get("/api/docs/").content.decode()

    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower()


def test_the_home_page_points_platforms_to_the_api_documentation(client):
    english = client.get("/").content.decode()
    chinese = client.get("/zh-hans/").content.decode()

    assert 'href="/api/docs/"' in english
    assert "API 文档" in chinese


def test_the_detail_endpoints_document_the_400_they_give_for_an_unknown_parameter(
    schema, platform_api_client
):
    merchant = MerchantFactory()

    for path in ("/api/v1/merchants/{public_id}/", "/api/v1/shops/{id}/"):
        error = schema["paths"][path]["get"]["responses"]["400"]["content"]["application/json"]
        example = next(iter(error["examples"].values()))["value"]["error"]
        assert (example["code"], example["fields"]) == (
            "invalid",
            {"colour": ["Unknown parameter."]},
        ), path
    answer = platform_api_client.get(f"/api/v1/merchants/{merchant.public_id}/", {"colour": "red"})
    assert answer.status_code == 400
    assert answer.json()["error"]["fields"] == {"colour": ["Unknown parameter."]}
