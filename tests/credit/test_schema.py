"""The OpenAPI schema documents every platform endpoint, its errors and the API-key scheme."""

from __future__ import annotations

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "/api/v1/merchants/{public_id}/credit/": "get",
    "/api/v1/merchants/{public_id}/credit/history/": "get",
    "/api/v1/lookup/": "get",
    "/api/v1/lookup/bulk/": "post",
}


def test_schema_documents_each_endpoint_with_examples_and_errors(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    for path, method in ENDPOINTS.items():
        operation = schema["paths"][path][method]
        assert operation["summary"]
        assert {"ApiKeyHeader": []} in operation["security"]
        assert {"ApiKeyAuthorization": []} in operation["security"]
        for status in ("400", "401", "403", "429"):
            error = operation["responses"][status]["content"]["application/json"]
            assert error["schema"]["$ref"] == "#/components/schemas/Error"
            assert error["examples"]
        assert operation["responses"]["200"]["content"]["application/json"]["examples"]
    schemes = schema["components"]["securitySchemes"]
    assert schemes["ApiKeyHeader"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-Api-Key",
        "description": schemes["ApiKeyHeader"]["description"],
    }
    assert schemes["ApiKeyAuthorization"]["name"] == "Authorization"


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
