"""Hostile or malformed input on every endpoint is a 4xx in the one error shape, never a 500."""

from __future__ import annotations

import pytest

from tests.factories import MerchantFactory, ShopFactory

pytestmark = pytest.mark.django_db

HUGE = "9" * 30


@pytest.fixture
def merchant():
    merchant = MerchantFactory()
    ShopFactory(merchant=merchant)
    return merchant


@pytest.mark.parametrize(
    ("path", "params", "status", "field"),
    [
        ("/api/v1/merchants/", {"page": HUGE}, 404, None),
        ("/api/v1/merchants/", {"q": "a\x00b"}, 400, "q"),
        ("/api/v1/merchants/", {"country": "c\x00"}, 400, "country"),
        ("/api/v1/merchants/", {"grade": "\x00"}, 400, "grade"),
        ("/api/v1/merchants/", {"shop_url": "http://[::1"}, 400, "shop_url"),
        ("/api/v1/merchants/", {"shop_url": "https://xn--" + "a" * 300 + ".com"}, 400, "shop_url"),
        ("/api/v1/merchants/", {"registration_number": "12\x003"}, 400, "registration_number"),
        ("/api/v1/shops/", {"merchant": "\x00"}, 400, "merchant"),
        ("/api/v1/shops/", {"page": HUGE}, 404, None),
        ("/api/v1/shops/", {"url": "https://x\x00.example"}, 400, "url"),
        ("{merchant}credit/history/", {"page": HUGE}, 404, None),
        ("{merchant}credit/history/", {"page": "\u0661"}, 400, "page"),  # an Arabic-Indic one
        ("{merchant}credit/", {"x": "\x00"}, 400, "x"),
        ("/api/v1/lookup/", {"shop_url": "http://[::1"}, 400, "shop_url"),
        ("/api/v1/lookup/", {"shop_url": "https://x\x00.example"}, 400, "shop_url"),
        (
            "/api/v1/lookup/",
            {"country": "CN", "registration_number": "💥"},
            400,
            "registration_number",
        ),
        ("/api/v1/lookup/", {"country": "C\x00", "registration_number": "12"}, 400, "country"),
        ("/api/v1/lookup/", {"shop_url": ""}, 400, "shop_url"),
    ],
)
def test_malformed_parameters_are_a_4xx_in_the_error_shape(
    platform_api_client, merchant, path, params, status, field
):
    path = path.replace("{merchant}", f"/api/v1/merchants/{merchant.public_id}/")

    response = platform_api_client.get(path, params)

    assert response.status_code == status
    error = response.json()["error"]
    assert error["status"] == status
    if field:
        assert field in error["fields"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"merchants": [None]}, "merchants.0"),
        ({"merchants": [1]}, "merchants.0"),
        ({"merchants": [{"id": 1}]}, "merchants.0"),
        ({"merchants": ["\x00"]}, "merchants.0"),
        ({"merchants": [[]]}, "merchants.0"),
        ("merchants", "merchants"),
        (None, "merchants"),
        (123, "merchants"),
    ],
)
def test_malformed_bulk_bodies_are_a_400_naming_the_field(platform_api_client, body, field):
    response = platform_api_client.post("/api/v1/lookup/bulk/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_a_bulk_lookup_sent_as_a_form_is_a_415(platform_api_client):
    response = platform_api_client.post("/api/v1/lookup/bulk/", {"merchants": "x"})

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_odd_headers_do_not_break_conditional_requests(platform_api_client, merchant):
    response = platform_api_client.get(
        f"/api/v1/merchants/{merchant.public_id}/credit/",
        HTTP_IF_MODIFIED_SINCE="not a date",
        HTTP_IF_NONE_MATCH="\x01garbage",
        HTTP_ACCEPT_LANGUAGE="x" * 5000,
    )

    assert response.status_code == 200


# Hostile bodies: nested past what the JSON decoder can recurse, or over the size limit.
# DATA_UPLOAD_MAX_MEMORY_SIZE is 5 MiB (config/settings/base.py).
LIMIT_BYTES = 5 * 1024 * 1024


def _nested(depth: int) -> str:
    return '{"merchants": ' + "[" * depth + "]" * depth + "}"


@pytest.mark.parametrize("depth", [1_000, 100_000, 40])
def test_a_deeply_nested_bulk_body_is_a_400_in_the_error_shape(platform_api_client, depth):
    response = platform_api_client.post(
        "/api/v1/lookup/bulk/", _nested(depth), content_type="application/json"
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert (error["status"], error["code"]) == (400, "too_deep")
    assert error["message"] == (
        "The JSON body is nested too deeply: at most 32 levels are accepted."
    )


def test_the_nesting_refusal_is_translated(platform_api_client):
    response = platform_api_client.post(
        "/api/v1/lookup/bulk/",
        _nested(1_000),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 400
    expected = "JSON 请求体嵌套过深：最多接受 32 层。"  # noqa: RUF001 - Chinese punctuation
    assert response.json()["error"]["message"] == expected


def test_a_shallow_bulk_body_still_works(platform_api_client, merchant):
    body = {"merchants": [str(merchant.public_id)]}

    response = platform_api_client.post("/api/v1/lookup/bulk/", body, format="json")

    assert response.status_code == 200
    assert [r["merchant"]["public_id"] for r in response.json()["results"]] == [
        str(merchant.public_id)
    ]


def test_a_bulk_body_over_the_size_limit_is_a_413_in_the_error_shape(platform_api_client):
    body = '{"merchants": ["' + "a" * LIMIT_BYTES + '"]}'

    response = platform_api_client.post(
        "/api/v1/lookup/bulk/", body, content_type="application/json"
    )

    assert response.status_code == 413
    error = response.json()["error"]
    assert (error["status"], error["code"]) == (413, "payload_too_large")
    assert error["message"] == "The request body is too large: at most 5242880 bytes are accepted."


def test_a_body_just_under_the_size_limit_is_read(platform_api_client):
    body = '{"merchants": ["' + "a" * (LIMIT_BYTES - 100) + '"]}'

    response = platform_api_client.post(
        "/api/v1/lookup/bulk/", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert "merchants.0" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/lookup/bulk/", None),  # reads the body: 400 nested, 413 too large
        ("/api/v1/lookup/", 405),
        ("/api/v1/merchants/", 405),
        ("/api/v1/shops/", 405),
        ("/api/v1/health/", 405),
        ("/api/v1/no-such-endpoint/", 404),
    ],
)
@pytest.mark.parametrize("method", ["post", "put", "patch"])
@pytest.mark.parametrize(
    ("body", "body_status"),
    [(_nested(1_000), 400), ("[" * (LIMIT_BYTES + 1), 413), ("\xff{[\x00", 400)],
    ids=["nested", "too-large", "garbage"],
)
def test_no_hostile_body_is_a_500_on_any_endpoint(
    platform_api_client, path, status, method, body, body_status
):
    if path == "/api/v1/lookup/bulk/" and method != "post":
        status = 405
    response = getattr(platform_api_client, method)(path, body, content_type="application/json")

    expected = status or body_status
    assert response.status_code == expected
    assert response.json()["error"]["status"] == expected
